package com.mnisteverywhere.digits

import org.junit.Assert.assertEquals
import org.junit.Assert.assertNull
import org.junit.Test
import java.util.Locale

class PredictionTest {
    private val sevenish = floatArrayOf(0f, 0.001f, 0.01f, 0f, 0f, 0f, 0f, 0.985f, 0.004f, 0f)

    private fun outputs(notADigit: Float) = sevenish + notADigit

    @Test
    fun picksTheMostProbableDigit() {
        assertEquals(7, Prediction(outputs(0.01f)).digit)
        assertEquals(7, Prediction(outputs(0.01f)).read)
    }

    @Test
    fun aDrawingMoreLikelyNoDigitIsReadAsNone() {
        val scribble = Prediction(outputs(0.97f))
        assertNull(scribble.read)
        assertEquals(7, scribble.digit) // the probabilities stay on show
        assertEquals(0.97f, scribble.notADigit)
        assertNull(Prediction(outputs(Prediction.NOT_A_DIGIT_AT)).read)
        assertEquals(7, Prediction(outputs(0.499f)).read)
    }

    @Test
    fun formatsOneLinePerDigitWithABar() {
        val lines = Prediction(outputs(0.97f)).lines(Locale.ROOT)
        assertEquals(10, lines.size)
        assertEquals("0   0.0%", lines[0])
        assertEquals("2   1.0%", lines[2])
        assertEquals("7  98.5% " + "\u2588".repeat(10), lines[7])
    }

    @Test(expected = IllegalArgumentException::class)
    fun needsElevenOutputs() {
        Prediction(FloatArray(10))
    }
}
