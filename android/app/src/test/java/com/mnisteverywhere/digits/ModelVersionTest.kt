package com.mnisteverywhere.digits

import org.junit.Assert.assertEquals
import org.junit.Test

class ModelVersionTest {
    @Test
    fun hashesEachFilesNameAndBytesInNameOrder() {
        // tests/test_android.py checks these against digits/deploy/artifacts.py's model_version.
        val asset = mapOf("digits.tflite" to "TFL3 model bytes".toByteArray())
        assertEquals(ASSET_VERSION, ModelVersion.of(asset))
        val web = mapOf("model.json" to "{}".toByteArray(), "group1-shard1of1.bin" to byteArrayOf(1, 2))
        assertEquals(WEB_VERSION, ModelVersion.of(web))
    }

    @Test
    fun showsTheReleaseBeforeTheHashWhenThereIsOne() {
        // web/src/app.js shows the same: build.mjs --release=v1.2.0
        assertEquals("v1.2.0 (385fc051b808)", ModelVersion.label("385fc051b808", "v1.2.0"))
        assertEquals("385fc051b808", ModelVersion.label("385fc051b808", ""))
    }

    companion object {
        const val ASSET_VERSION = "385fc051b808"
        const val WEB_VERSION = "d77339acdfc4"
    }
}
