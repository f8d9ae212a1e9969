package com.mnisteverywhere.digits

import org.json.JSONArray
import org.json.JSONObject
import java.io.File

/**
 * A shared vector: a grey raster (0-255, row-major) and the model input it must become; for a
 * colour vector also the 8-bit RGBA picture (4 values a pixel) that must turn into that grey.
 */
class Vector(
    val name: String,
    val height: Int,
    val width: Int,
    val rgba: DoubleArray?,
    val grey: DoubleArray,
    val expected: DoubleArray
) {
    override fun toString() = name
}

/**
 * tests/vectors/preprocess.json, which the Python tests read too, found from the working directory
 * upwards: the repository root for android/jvm-test.sh, android/app for Gradle.
 */
object TestVectors {
    private const val PATH = "tests/vectors/preprocess.json"

    private val json: JSONObject by lazy {
        val start = File(System.getProperty("user.dir")).absoluteFile
        val file = generateSequence(start) { it.parentFile }
            .map { File(it, PATH) }
            .firstOrNull { it.isFile }
            ?: throw IllegalStateException("no $PATH in $start or above")
        JSONObject(file.readText())
    }

    val tolerance: Double by lazy { json.getDouble("tolerance") }

    val penWidth: Double by lazy { json.getDouble("pen_width") }

    val vectors: List<Vector> by lazy {
        val vectors = json.getJSONArray("vectors")
        (0 until vectors.length()).map { i ->
            val vector = vectors.getJSONObject(i)
            Vector(
                vector.getString("name"),
                vector.getInt("height"),
                vector.getInt("width"),
                vector.optJSONArray("rgba")?.let { numbers(it) },
                numbers(vector.getJSONArray("grey")),
                numbers(vector.getJSONArray("expected"))
            )
        }
    }

    private fun numbers(array: JSONArray): DoubleArray =
        DoubleArray(array.length()) { array.getDouble(it) }
}
