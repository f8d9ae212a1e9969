package com.mnisteverywhere.digits

import org.json.JSONArray
import org.json.JSONObject
import java.io.File
import kotlin.math.roundToInt

/**
 * A drawing the user labelled: one element of the drawn-digits export that digits/data/kept.py
 * reads and the web page writes too. [strokes] hold x, y pairs in fractions of the easel's
 * width and height (as EaselView keeps them); [input] is the 28x28 input the model saw, 0-255.
 */
class DrawnDigit(
    val label: Int,
    val read: Int?,
    val model: String,
    val kept: String,
    val strokes: List<FloatArray>,
    val input: IntArray
) {
    init {
        require(label in 0 until Prediction.DIGITS) { "label $label is not a digit" }
        require(read == null || read in 0 until Prediction.DIGITS) { "read $read is not a digit" }
        require(input.size == Preprocessor.MNIST_SIZE * Preprocessor.MNIST_SIZE) {
            "${input.size} input pixels"
        }
        require(input.all { it in 0..255 }) { "input pixels outside 0-255" }
        require(strokes.all { it.size % 2 == 0 }) { "a stroke with an odd number of coordinates" }
        require(strokes.all { stroke -> stroke.all { !it.isNaN() } }) { "a NaN coordinate" }
    }

    /** This drawing as one JSON object of the export. */
    fun toJson(): JSONObject = JSONObject()
        .put("label", label)
        .put("read", read ?: JSONObject.NULL)
        .put("model", model)
        .put("kept", kept)
        .put("strokes", JSONArray().apply {
            strokes.forEach { stroke ->
                put(JSONArray().apply {
                    for (i in stroke.indices step 2) {
                        put(JSONArray().put(coordinate(stroke[i])).put(coordinate(stroke[i + 1])))
                    }
                })
            }
        })
        .put("input", JSONArray().apply { input.forEach { put(it) } })

    companion object {
        /** The model's input (floats in [0, 1]) as the 0-255 values the export holds. */
        fun pixels(input: FloatArray): IntArray =
            IntArray(input.size) { (input[it].coerceIn(0f, 1f) * 255).roundToInt() }

        // Four decimals, rounded as the web page rounds them: a ten-thousandth of the easel
        // is plenty.
        private fun coordinate(value: Float): Double =
            Math.round(value.coerceIn(0f, 1f) * 10000.0) / 10000.0
    }
}

/**
 * The labelled drawings kept on the device, one JSON object a line in [file], until they are
 * exported (as one drawn-digits file, through the share sheet) or deleted.
 */
class KeptDigits(private val file: File) {
    val count: Int get() = lines().size

    fun keep(digit: DrawnDigit) {
        file.parentFile?.mkdirs()
        file.appendText(digit.toJson().toString() + "\n")
    }

    /** Every kept drawing, oldest first, as the export file's text. */
    fun exportText(): String {
        val digits = JSONArray()
        lines().forEach { digits.put(JSONObject(it)) }
        return JSONObject()
            .put("format", FORMAT)
            .put("version", VERSION)
            .put("digits", digits)
            .toString() + "\n"
    }

    fun forget() {
        file.delete()
    }

    private fun lines(): List<String> =
        if (file.exists()) file.readLines().filter { it.isNotBlank() } else emptyList()

    companion object {
        const val FORMAT = "drawn-digits"
        const val VERSION = 1
    }
}
