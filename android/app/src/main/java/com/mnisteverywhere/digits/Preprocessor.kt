package com.mnisteverywhere.digits

import kotlin.math.floor
import kotlin.math.max
import kotlin.math.min

/** The picture holds no ink above [Preprocessor.INK_THRESHOLD]: nothing to recognise. */
class NoInkException(message: String) : IllegalArgumentException(message)

/**
 * Turns any picture of a digit into the 28x28 input the model reads, as MNIST was made.
 *
 * A port of digits/drawing/preprocess.py, step for step and in double precision; its docstring
 * defines the steps, and tests/vectors/preprocess.json holds outputs that both must reproduce.
 * Rasters are row-major arrays of height * width values. No Android classes, so it is tested on
 * the JVM (android/jvm-test.sh).
 */
object Preprocessor {
    const val MNIST_SIZE = 28
    const val BOX_SIZE = 20
    const val INK_THRESHOLD = 0.1

    /** The pen both apps draw with, a fraction of the pad's shorter side (MNIST's ~2.5 of 28). */
    const val PEN_WIDTH = 2.5 / MNIST_SIZE

    /**
     * Packed ARGB pixels, as Android's Bitmap.getPixels gives them -> grey in [0, 1]: each channel
     * composited on white paper, then ITU-R BT.601 luma, in the integer arithmetic of the shared
     * definition (PIL's), so that Python, JavaScript and Kotlin agree to the last bit.
     */
    fun greyFromArgb(pixels: IntArray): DoubleArray = DoubleArray(pixels.size) { i ->
        val pixel = pixels[i]
        val alpha = pixel ushr 24
        val red = onWhite(pixel shr 16 and 0xFF, alpha)
        val green = onWhite(pixel shr 8 and 0xFF, alpha)
        val blue = onWhite(pixel and 0xFF, alpha)
        ((red * 19595 + green * 38470 + blue * 7471 + 32768) shr 16) / 255.0
    }

    private fun onWhite(channel: Int, alpha: Int): Int =
        (channel * alpha + 255 * (255 - alpha) + 127) / 255

    /** Grey picture in [0, 1], either polarity -> the 784 model inputs in [0, 1], row-major. */
    fun preprocessGrey(grey: DoubleArray, height: Int, width: Int): FloatArray =
        preprocessInk(inkFromGrey(grey, height, width), height, width)

    /** Grey values in [0, 1] -> ink in [0, 1], light ink on a dark background. */
    fun inkFromGrey(grey: DoubleArray, height: Int, width: Int): DoubleArray {
        requireRaster(grey, height, width)
        // The same border pixels as Python's: top row, bottom row, then both sides in between.
        val border = DoubleArray(2 * width + 2 * max(height - 2, 0))
        var n = 0
        for (col in 0 until width) {
            border[n++] = grey[col]
            border[n++] = grey[(height - 1) * width + col]
        }
        for (row in 1 until height - 1) {
            border[n++] = grey[row * width]
            border[n++] = grey[row * width + width - 1]
        }
        border.sort()
        var background = border[(border.size - 1) / 2]
        val inverted = background > 0.5
        if (inverted) background = 1.0 - background
        if (background >= 1.0) return DoubleArray(grey.size)
        return DoubleArray(grey.size) { i ->
            val value = if (inverted) 1.0 - grey[i] else grey[i]
            ((value - background) / (1.0 - background)).coerceIn(0.0, 1.0)
        }
    }

    /** nOut rows of nIn weights: row j averages the input span [j, j + 1) * nIn / nOut. */
    fun areaWeights(nIn: Int, nOut: Int): Array<DoubleArray> {
        val step = nIn.toDouble() / nOut
        return Array(nOut) { j ->
            val start = j * step
            val end = (j + 1) * step
            DoubleArray(nIn) { i -> max(min(end, i + 1.0) - max(start, i.toDouble()), 0.0) / step }
        }
    }

