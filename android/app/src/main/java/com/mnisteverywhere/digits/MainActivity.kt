package com.mnisteverywhere.digits

import android.app.Activity
import android.app.AlertDialog
import android.content.Intent
import android.graphics.Bitmap
import android.os.Bundle
import android.util.Log
import android.widget.Button
import android.widget.LinearLayout
import android.widget.TextView
import androidx.core.content.FileProvider
import java.io.File
import java.text.SimpleDateFormat
import java.util.Date
import java.util.Locale
import java.util.TimeZone
import java.util.concurrent.ExecutorService
import java.util.concurrent.Executors

/**
 * The easel, a Clear button, the digit the model sees and its ten probabilities; below, a
 * button per digit that keeps the drawing labelled with it (when the model read it wrong),
 * and how many are kept, with Export (through the share sheet) and Delete.
 */
class MainActivity : Activity() {
    private lateinit var easel: EaselView
    private lateinit var digit: TextView
    private lateinit var probabilities: TextView
    private lateinit var keptCount: TextView
    private lateinit var labelButtons: List<Button>
    private lateinit var exportButton: Button
    private lateinit var forgetButton: Button

    // Preprocessing, inference and the kept drawings' file are used here, off the main thread;
    // only this thread uses classifier and kept.
    private val worker: ExecutorService = Executors.newSingleThreadExecutor()
    private var classifier: Classifier? = null
    private lateinit var kept: KeptDigits

    // Counts the drawings sent to the worker, so that a late answer for an older one is dropped.
    private var latestRequest = 0

    /** What the model read in the drawing on show, to keep it with a label. */
    private class Read(val prediction: Prediction, val input: FloatArray,
                       val strokes: List<FloatArray>)

    private var shown: Read? = null

    override fun onCreate(savedInstanceState: Bundle?) {
        super.onCreate(savedInstanceState)
        setContentView(R.layout.activity_main)
        easel = findViewById(R.id.easel)
        digit = findViewById(R.id.digit)
        probabilities = findViewById(R.id.probabilities)
        keptCount = findViewById(R.id.kept_count)
        exportButton = findViewById(R.id.export)
        forgetButton = findViewById(R.id.forget)
        kept = KeptDigits(File(filesDir, KEPT_FILE))
        val labels = findViewById<LinearLayout>(R.id.labels)
        val equalWidths = LinearLayout.LayoutParams(0, LinearLayout.LayoutParams.WRAP_CONTENT, 1f)
        labelButtons = (0 until Prediction.DIGITS).map { label ->
            Button(this).apply {
                text = label.toString()
                contentDescription = getString(R.string.keep_as, label)
                setOnClickListener { keepShown(label) }
                labels.addView(this, LinearLayout.LayoutParams(equalWidths))
            }
        }
        findViewById<Button>(R.id.clear).setOnClickListener { easel.clear() }
        exportButton.setOnClickListener { export() }
        forgetButton.setOnClickListener { confirmForget() }
        easel.onDrawingChanged = ::recognise
        show(null)
        worker.execute { showKept(kept.count) }
    }

    override fun onDestroy() {
        worker.execute { classifier?.close() }
        worker.shutdown()
        super.onDestroy()
    }

    private fun recognise() {
        val request = ++latestRequest
        shown = null
        if (easel.isEmpty) return show(null)
        val drawing = easel.drawing()
        val strokes = easel.finishedStrokes()
        worker.execute {
            val result = runCatching { read(drawing, strokes) }
            runOnUiThread {
                if (request == latestRequest && !isDestroyed) result.fold(::show, ::showFailure)
            }
        }
    }

    /** On the worker: what the model reads in a drawing, or null if it holds too little ink. */
    private fun read(drawing: Bitmap, strokes: List<FloatArray>): Read? {
        val pixels = IntArray(drawing.width * drawing.height)
        drawing.getPixels(pixels, 0, drawing.width, 0, 0, drawing.width, drawing.height)
        val grey = Preprocessor.greyFromArgb(pixels)
        val input = try {
            Preprocessor.preprocessGrey(grey, drawing.height, drawing.width)
        } catch (e: NoInkException) {
            return null
        }
        val model = classifier ?: Classifier(assets).also { classifier = it }
        return Read(model.classify(input), input, strokes)
    }

    private fun show(read: Read?) {
        shown = read
        val prediction = read?.prediction
        digit.text = prediction?.digit?.toString() ?: getString(R.string.no_digit)
        val lines = prediction?.lines()?.joinToString("\n") ?: getString(R.string.draw_a_digit)
        // Set by the worker before it posts the first prediction, so read after it here.
        val version = classifier?.version?.let {
            getString(R.string.model_version, ModelVersion.label(it, BuildConfig.MODEL_RELEASE))
        }
        probabilities.text = listOfNotNull(lines, version).joinToString("\n\n")
        labelButtons.forEach { it.isEnabled = read != null }
    }

    private fun showFailure(error: Throwable) {
        Log.e(TAG, "cannot run ${Classifier.MODEL_ASSET}", error)
        show(null)
        val reason = error.message ?: error.javaClass.simpleName
        probabilities.text = getString(R.string.model_failed, reason)
    }

    /** Keep the drawing on show labelled [label], then clear the easel for the next one. */
    private fun keepShown(label: Int) {
        val read = shown ?: return
        val digit = DrawnDigit(label, read.prediction.digit, classifier?.version.orEmpty(), now(),
            read.strokes, DrawnDigit.pixels(read.input))
        easel.clear()
        worker.execute {
            kept.keep(digit)
            showKept(kept.count)
        }
    }

    /** On the worker: write the export and offer it to the share sheet. */
    private fun export() = worker.execute {
        val file = File(File(cacheDir, EXPORTS), "drawn-digits-${now().replace(":", "")}.json")
        file.parentFile?.mkdirs()
        file.writeText(kept.exportText())
        val uri = FileProvider.getUriForFile(this, "$packageName.exports", file)
        val send = Intent(Intent.ACTION_SEND)
            .setType("application/json")
            .putExtra(Intent.EXTRA_STREAM, uri)
            .addFlags(Intent.FLAG_GRANT_READ_URI_PERMISSION)
        val chooser = Intent.createChooser(send, getString(R.string.export_title))
        runOnUiThread { startActivity(chooser) }
    }

    private fun confirmForget() {
        AlertDialog.Builder(this)
            .setMessage(R.string.forget_question)
            .setPositiveButton(R.string.forget) { _, _ ->
                worker.execute {
                    kept.forget()
                    showKept(kept.count)
                }
            }
            .setNegativeButton(android.R.string.cancel, null)
            .show()
    }

    /** From the worker: show how many drawings are kept. */
    private fun showKept(count: Int) = runOnUiThread {
        keptCount.text = if (count == 0) getString(R.string.kept_none)
            else resources.getQuantityString(R.plurals.kept_count, count, count)
        exportButton.isEnabled = count > 0
        forgetButton.isEnabled = count > 0
    }

    private companion object {
        const val TAG = "Digits"
        const val KEPT_FILE = "kept-digits.jsonl"
        const val EXPORTS = "exports" // res/xml/exports.xml shares this folder of cacheDir

        fun now(): String = SimpleDateFormat("yyyy-MM-dd'T'HH:mm:ss'Z'", Locale.ROOT)
            .apply { timeZone = TimeZone.getTimeZone("UTC") }
            .format(Date())
    }
}
