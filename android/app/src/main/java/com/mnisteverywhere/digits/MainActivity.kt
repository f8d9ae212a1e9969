package com.mnisteverywhere.digits

import android.app.Activity
import android.app.AlertDialog
import android.content.Intent
import android.os.Bundle
import android.util.Log
import android.widget.Button
import android.widget.LinearLayout
import android.widget.TextView
import androidx.core.content.FileProvider
import java.io.File

/**
 * The easel, a Clear button, the digit the model sees and its ten probabilities; below, a
 * button per digit that keeps the drawing labelled with it (when the model read it wrong),
 * and how many are kept, with Export (through the share sheet) and Delete. The work behind
 * them (the model, the kept drawings, the export) is [DigitReader]'s, off the main thread.
 */
class MainActivity : Activity(), DigitReader.Listener {
    private lateinit var easel: EaselView
    private lateinit var digit: TextView
    private lateinit var probabilities: TextView
    private lateinit var keptCount: TextView
    private lateinit var labelButtons: List<Button>
    private lateinit var exportButton: Button
    private lateinit var forgetButton: Button
    private lateinit var reader: DigitReader

    override fun onCreate(savedInstanceState: Bundle?) {
        super.onCreate(savedInstanceState)
        setContentView(R.layout.activity_main)
        easel = findViewById(R.id.easel)
        digit = findViewById(R.id.digit)
        probabilities = findViewById(R.id.probabilities)
        keptCount = findViewById(R.id.kept_count)
        exportButton = findViewById(R.id.export)
        forgetButton = findViewById(R.id.forget)
        val labels = findViewById<LinearLayout>(R.id.labels)
        val equalWidths = LinearLayout.LayoutParams(0, LinearLayout.LayoutParams.WRAP_CONTENT, 1f)
        labelButtons = (0 until Prediction.DIGITS).map { label ->
            Button(this).apply {
                text = label.toString()
                contentDescription = getString(R.string.keep_as, label)
                setOnClickListener { if (reader.keep(label)) easel.clear() }
                labels.addView(this, LinearLayout.LayoutParams(equalWidths))
            }
        }
        reader = DigitReader(
            KeptDigits(File(filesDir, KEPT_FILE)),
            File(cacheDir, EXPORTS),
            this,
            ui = { runOnUiThread(it) }
        ) { Classifier(assets) }
        findViewById<Button>(R.id.clear).setOnClickListener { easel.clear() }
        exportButton.setOnClickListener { reader.export() }
        forgetButton.setOnClickListener { confirmForget() }
        easel.onDrawingChanged = ::recognise
        onRead(null)
    }

    override fun onDestroy() {
        reader.close()
        super.onDestroy()
    }

    private fun recognise() {
        if (easel.isEmpty) return reader.clear()
        val drawing = easel.drawing()
        reader.read(drawing.height, drawing.width, easel.finishedStrokes()) {
            IntArray(drawing.width * drawing.height).also {
                drawing.getPixels(it, 0, drawing.width, 0, 0, drawing.width, drawing.height)
            }
        }
    }

    override fun onRead(reading: Reading?) {
        val prediction = reading?.prediction
        digit.text = prediction?.read?.toString() ?: getString(R.string.no_digit)
        val lines = prediction?.lines()?.joinToString("\n") ?: getString(R.string.draw_a_digit)
        val flagged = prediction != null && prediction.read == null
        val notSure = if (flagged) getString(R.string.not_sure) else null
        val version = reader.modelVersion?.let {
            getString(R.string.model_version, ModelVersion.label(it, BuildConfig.MODEL_RELEASE))
        }
        probabilities.text = listOfNotNull(notSure, lines, version).joinToString("\n\n")
        labelButtons.forEach { it.isEnabled = reading != null }
    }

    override fun onFailure(error: Throwable) {
        Log.e(TAG, "cannot run ${Classifier.MODEL_ASSET}", error)
        onRead(null)
        val reason = error.message ?: error.javaClass.simpleName
        probabilities.text = getString(R.string.model_failed, reason)
    }

    override fun onKeptCount(count: Int) {
        keptCount.text = if (count == 0) getString(R.string.kept_none)
            else resources.getQuantityString(R.plurals.kept_count, count, count)
        exportButton.isEnabled = count > 0
        forgetButton.isEnabled = count > 0
    }

    /** Offer the export to the share sheet. */
    override fun onExported(file: File) {
        val uri = FileProvider.getUriForFile(this, "$packageName.exports", file)
        val send = Intent(Intent.ACTION_SEND)
            .setType("application/json")
            .putExtra(Intent.EXTRA_STREAM, uri)
            .addFlags(Intent.FLAG_GRANT_READ_URI_PERMISSION)
        startActivity(Intent.createChooser(send, getString(R.string.export_title)))
    }

    private fun confirmForget() {
        AlertDialog.Builder(this)
            .setMessage(R.string.forget_question)
            .setPositiveButton(R.string.forget) { _, _ -> reader.forget() }
            .setNegativeButton(android.R.string.cancel, null)
            .show()
    }

    private companion object {
        const val TAG = "Digits"
        const val KEPT_FILE = "kept-digits.jsonl"
        const val EXPORTS = "exports" // res/xml/exports.xml shares this folder of cacheDir
    }
}
