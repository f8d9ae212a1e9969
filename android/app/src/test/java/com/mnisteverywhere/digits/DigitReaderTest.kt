package com.mnisteverywhere.digits

import org.json.JSONObject
import org.junit.Assert.assertArrayEquals
import org.junit.Assert.assertEquals
import org.junit.Assert.assertFalse
import org.junit.Assert.assertNull
import org.junit.Assert.assertTrue
import org.junit.Test
import java.io.File
import java.nio.file.Files

/** DigitReader, the work behind MainActivity's screen, with a stand-in model and a clock. */
class DigitReaderTest {
    /**
     * Reads every drawing as the next digit: 0, then 1, ... (with [notADigit] as its probability
     * of no digit) and records what it was given.
     */
    private class CountingModel(private val notADigit: Float) : DigitClassifier {
        val inputs = ArrayList<FloatArray>()
        var closed = false

        override val version = "5a1e5a1e5a1e"

        override fun classify(pixels: FloatArray): Prediction {
            val digit = inputs.size % Prediction.DIGITS
            inputs.add(pixels)
            return Prediction(FloatArray(Prediction.OUTPUTS) {
                if (it == digit) 1f else if (it == Prediction.DIGITS) notADigit else 0f
            })
        }

        override fun close() {
            closed = true
        }
    }

    private val worker = QueueExecutor()
    private val ui = QueueExecutor()
    private val events = ArrayList<String>()
    private val exported = ArrayList<File>()
    private val models = ArrayList<CountingModel>()
    private val directory = Files.createTempDirectory("reader").toFile()
    private var notADigit = 0.01f
    private var openModel: () -> DigitClassifier =
        { CountingModel(notADigit).also { models.add(it) } }

    private val listener = object : DigitReader.Listener {
        override fun onRead(reading: Reading?) {
            val prediction = reading?.prediction
            events.add("read ${prediction?.let { it.read ?: "not sure" } ?: "nothing"}")
        }

        override fun onFailure(error: Throwable) {
            events.add("failed: ${error.message}")
        }

        override fun onKeptCount(count: Int) {
            events.add("kept $count")
        }

        override fun onExported(file: File) {
            events.add("exported ${file.name}")
            exported.add(file)
        }
    }

    // 2026-11-28T08:00:00Z
    private val reader = DigitReader(KeptDigits(File(directory, "kept.jsonl")),
        File(directory, "exports"), listener, ui, worker, { 1795852800000L }) { openModel() }

    private val red = TestVectors.vectors.filter { it.rgba != null }[0]
    private val blue = TestVectors.vectors.filter { it.rgba != null }[1]
    private val strokes = listOf(floatArrayOf(0.25f, 0.5f, 0.75f, 0.5f))

    /** The colour vector's picture as the easel's bitmap gives it: packed ARGB. */
    private fun argb(vector: Vector): IntArray {
        val rgba = checkNotNull(vector.rgba)
        return IntArray(rgba.size / 4) { i ->
            val (red, green, blue, alpha) = (0 until 4).map { rgba[4 * i + it].toInt() }
            (alpha shl 24) or (red shl 16) or (green shl 8) or blue
        }
    }

    private fun read(vector: Vector) =
        reader.read(vector.height, vector.width, strokes) { argb(vector) }

    private fun runAll() {
        while (worker.pending + ui.pending > 0) {
            worker.runAll()
            ui.runAll()
        }
    }

    @Test
    fun readsOnTheWorkerAndShowsOnlyTheLatestDrawing() {
        runAll()
        assertEquals(listOf("kept 0"), events)
        read(red)
        read(blue)
        worker.runAll()
        assertEquals("nothing shown before the UI thread runs", listOf("kept 0"), events)
        assertEquals(2, models.single().inputs.size)
        assertArrayEquals(blue.expected.map { it.toFloat() }.toFloatArray(),
            models.single().inputs[1], TestVectors.tolerance.toFloat())
        ui.runAll()
        assertEquals("the answer for the first drawing came too late", listOf("kept 0", "read 1"),
            events)
        val shown = checkNotNull(reader.shown)
        assertEquals(1, shown.prediction.digit)
        assertEquals("5a1e5a1e5a1e", reader.modelVersion)
        assertArrayEquals(models.single().inputs[1], shown.input, 0f)
    }

