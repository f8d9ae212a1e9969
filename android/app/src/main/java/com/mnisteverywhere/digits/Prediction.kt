package com.mnisteverywhere.digits

import java.util.Locale
import kotlin.math.roundToInt

/**
 * The model's answer: a probability for each digit 0-9, the digit it picks, and the probability
 * that the drawing is no digit at all, its eleventh output. At [NOT_A_DIGIT_AT] or above (more
 * likely no digit than a digit, as digits/core/dataset.py decides) the app says "not sure" and
 * names no digit: [read] is null.
 */
class Prediction(outputs: FloatArray) {
    init {
        require(outputs.size == OUTPUTS) { "$OUTPUTS outputs, not ${outputs.size}" }
    }

    val probabilities: FloatArray = outputs.copyOf(DIGITS)
    val notADigit: Float = outputs[DIGITS]

    val digit: Int = probabilities.indices.reduce { best, d ->
        if (probabilities[d] > probabilities[best]) d else best
    }

    /** The digit the app names; null when it says "not sure, draw a digit". */
    val read: Int? = if (notADigit >= NOT_A_DIGIT_AT) null else digit

    /** One line per digit: the digit, its probability in percent, and a bar of up to 10 blocks. */
    fun lines(locale: Locale = Locale.getDefault()): List<String> =
        probabilities.mapIndexed { d, p ->
            val share = p.coerceIn(0f, 1f)
            val bar = BLOCK.repeat((share * BAR).roundToInt())
            String.format(locale, "%d %5.1f%% %s", d, share * 100, bar).trimEnd()
        }

    companion object {
        const val DIGITS = 10
        const val OUTPUTS = DIGITS + 1
        const val NOT_A_DIGIT_AT = 0.5f
        private const val BAR = 10
        private const val BLOCK = "\u2588"
    }
}