    /** Ink raster in [0, 1] -> the 784 model inputs in [0, 1], row-major. */
    fun preprocessInk(ink: DoubleArray, height: Int, width: Int): FloatArray {
        requireRaster(ink, height, width)
        var top = height
        var bottom = -1
        var left = width
        var right = -1
        for (row in 0 until height) {
            for (col in 0 until width) {
                if (ink[row * width + col] > INK_THRESHOLD) {
                    top = min(top, row)
                    bottom = max(bottom, row)
                    left = min(left, col)
                    right = max(right, col)
                }
            }
        }
        if (bottom < 0) {
            throw NoInkException("no ink above $INK_THRESHOLD in a ${width}x$height picture")
        }
        val cropHeight = bottom - top + 1
        val cropWidth = right - left + 1

        val scale = BOX_SIZE.toDouble() / max(cropHeight, cropWidth)
        val boxHeight = max(1, floor(cropHeight * scale + 0.5).toInt())
        val boxWidth = max(1, floor(cropWidth * scale + 0.5).toInt())
        val box = scaleCrop(ink, width, top, left, cropHeight, cropWidth, boxHeight, boxWidth)

        var total = 0.0
        var rowMoment = 0.0
        var colMoment = 0.0
        for (j in 0 until boxHeight) {
            for (k in 0 until boxWidth) {
                val value = box[j * boxWidth + k]
                total += value
                rowMoment += value * (j + 0.5)
                colMoment += value * (k + 0.5)
            }
        }
        val boxTop = offset(rowMoment / total, boxHeight)
        val boxLeft = offset(colMoment / total, boxWidth)

        var brightest = 0.0
        for (value in box) brightest = max(brightest, value)
        val field = FloatArray(MNIST_SIZE * MNIST_SIZE)
        for (j in 0 until boxHeight) {
            for (k in 0 until boxWidth) {
                val value = box[j * boxWidth + k] / brightest
                field[(boxTop + j) * MNIST_SIZE + boxLeft + k] = value.toFloat()
            }
        }
        return field
    }

    /**
     * areaWeights(rows) x crop x areaWeights(cols)^T, multiplied left to right as numpy does, as a
     * row-major boxHeight x boxWidth array.
     */
    private fun scaleCrop(
        ink: DoubleArray, width: Int, top: Int, left: Int,
        cropHeight: Int, cropWidth: Int, boxHeight: Int, boxWidth: Int
    ): DoubleArray {
        val rowWeights = areaWeights(cropHeight, boxHeight)
        val colWeights = areaWeights(cropWidth, boxWidth)
        // Most weights are 0; skipping them keeps a full-screen bitmap fast and changes no sum.
        val rowsScaled = Array(boxHeight) { j ->
            val sums = DoubleArray(cropWidth)
            for (i in 0 until cropHeight) {
                val weight = rowWeights[j][i]
                if (weight == 0.0) continue
                val start = (top + i) * width + left
                for (c in 0 until cropWidth) sums[c] += weight * ink[start + c]
            }
            sums
        }
        return DoubleArray(boxHeight * boxWidth) { index ->
            val row = rowsScaled[index / boxWidth]
            val weights = colWeights[index % boxWidth]
            var sum = 0.0
            for (c in 0 until cropWidth) sum += row[c] * weights[c]
            sum
        }
    }

    /** Where a box starts so its mass centre lands nearest the field's centre, inside the field. */
    private fun offset(massCentre: Double, box: Int): Int {
        // Rounded to 1e-6 first, as in preprocess.py: a symmetric stroke's centre sits exactly on
        // a half pixel, where summation order would otherwise decide the floor.
        val centre = floor(massCentre * 1e6 + 0.5) / 1e6
        val nearest = floor(MNIST_SIZE / 2 - centre + 0.5)
        return nearest.coerceIn(0.0, (MNIST_SIZE - box).toDouble()).toInt()
    }

    private fun requireRaster(raster: DoubleArray, height: Int, width: Int) =
        require(height > 0 && width > 0 && raster.size == height * width) {
            "a ${width}x$height raster needs ${height * width} values, not ${raster.size}"
        }
}
