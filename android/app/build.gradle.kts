// Kotlin needs no plugin here: AGP 9 compiles it (built-in Kotlin).
plugins {
    alias(libs.plugins.android.application)
}

android {
    namespace = "com.mnisteverywhere.digits"
    compileSdk = 36

    defaultConfig {
        applicationId = "com.mnisteverywhere.digits"
        minSdk = 21
        targetSdk = 36
        versionCode = 1
        versionName = "1.0"
    }

    compileOptions {
        sourceCompatibility = JavaVersion.VERSION_17
        targetCompatibility = JavaVersion.VERSION_17
    }
}

dependencies {
    implementation(libs.litert)
    testImplementation(libs.junit)
}
