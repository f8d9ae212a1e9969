package com.mnisteverywhere.digits

import java.io.Closeable
import java.io.File
import java.text.SimpleDateFormat
import java.util.Date
import java.util.Locale
import java.util.TimeZone
import java.util.concurrent.Executor
import java.util.concurrent.ExecutorService
import java.util.concurrent.Executors

/** A model that reads digits: the app's LiteRT [Classifier], a stand-in in the JVM tests. */
interface DigitClassifier : Closeable {
    /** The model's version, as [ModelVersion] computes it. */
    val version: String

    /** The 784 model inputs that [Preprocessor] makes -> the model's prediction. */
    fun classify(pixels: FloatArray): Prediction
}

/** What [model] read in a drawing, from [input], the 28x28 input it saw; kept with a label. */
class Reading(
    val prediction: Prediction,
    val model: String,
    val input: FloatArray,
    val strokes: List<FloatArray>
)

/**
 * The app's work behind the screen, with no Android classes (MainActivity draws what it reports):
 * preprocessing and inference on [worker], the kept drawings in [kept], their export into
 * [exports]. Its methods are called on the UI thread, and [listener] is called there through
 * [ui]; only the worker opens the model (with [openClassifier], at the first drawing with ink)
 * and touches the model and the kept drawings' file. [clock] gives the time a drawing is kept.
 */
class DigitReader(
    private val kept: KeptDigits,
    private val exports: File,
    private val listener: Listener,
    private val ui: Executor,
    private val worker: ExecutorService = Executors.newSingleThreadExecutor(),
    private val clock: () -> Long = System::currentTimeMillis,
    private val openClassifier: () -> DigitClassifier
) {
    /** What the screen shows; called on the UI thread, never after [close]. */
    interface Listener {
        /** The drawing on show was read; null: the easel is empty or holds too little ink. */
        fun onRead(reading: Reading?)

        /** The model cannot run, for this reason. */
        fun onFailure(error: Throwable)

        /** How many drawings are kept: at the start, and after each change. */
        fun onKeptCount(count: Int)

        /** The export is written, to share. */
        fun onExported(file: File)
    }

    // The UI thread's.
    private var latestRequest = 0 // drawings sent to the worker: a late answer is dropped
    private var closed = false

    /** What the model read in the drawing on show, to keep it with a label. */
    var shown: Reading? = null
        private set

    /** The version of the model that read the last drawing, once one was read. */
    var modelVersion: String? = null
        private set

    // The worker's.
    private var classifier: DigitClassifier? = null

    init {
        worker.execute { reportCount() }
    }

    /**
     * The easel holds a new drawing, [height] x [width] pixels, which [argb] gives (packed ARGB,
     * row by row; called on the worker); [strokes] are what a kept drawing records.
     */
    fun read(height: Int, width: Int, strokes: List<FloatArray>, argb: () -> IntArray) {
        val request = ++latestRequest
        shown = null
        worker.execute {
            val result = runCatching { reading(argb(), height, width, strokes) }
            ui.execute {
                if (request == latestRequest && !closed) {
                    result.fold({ show(it) }, { listener.onFailure(it) })
                }
            }
        }
    }

    /** The easel is empty: nothing to show, and an answer still on its way is dropped. */
    fun clear() {
        latestRequest++
        show(null)
    }

    /** Keep the drawing on show labelled [label]; false if none is on show. */
    fun keep(label: Int): Boolean {
        val reading = shown ?: return false
        shown = null
        val digit = DrawnDigit(label, reading.prediction.read, reading.model, timestamp(),
            reading.strokes, DrawnDigit.pixels(reading.input))
        worker.execute {
            kept.keep(digit)
            reportCount()
        }
        return true
    }

    /** Write every kept drawing into one drawn-digits file in [exports]: [Listener.onExported]. */
    fun export() {
        val name = "drawn-digits-${timestamp().replace(":", "")}.json"
        worker.execute {
            val file = File(exports, name)
            exports.mkdirs()
            file.writeText(kept.exportText())
            ui.execute { if (!closed) listener.onExported(file) }
        }
    }

    /** Delete every kept drawing. */
    fun forget() = worker.execute {
        kept.forget()
        reportCount()
    }

    /** Report nothing more; close the model and stop the worker once it is done. */
    fun close() {
        closed = true
        worker.execute { classifier?.close() }
        worker.shutdown()
    }

    /** On the worker: what the model reads in a picture, or null if it holds too little ink. */
    private fun reading(argb: IntArray, height: Int, width: Int, strokes: List<FloatArray>):
        Reading? {
        val input = try {
            Preprocessor.preprocessGrey(Preprocessor.greyFromArgb(argb), height, width)
        } catch (e: NoInkException) {
            return null
        }
        val model = classifier ?: openClassifier().also { classifier = it }
        return Reading(model.classify(input), model.version, input, strokes)
    }

    private fun show(reading: Reading?) {
        shown = reading
        if (reading != null) modelVersion = reading.model
        listener.onRead(reading)
    }

    /** On the worker. */
    private fun reportCount() {
        val count = kept.count
        ui.execute { if (!closed) listener.onKeptCount(count) }
    }

    private fun timestamp(): String = SimpleDateFormat("yyyy-MM-dd'T'HH:mm:ss'Z'", Locale.ROOT)
        .apply { timeZone = TimeZone.getTimeZone("UTC") }
        .format(Date(clock()))
}
