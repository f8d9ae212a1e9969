package com.mnisteverywhere.digits

import org.junit.Assert.assertArrayEquals
import org.junit.Assert.assertFalse
import org.junit.Test

class QuantizationTest {

    @Test
    fun theInt8InputSpansBlankToFullInk() {
        val input = Quantization(1 / 255f, -128) // as tflite-convert's int8 models store it
        assertArrayEquals(byteArrayOf(-128, 127), input.toInt8(floatArrayOf(0f, 1f)))
    }

    @Test
    fun roundsHalfToEvenAsNumpyDoes() {
        val quantized = Quantization(1f, 0).toInt8(floatArrayOf(2.5f, 3.5f, -2.5f))
        assertArrayEquals(byteArrayOf(2, 4, -2), quantized)
    }

    @Test
    fun saturatesOutOfRangeValues() {
        val quantized = Quantization(1f, 0).toInt8(floatArrayOf(200f, -200f))
        assertArrayEquals(byteArrayOf(127, -128), quantized)
    }

    @Test
    fun dequantizesTheSoftmaxOutput() {
        val output = Quantization(1 / 256f, -128)
        val real = output.fromInt8(byteArrayOf(-128, 0, 127))
        assertArrayEquals(floatArrayOf(0f, 0.5f, 255 / 256f), real, 0f)
    }

    @Test(expected = IllegalStateException::class)
    fun aFloatTensorHasNoInt8() {
        val float = Quantization(0f, 0)
        assertFalse(float.isQuantized)
        float.toInt8(floatArrayOf(0.5f))
    }
}
