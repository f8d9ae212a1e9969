package com.mnisteverywhere.digits

import org.json.JSONArray
import org.json.JSONObject
import org.junit.Assert.assertEquals
import org.junit.Assert.assertThrows
import org.junit.Test
import java.io.File
import java.nio.file.Files

class KeptDigitsTest {
    private val input = IntArray(28 * 28) { it % 256 }

    private fun digit(label: Int, read: Int?, strokes: List<FloatArray>,
                      model: String = "7bafa4017a24") =
        DrawnDigit(label, read, model, "2026-11-28T08:00:00Z", strokes, input)

    private fun ints(array: JSONArray) = (0 until array.length()).map { array.getInt(it) }

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
        assertEquals('\n', export.last())
        val json = JSONObject(export)
        assertEquals(setOf("format", "version", "digits"), json.keys().asSequence().toSet())
        assertEquals("drawn-digits", json.getString("format"))
        assertEquals(1, json.getInt("version"))
        val digits = json.getJSONArray("digits")
        val labels = (0 until digits.length()).map { digits.getJSONObject(it).getInt("label") }
        assertEquals(listOf(4, 7), labels)
        assertEquals(9, digits.getJSONObject(0).getInt("read"))
        assertEquals(true, digits.getJSONObject(1).isNull("read"))
        store.forget()
        assertEquals(0, store.count)
        assertEquals(0, JSONObject(store.exportText()).getJSONArray("digits").length())
    }

    @Test
    fun writesCoordinatesWithFourDecimalsAndPixelsAsBytes() {
        val stroke = floatArrayOf(0.123456f, 1f, 0f, 0.500049f, -0.2f, 1.5f)
        val json = digit(1, 1, listOf(stroke)).toJson()
        assertEquals("[[[0.1235,1],[0,0.5],[0,1]]]", json.getJSONArray("strokes").toString())
        assertEquals(input.toList(), ints(json.getJSONArray("input")))
        val pixels = DrawnDigit.pixels(floatArrayOf(0f, 0.5f, 1f, 1.2f))
        assertEquals(listOf(0, 128, 255, 255), pixels.toList())
    }

    @Test
    fun escapesWhatTheStringsHold() {
        val model = "a\"b\\c\nd"
        val store = KeptDigits(File(Files.createTempDirectory("kept").toFile(), "kept.jsonl"))
        store.keep(digit(2, 3, emptyList(), model))
        assertEquals(1, store.count)
        val kept = JSONObject(store.exportText()).getJSONArray("digits").getJSONObject(0)
        assertEquals(model, kept.getString("model"))
    }

    @Test
    fun refusesWhatTheReaderWouldRefuse() {
        assertThrows(IllegalArgumentException::class.java) { digit(10, 1, emptyList()) }
        assertThrows(IllegalArgumentException::class.java) {
            DrawnDigit(1, 1, "v", "t", emptyList(), IntArray(783))
        }
        assertThrows(IllegalArgumentException::class.java) {
            digit(1, 1, listOf(floatArrayOf(0.5f, Float.NaN)))
        }
    }
}
