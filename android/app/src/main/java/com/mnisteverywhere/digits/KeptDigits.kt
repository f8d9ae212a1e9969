package com.mnisteverywhere.digits

import java.io.File
import java.util.Locale
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
        require(model.all { it.isLetterOrDigit() || it in "-._" }) { "model version $model" }
        require(kept.all { it.isLetterOrDigit() || it in "-:.+" }) { "time $kept" }
    }

    /** This drawing as one JSON object (its strings hold no character that needs escaping). */
    fun toJson(): String {
        val points = strokes.joinToString(",", "[", "]") { stroke ->
            (stroke.indices step 2).joinToString(",", "[", "]") { i ->
                "[${coordinate(stroke[i])},${coordinate(stroke[i + 1])}]"
            }
        }
        return "{\"label\":$label,\"read\":${read ?: "null"},\"model\":\"$model\"," +
            "\"kept\":\"$kept\",\"strokes\":$points,\"input\":${input.joinToString(",", "[", "]")}}"
    }

    companion object {
        /** The model's input (floats in [0, 1]) as the 0-255 values the export holds. */
        fun pixels(input: FloatArray): IntArray =
            IntArray(input.size) { (input[it].coerceIn(0f, 1f) * 255).roundToInt() }

        // Four decimals, as the web page keeps them: a ten-thousandth of the easel is plenty.
        private fun coordinate(value: Float): String =
            String.format(Locale.ROOT, "%.4f", value.coerceIn(0f, 1f)).trimEnd('0').trimEnd('.')
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
        file.appendText(digit.toJson() + "\n")
    }

    /** Every kept drawing, oldest first, as the export file's text. */
    fun exportText(): String =
        "{\"format\":\"$FORMAT\",\"version\":$VERSION,\"digits\":" +
            lines().joinToString(",", "[", "]") + "}\n"

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
