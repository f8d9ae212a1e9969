package com.mnisteverywhere.digits

import org.junit.Assert.assertEquals
import org.junit.Test

class ModelVersionTest {
    @Test
    fun hashesEachFilesNameAndBytesInNameOrder() {
        // tests/test_android.py checks these against digits/export.py's model_version.
        val asset = mapOf("digits.tflite" to "TFL3 model bytes".toByteArray())
        assertEquals(ASSET_VERSION, ModelVersion.of(asset))
        val web = mapOf("model.json" to "{}".toByteArray(), "group1-shard1of1.bin" to byteArrayOf(1, 2))
        assertEquals(WEB_VERSION, ModelVersion.of(web))
    }

    companion object {
        const val ASSET_VERSION = "385fc051b808"
        const val WEB_VERSION = "d77339acdfc4"
    }
}