    @Test
    fun readsNothingInABlankPictureAndDropsTheAnswerForACleared() {
        read(red)
        reader.clear()
        runAll()
        assertEquals(listOf("read nothing", "kept 0"), events)
        assertNull(reader.shown)
        reader.read(3, 2, emptyList()) { IntArray(6) { -1 } } // opaque white
        runAll()
        assertEquals(listOf("read nothing", "kept 0", "read nothing"), events)
        assertEquals("read from the red picture alone", 1, models.single().inputs.size)
        assertFalse("nothing to keep", reader.keep(3))
    }

    @Test
    fun reportsAModelThatCannotRunAndTriesAgainAtTheNextDrawing() {
        openModel = { throw IllegalStateException("digits.tflite takes [1, 32, 32, 3]") }
        read(red)
        runAll()
        assertEquals(listOf("kept 0", "failed: digits.tflite takes [1, 32, 32, 3]"), events)
        assertNull(reader.shown)
        openModel = { CountingModel(notADigit).also { models.add(it) } }
        read(red)
        runAll()
        assertEquals("read 0", events.last())
    }

    @Test
    fun keepsTheDrawingOnShowAndExportsWhatThePipelineReads() {
        read(red)
        runAll()
        assertTrue(reader.keep(3))
        assertFalse("kept once", reader.keep(3))
        runAll()
        reader.export()
        runAll()
        val name = "drawn-digits-2026-11-28T080000Z.json"
        assertEquals(listOf("kept 0", "read 0", "kept 1", "exported $name"), events)
        val file = exported.single()
        assertEquals(File(directory, "exports"), file.parentFile)
        // tests/test_android.py reads this file with digits/data/kept.py, the pipeline's reader.
        System.getProperty("drawn.reader-export")?.let { file.copyTo(File(it), overwrite = true) }
        val json = JSONObject(file.readText())
        assertEquals("drawn-digits", json.getString("format"))
        val digit = json.getJSONArray("digits").getJSONObject(0)
        assertEquals(3, digit.getInt("label"))
        assertEquals(0, digit.getInt("read"))
        assertEquals("5a1e5a1e5a1e", digit.getString("model"))
        assertEquals("2026-11-28T08:00:00Z", digit.getString("kept"))
        assertEquals("[[[0.25,0.5],[0.75,0.5]]]", digit.getJSONArray("strokes").toString())
        val input = digit.getJSONArray("input")
        val expected = DrawnDigit.pixels(models.single().inputs.single())
        assertEquals(expected.toList(), (0 until input.length()).map { input.getInt(it) })

        reader.forget()
        runAll()
        assertEquals("kept 0", events.last())
        assertEquals(0, KeptDigits(File(directory, "kept.jsonl")).count)
    }

    @Test
    fun aDrawingTheModelCallsNoDigitShowsNoneAndCorrectingItStillKeepsIt() {
        notADigit = 0.9f
        read(red)
        runAll()
        assertEquals(listOf("kept 0", "read not sure"), events)
        assertEquals("the probabilities stay on show", 0, checkNotNull(reader.shown).prediction.digit)
        assertTrue(reader.keep(4))
        runAll()
        reader.export()
        runAll()
        val digit = JSONObject(exported.single().readText()).getJSONArray("digits").getJSONObject(0)
        assertEquals(4, digit.getInt("label"))
        assertTrue("it read no digit", digit.isNull("read"))
    }

    @Test
    fun closesTheModelOnTheWorkerAndReportsNothingAfterwards() {
        read(red)
        worker.runAll()
        reader.close()
        assertFalse("closed on the worker, after what it had to do", models.single().closed)
        worker.runAll()
        assertTrue(models.single().closed)
        assertTrue(worker.isShutdown)
        ui.runAll()
        assertEquals(emptyList<String>(), events)
    }
}
