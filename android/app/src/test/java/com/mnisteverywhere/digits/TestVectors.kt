package com.mnisteverywhere.digits

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

    private val json: Map<*, *> by lazy {
        val start = File(System.getProperty("user.dir")).absoluteFile
        val file = generateSequence(start) { it.parentFile }
            .map { File(it, PATH) }
            .firstOrNull { it.isFile }
            ?: throw IllegalStateException("no $PATH in $start or above")
        Json.parse(file.readText()) as Map<*, *>
    }

    val tolerance: Double by lazy { json["tolerance"] as Double }

    val penWidth: Double by lazy { json["pen_width"] as Double }

    val vectors: List<Vector> by lazy {
        (json["vectors"] as List<*>).map { item ->
            val vector = item as Map<*, *>
            Vector(
                vector["name"] as String,
                (vector["height"] as Double).toInt(),
                (vector["width"] as Double).toInt(),
                vector["rgba"]?.let { numbers(it) },
                numbers(vector["grey"]),
                numbers(vector["expected"])
            )
        }
    }

    private fun numbers(list: Any?): DoubleArray =
        (list as List<*>).map { it as Double }.toDoubleArray()
}

/** Just enough JSON for the vector file, with nothing but the Kotlin standard library. */
class Json private constructor(private val text: String) {
    private var at = 0

    private fun value(): Any? {
        skipSpace()
        return when (text[at]) {
            '{' -> LinkedHashMap<String, Any?>().also { map ->
                members('}') {
                    skipSpace()
                    val key = string()
                    skipSpace()
                    expect(':')
                    map[key] = value()
                }
            }
            '[' -> ArrayList<Any?>().also { list -> members(']') { list.add(value()) } }
            '"' -> string()
            't' -> literal("true", true)
            'f' -> literal("false", false)
            'n' -> literal("null", null)
            else -> number()
        }
    }

    private fun members(close: Char, member: () -> Unit) {
        at++
        skipSpace()
        if (text[at] == close) {
            at++
            return
        }
        while (true) {
            member()
            skipSpace()
            val separator = text[at++]
            if (separator == close) return
            if (separator != ',') fail("',' or '$close'")
        }
    }

    private fun string(): String {
        expect('"')
        val out = StringBuilder()
        while (true) {
            val c = text[at++]
            when (c) {
                '"' -> return out.toString()
                '\\' -> {
                    val escaped = text[at++]
                    when (escaped) {
                        'b' -> out.append('\b')
                        'f' -> out.append('\u000C')
                        'n' -> out.append('\n')
                        'r' -> out.append('\r')
                        't' -> out.append('\t')
                        'u' -> {
                            out.append(text.substring(at, at + 4).toInt(16).toChar())
                            at += 4
                        }
                        else -> out.append(escaped)
                    }
                }
                else -> out.append(c)
            }
        }
    }

    private fun number(): Double {
        val start = at
        while (at < text.length && text[at] in "+-.0123456789eE") at++
        return text.substring(start, at).toDoubleOrNull() ?: fail("a value")
    }

    private fun literal(word: String, value: Any?): Any? {
        if (!text.startsWith(word, at)) fail(word)
        at += word.length
        return value
    }

    private fun expect(c: Char) {
        if (text[at] != c) fail("'$c'")
        at++
    }

    private fun skipSpace() {
        while (at < text.length && text[at].isWhitespace()) at++
    }

    private fun fail(wanted: String): Nothing =
        throw IllegalArgumentException("JSON: $wanted expected at $at")

    companion object {
        fun parse(text: String): Any? {
            val json = Json(text)
            val value = json.value()
            json.skipSpace()
            if (json.at != text.length) json.fail("the end")
            return value
        }
    }
}
