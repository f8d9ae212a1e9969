package com.mnisteverywhere.digits

import kotlin.math.round

/**
 * A tensor's affine quantization, as the model stores it: real = scale * (stored - zeroPoint).
 * A float tensor has scale 0.
 *
 * The formulas, and their float32 arithmetic, are those of the pipeline's verify@tflite stage
 * (digits/deploy/litert.py): an int8 model gets on the phone the very inputs it was checked on.
 */
data class Quantization(val scale: Float, val zeroPoint: Int) {
    val isQuantized: Boolean get() = scale != 0f

    /** Real values -> int8: rounded half to even, as numpy rounds, and saturated. */
    fun toInt8(values: FloatArray): ByteArray {
        check(isQuantized) { "a float tensor holds no int8" }
        return ByteArray(values.size) { i ->
            round(values[i] / scale + zeroPoint).coerceIn(INT8_MIN, INT8_MAX).toInt().toByte()
        }
    }

    /** int8 -> real values. */
    fun fromInt8(values: ByteArray): FloatArray {
        check(isQuantized) { "a float tensor holds no int8" }
        return FloatArray(values.size) { i -> (values[i] - zeroPoint) * scale }
    }

    private companion object {
        const val INT8_MIN = -128f
        const val INT8_MAX = 127f
    }
}
