package com.mnisteverywhere.digits

import org.junit.Assert.assertEquals
import org.junit.Assert.assertThrows
import org.junit.Assert.assertTrue
import org.junit.Test
import java.io.File
import java.nio.file.Files

class KeptDigitsTest {
    private val input = IntArray(28 * 28) { it % 256 }

    private fun digit(label: Int, read: Int?, strokes: List<FloatArray>) =
        DrawnDigit(label, read, "7bafa4017a24", "2026-11-28T08:00:00Z", strokes, input)

    @Test
    fun keepsCountsExportsAndForgets() {
        val store = KeptDigits(File(Files.createTempDirectory("kept").toFile(), "kept.jsonl"))
        assertEquals(0, store.count)
        store.keep(digit(4, 9, listOf(floatArrayOf(0.3f, 0.2f, 0.31f, 0.6f), floatArrayOf(0f, 1f))))
        store.keep(digit(7, null, emptyList()))
        assertEquals(2, store.count)
        val export = store.exportText()
        // tests/test_android.py reads this file with digits/data/kept.py, the pipeline's reader.
        System.getProperty("drawn.export")?.let { File(it).writeText(export) }
        assertEquals(
            "{\"format\":\"drawn-digits\",\"version\":1,\"digits\":[{\"label\":4,\"read\":9,",
            export.take(67)
        )
        store.forget()
        assertEquals(0, store.count)
        val empty = "{\"format\":\"drawn-digits\",\"version\":1,\"digits\":[]}\n"
        assertEquals(empty, store.exportText())
    }

    @Test
    fun writesCoordinatesWithFourDecimalsAndPixelsAsBytes() {
        val json = digit(1, 1, listOf(floatArrayOf(0.123456f, 1f, 0f, 0.5f))).toJson()
        assertTrue(json, "\"strokes\":[[[0.1235,1],[0,0.5]]]" in json)
        val pixels = DrawnDigit.pixels(floatArrayOf(0f, 0.5f, 1f, 1.2f))
        assertEquals(listOf(0, 128, 255, 255), pixels.toList())
    }

    @Test
    fun refusesWhatTheReaderWouldRefuse() {
        assertThrows(IllegalArgumentException::class.java) { digit(10, 1, emptyList()) }
        assertThrows(IllegalArgumentException::class.java) {
            DrawnDigit(1, 1, "v", "t", emptyList(), IntArray(783))
        }
        assertThrows(IllegalArgumentException::class.java) {
            DrawnDigit(1, 1, "a\"b", "t", emptyList(), input)
        }
    }
}
