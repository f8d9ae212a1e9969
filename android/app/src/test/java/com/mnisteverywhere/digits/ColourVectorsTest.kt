package com.mnisteverywhere.digits

import org.junit.Assert.assertArrayEquals
import org.junit.Test
import org.junit.runner.RunWith
import org.junit.runners.Parameterized
import org.junit.runners.Parameterized.Parameters

/** Colour becomes exactly Python's grey on each shared colour vector: one test per vector. */
@RunWith(Parameterized::class)
class ColourVectorsTest(private val vector: Vector) {

    @Test
    fun greyFromArgb() {
        val rgba = checkNotNull(vector.rgba)
        val pixels = IntArray(rgba.size / 4) { i ->
            val (red, green, blue, alpha) = (0 until 4).map { rgba[4 * i + it].toInt() }
            (alpha shl 24) or (red shl 16) or (green shl 8) or blue
        }
        val grey = Preprocessor.greyFromArgb(pixels).map { Math.round(it * 255).toDouble() }
        assertArrayEquals(vector.grey, grey.toDoubleArray(), 0.0)
    }

    companion object {
        @JvmStatic
        @Parameters(name = "{0}")
        fun vectors(): List<Array<Any>> =
            TestVectors.vectors.filter { it.rgba != null }.map { arrayOf<Any>(it) }
    }
}
