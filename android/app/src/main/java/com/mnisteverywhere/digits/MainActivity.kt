package com.mnisteverywhere.digits

import android.app.Activity
import android.graphics.Bitmap
import android.os.Bundle
import android.util.Log
import android.widget.Button
import android.widget.TextView
import java.util.concurrent.ExecutorService
import java.util.concurrent.Executors

/** The easel, a Clear button, the digit the model sees, and its ten probabilities. */
class MainActivity : Activity() {
    private lateinit var easel: EaselView
    private lateinit var digit: TextView
    private lateinit var probabilities: TextView

    // Preprocessing and inference run here, off the main thread; only this thread uses classifier.
    private val worker: ExecutorService = Executors.newSingleThreadExecutor()
    private var classifier: Classifier? = null

    // Counts the drawings sent to the worker, so that a late answer for an older one is dropped.
    private var latestRequest = 0

    override fun onCreate(savedInstanceState: Bundle?) {
        super.onCreate(savedInstanceState)
        setContentView(R.layout.activity_main)
        easel = findViewById(R.id.easel)
        digit = findViewById(R.id.digit)
        probabilities = findViewById(R.id.probabilities)
        findViewById<Button>(R.id.clear).setOnClickListener { easel.clear() }
        easel.onDrawingChanged = ::recognise
        show(null)
    }

    override fun onDestroy() {
        worker.execute { classifier?.close() }
        worker.shutdown()
        super.onDestroy()
    }

    private fun recognise() {
        val request = ++latestRequest
        if (easel.isEmpty) return show(null)
        val drawing = easel.drawing()
        worker.execute {
            val result = runCatching { predict(drawing) }
            runOnUiThread {
                if (request == latestRequest && !isDestroyed) result.fold(::show, ::showFailure)
            }
        }
    }

    /** On the worker: the prediction for a drawing, or null if it holds too little ink. */
    private fun predict(drawing: Bitmap): Prediction? {
        val pixels = IntArray(drawing.width * drawing.height)
        drawing.getPixels(pixels, 0, drawing.width, 0, 0, drawing.width, drawing.height)
        val grey = Preprocessor.greyFromArgb(pixels)
        val input = try {
            Preprocessor.preprocessGrey(grey, drawing.height, drawing.width)
        } catch (e: NoInkException) {
            return null
        }
        val model = classifier ?: Classifier(assets).also { classifier = it }
        return model.classify(input)
    }

    private fun show(prediction: Prediction?) {
        digit.text = prediction?.digit?.toString() ?: getString(R.string.no_digit)
        val lines = prediction?.lines()?.joinToString("\n") ?: getString(R.string.draw_a_digit)
        // Set by the worker before it posts the first prediction, so read after it here.
        val version = classifier?.version?.let {
            getString(R.string.model_version, ModelVersion.label(it, BuildConfig.MODEL_RELEASE))
        }
        probabilities.text = listOfNotNull(lines, version).joinToString("\n\n")
    }

    private fun showFailure(error: Throwable) {
        Log.e(TAG, "cannot run ${Classifier.MODEL_ASSET}", error)
        digit.text = getString(R.string.no_digit)
        val reason = error.message ?: error.javaClass.simpleName
        probabilities.text = getString(R.string.model_failed, reason)
    }

    private companion object {
        const val TAG = "Digits"
    }
}
