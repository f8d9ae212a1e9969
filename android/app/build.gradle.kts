// Kotlin needs no plugin here: AGP 9 compiles it (built-in Kotlin).
plugins {
    alias(libs.plugins.android.application)
}

// The release the app shows beside its model's hash: params.yaml's `release`, which
// `make release VERSION=x` sets (empty between releases).
val modelRelease: String = rootProject.file("../params.yaml").readLines()
    .firstNotNullOfOrNull { Regex("""^release:\s*"?([^"#\s]*)"?""").find(it)?.groupValues?.get(1) }
    .orEmpty()

android {
    namespace = "com.mnisteverywhere.digits"
    compileSdk = 36

    defaultConfig {
        applicationId = "com.mnisteverywhere.digits"
        minSdk = 21
        targetSdk = 36
        versionCode = 1
        versionName = "1.0"
        buildConfigField("String", "MODEL_RELEASE", "\"$modelRelease\"")
    }

    buildFeatures {
        buildConfig = true
    }

    compileOptions {
        sourceCompatibility = JavaVersion.VERSION_17
        targetCompatibility = JavaVersion.VERSION_17
    }
}

dependencies {
    implementation(libs.litert)
    implementation(libs.androidx.core) // FileProvider: the share sheet reads the export
    testImplementation(libs.junit)
    // org.json is Android's, but in local unit tests android.jar's copy only throws ("not
    // mocked"); KeptDigits, DigitReader and the test vectors need a working one there.
    testImplementation(libs.json)
}
