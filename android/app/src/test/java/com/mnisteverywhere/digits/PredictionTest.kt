package com.mnisteverywhere.digits

import org.junit.Assert.assertEquals
import org.junit.Test
import java.util.Locale

class PredictionTest {
    private val sevenish = floatArrayOf(0f, 0.001f, 0.01f, 0f, 0f, 0f, 0f, 0.985f, 0.004f, 0f)

    @Test
    fun picksTheMostProbableDigit() {
        assertEquals(7, Prediction(sevenish).digit)
    }

    @Test
    fun formatsOneLinePerDigitWithABar() {
        val lines = Prediction(sevenish).lines(Locale.ROOT)
        assertEquals(10, lines.size)
        assertEquals("0   0.0%", lines[0])
        assertEquals("2   1.0%", lines[2])
        assertEquals("7  98.5% " + "\u2588".repeat(10), lines[7])
    }

    @Test(expected = IllegalArgumentException::class)
    fun needsTenProbabilities() {
        Prediction(FloatArray(9))
    }
}
