package com.mnisteverywhere.digits

import org.junit.Assert.assertArrayEquals
import org.junit.Assert.assertEquals
import org.junit.Test

class PreprocessorTest {

    @Test
    fun areaWeightsAverageExactlyWhatEachOutputPixelCovers() {
        val weights = Preprocessor.areaWeights(3, 2) // each output pixel covers 1.5 input pixels
        assertArrayEquals(doubleArrayOf(2.0 / 3, 1.0 / 3, 0.0), weights[0], 1e-12)
        assertArrayEquals(doubleArrayOf(0.0, 1.0 / 3, 2.0 / 3), weights[1], 1e-12)
        for ((nIn, nOut) in listOf(7 to 20, 100 to 20, 20 to 20, 1 to 20)) {
            for (row in Preprocessor.areaWeights(nIn, nOut)) assertEquals(1.0, row.sum(), 1e-12)
        }
    }

    @Test(expected = NoInkException::class)
    fun aBlankPictureIsAnErrorNotAGuess() {
        Preprocessor.preprocessGrey(DoubleArray(30 * 30) { 1.0 }, 30, 30)
    }

    @Test(expected = NoInkException::class)
    fun inkBelowTheThresholdIsNoInk() {
        Preprocessor.preprocessInk(DoubleArray(30 * 30) { 0.05 }, 30, 30)
    }

    @Test
    fun bitmapPixelsBecomeLuma() {
        val white = 0xFFFFFFFF.toInt()
        val black = 0xFF000000.toInt()
        val red = 0xFFFF0000.toInt()
        val transparent = 0x00000000
        val grey = Preprocessor.greyFromArgb(intArrayOf(white, black, red, transparent))
        // Red is (255 * 19595 + 32768) >> 16 = 76 of 255; no ink where nothing was painted.
        assertArrayEquals(doubleArrayOf(1.0, 0.0, 76 / 255.0, 1.0), grey, 1e-12)
    }

    @Test
    fun bothAppsDrawWithTheSharedPenWidth() {
        assertEquals(TestVectors.penWidth, Preprocessor.PEN_WIDTH, 0.0)
    }
}
