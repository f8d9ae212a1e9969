package com.mnisteverywhere.digits

import android.content.res.AssetManager
import org.tensorflow.lite.DataType
import org.tensorflow.lite.Interpreter
import org.tensorflow.lite.Tensor
import java.nio.ByteBuffer
import java.nio.ByteOrder

/**
 * The model that the pipeline's tflite-convert stage writes into this app's assets, run in the
 * LiteRT interpreter. Float and full-integer (int8) models alike: each tensor's type, scale and
 * zero point are read from the model. Use it from one thread.
 */
class Classifier(assets: AssetManager) : DigitClassifier {
    private val model = assets.open(MODEL_ASSET).use { it.readBytes() }

    /** The model's version, as the web page shows its own: see [ModelVersion]. */
    override val version: String = ModelVersion.of(mapOf(MODEL_ASSET to model))

    private val interpreter = Interpreter(
        directBuffer(model.size).apply {
            put(model)
            rewind()
        },
        Interpreter.Options().setNumThreads(2)
    )
    private val input: Tensor = interpreter.getInputTensor(0)
    private val output: Tensor = interpreter.getOutputTensor(0)
    private val inputBuffer = directBuffer(input.numBytes())
    private val outputBuffer = directBuffer(output.numBytes())

    init {
        val mismatch = mismatch()
        if (mismatch != null) {
            interpreter.close()
            throw IllegalStateException("$MODEL_ASSET $mismatch")
        }
    }

    override fun classify(pixels: FloatArray): Prediction {
        inputBuffer.clear()
        if (input.dataType() == DataType.INT8) {
            inputBuffer.put(input.quantization().toInt8(pixels))
        } else {
            inputBuffer.asFloatBuffer().put(pixels)
        }
        inputBuffer.rewind()
        outputBuffer.clear()
        interpreter.run(inputBuffer, outputBuffer)
        outputBuffer.rewind()
        val probabilities = if (output.dataType() == DataType.INT8) {
            val stored = ByteArray(Prediction.OUTPUTS).also { outputBuffer.get(it) }
            output.quantization().fromInt8(stored)
        } else {
            FloatArray(Prediction.OUTPUTS).also { outputBuffer.asFloatBuffer().get(it) }
        }
        return Prediction(probabilities)
    }

    /** Why the app cannot use the model, or null. */
    private fun mismatch(): String? = when {
        !input.shape().contentEquals(INPUT_SHAPE) ->
            "takes ${input.shape().contentToString()}, not ${INPUT_SHAPE.contentToString()}"
        output.numElements() != Prediction.OUTPUTS ->
            "gives ${output.numElements()} values, not ${Prediction.OUTPUTS}"
        input.dataType() !in TYPES || output.dataType() !in TYPES ->
            "maps ${input.dataType()} to ${output.dataType()}; the app handles float32 and int8"
        else -> null
    }

    override fun close() = interpreter.close()

    companion object {
        /**
         * The file in src/main/assets. dvc.yaml's tflite-convert stage writes it;
         * tests/test_android.py fails if the two names part.
         */
        const val MODEL_ASSET = "digits.tflite"

        private val INPUT_SHAPE = intArrayOf(1, Preprocessor.MNIST_SIZE, Preprocessor.MNIST_SIZE, 1)
        private val TYPES = setOf(DataType.FLOAT32, DataType.INT8)

        private fun directBuffer(bytes: Int): ByteBuffer =
            ByteBuffer.allocateDirect(bytes).order(ByteOrder.nativeOrder())

        private fun Tensor.quantization(): Quantization =
            quantizationParams().let { Quantization(it.scale, it.zeroPoint) }
    }
}
