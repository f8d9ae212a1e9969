#!/usr/bin/env bash
# The app's Android-free Kotlin (every source but the three that need the Android SDK: the
# preprocessing, int8 quantization, probability formatting, the kept drawings and their export,
# the reader that runs them off the UI thread) and its JUnit tests, compiled with Debian's
# kotlinc and run on the JVM: no Android SDK, no Gradle. org.json, which Android provides, comes
# from Debian's libandroid-json-java (Android's own implementation).
# Usage: bash android/jvm-test.sh (from anywhere; installs the Debian packages it lacks, as root).
# Writes only to android/build/jvm-test/, which it empties first.
set -euo pipefail

android="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
package=com.mnisteverywhere.digits
sources="$android/app/src/main/java/${package//.//}"
tests="$android/app/src/test/java/${package//.//}"
build="$android/build/jvm-test"
junit=/usr/share/java/junit4.jar
hamcrest=/usr/share/java/hamcrest-core.jar
stdlib=/usr/share/java/kotlin-stdlib.jar
json=/usr/share/java/com.android.json.jar

# The sources that need the Android SDK (android/README.md says why); every other one is compiled.
needs_sdk=(Classifier.kt EaselView.kt MainActivity.kt)

if ! command -v kotlinc >/dev/null || ! command -v java >/dev/null \
        || [[ ! -f $junit || ! -f $hamcrest || ! -f $stdlib || ! -f $json ]]; then
    echo "installing openjdk-17-jre-headless, kotlin, junit4 and libandroid-json-java" \
        "from Debian" >&2
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
        openjdk-17-jre-headless kotlin junit4 libandroid-json-java >/dev/null
fi

android_free=()
for source in "$sources"/*.kt; do
    name=$(basename "$source")
    if [[ " ${needs_sdk[*]} " != *" $name "* ]]; then
        android_free+=("$source")
    elif ! grep -qE '^import (android|androidx|org\.tensorflow)\.' "$source"; then
        echo "$name imports nothing from Android or LiteRT: take it out of needs_sdk" >&2
        exit 1
    fi
done
echo "compiling ${#android_free[@]} of the app's sources, not ${needs_sdk[*]} (Android SDK)"

rm -rf "$build"
mkdir -p "$build/classes"
# -XX:-UsePerfData: no performance counters in /tmp. kotlinc reads JAVA_OPTS.
jvm_options=(-Xmx512M -XX:-UsePerfData)
export JAVA_OPTS="${jvm_options[*]}"

if ! kotlinc "${android_free[@]}" "$tests"/*.kt -cp "$junit:$json" -d "$build/classes" \
        >"$build/kotlinc.log" 2>&1; then
    cat "$build/kotlinc.log" >&2
    exit 1
fi
# Debian's kotlinc passes the JVM a flag that JDK 17 warns about; show any other message.
grep -v -e '-Xverify:none and -noverify were deprecated' "$build/kotlinc.log" >&2 || true

classes=()
for test in "$tests"/*Test.kt; do
    classes+=("$package.$(basename "$test" .kt)")
done
# KeptDigitsTest and DigitReaderTest write their exports here, which tests/test_android.py reads
# with digits/data/kept.py.
java "${jvm_options[@]}" -Ddrawn.export="$build/drawn-digits.json" \
    -Ddrawn.reader-export="$build/reader-drawn-digits.json" \
    -cp "$build/classes:$junit:$hamcrest:$stdlib:$json" "$package.JvmTestRunnerKt" "${classes[@]}"
