#!/usr/bin/env bash
# The app's Android-free Kotlin (preprocessing, int8 quantization, probability formatting, the
# kept drawings and their export) and its JUnit tests, compiled with Debian's kotlinc and run
# on the JVM: no Android SDK, no Gradle.
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

# The sources with no Android imports; Classifier, EaselView and MainActivity need the SDK.
android_free=(Preprocessor.kt Quantization.kt Prediction.kt ModelVersion.kt KeptDigits.kt)

if ! command -v kotlinc >/dev/null || ! command -v java >/dev/null \
        || [[ ! -f $junit || ! -f $hamcrest || ! -f $stdlib ]]; then
    echo "installing openjdk-17-jre-headless, kotlin and junit4 from Debian" >&2
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
        openjdk-17-jre-headless kotlin junit4 >/dev/null
fi

rm -rf "$build"
mkdir -p "$build/classes"
# -XX:-UsePerfData: no performance counters in /tmp. kotlinc reads JAVA_OPTS.
jvm_options=(-Xmx512M -XX:-UsePerfData)
export JAVA_OPTS="${jvm_options[*]}"

if ! kotlinc "${android_free[@]/#/$sources/}" "$tests"/*.kt -cp "$junit" -d "$build/classes" \
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
# KeptDigitsTest writes an export here, which tests/test_android.py reads with digits/data/kept.py.
java "${jvm_options[@]}" -Ddrawn.export="$build/drawn-digits.json" \
    -cp "$build/classes:$junit:$hamcrest:$stdlib" "$package.JvmTestRunnerKt" "${classes[@]}"
