package com.mnisteverywhere.digits

import org.junit.Assert.assertEquals
import org.junit.Assert.fail
import org.junit.Test
import org.junit.runner.RunWith
import org.junit.runners.Parameterized
import org.junit.runners.Parameterized.Parameters
import kotlin.math.abs

/** The Kotlin preprocessing reproduces Python's on each shared vector: one test per vector. */
@RunWith(Parameterized::class)
class PreprocessorVectorsTest(private val vector: Vector) {

    @Test
    fun reproducesPython() {
        val grey = DoubleArray(vector.grey.size) { i -> vector.grey[i] / 255.0 }
        val actual = Preprocessor.preprocessGrey(grey, vector.height, vector.width)
        assertEquals(vector.expected.size, actual.size)
        val tolerance = TestVectors.tolerance
        // Written so that NaN fails too.
        val wrong = actual.indices.filter { i ->
            !(abs(actual[i] - vector.expected[i]) <= tolerance)
        }
        if (wrong.isNotEmpty()) {
            val i = wrong[0]
            val size = Preprocessor.MNIST_SIZE
            fail("${wrong.size} pixels differ from Python's by more than $tolerance; the first, " +
                "(${i / size}, ${i % size}), is ${actual[i]}, not ${vector.expected[i]}")
        }
    }

    companion object {
        @JvmStatic
        @Parameters(name = "{0}")
        fun vectors(): List<Array<Any>> = TestVectors.vectors.map { arrayOf<Any>(it) }
    }
}
