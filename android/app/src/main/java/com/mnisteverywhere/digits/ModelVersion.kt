package com.mnisteverywhere.digits

import java.security.MessageDigest

/**
 * The version string both apps show for their model, so that a screenshot traces back to a
 * pipeline run: the first 12 hex digits of the SHA-256 of each model file's name and bytes, the
 * files in name order. digits/deploy/artifacts.py's model_version and web/tools/build.mjs compute the same,
 * and the verify stages record it in reports/metrics/. No Android imports.
 */
object ModelVersion {
    fun of(files: Map<String, ByteArray>): String {
        val digest = MessageDigest.getInstance("SHA-256")
        for ((name, bytes) in files.toSortedMap()) {
            digest.update(name.toByteArray(Charsets.UTF_8))
            digest.update(bytes)
        }
        return digest.digest().joinToString("") { String.format("%02x", it) }.take(12)
    }

    /** What the app shows: the version, after the release it belongs to if there is one. */
    fun label(version: String, release: String): String =
        if (release.isEmpty()) version else "$release ($version)"
}
