package com.mnisteverywhere.digits

import java.util.Locale
import kotlin.math.roundToInt

/** The model's answer: a probability for each digit 0-9, and the digit it picks. */
class Prediction(probabilities: FloatArray) {
    val probabilities: FloatArray = probabilities.copyOf()

    init {
        require(probabilities.size == DIGITS) { "$DIGITS probabilities, not ${probabilities.size}" }
    }

    val digit: Int = probabilities.indices.reduce { best, d ->
        if (probabilities[d] > probabilities[best]) d else best
    }

    /** One line per digit: the digit, its probability in percent, and a bar of up to 10 blocks. */
    fun lines(locale: Locale = Locale.getDefault()): List<String> =
        probabilities.mapIndexed { d, p ->
            val share = p.coerceIn(0f, 1f)
            val bar = BLOCK.repeat((share * BAR).roundToInt())
            String.format(locale, "%d %5.1f%% %s", d, share * 100, bar).trimEnd()
        }

    companion object {
        const val DIGITS = 10
        private const val BAR = 10
        private const val BLOCK = "\u2588"
    }
}
