package com.mnisteverywhere.digits

import org.junit.runner.Description
import org.junit.runner.JUnitCore
import org.junit.runner.notification.Failure
import org.junit.runner.notification.RunListener
import kotlin.system.exitProcess

/**
 * Runs the named test classes with JUnit and prints one line per test, for android/jvm-test.sh
 * (which runs these tests without Gradle or the Android SDK) and tests/test_android.py.
 */
fun main(args: Array<String>) {
    val failed = HashSet<Description>()
    var passed = 0
    val junit = JUnitCore()
    junit.addListener(object : RunListener() {
        override fun testFailure(failure: Failure) {
            failed.add(failure.description)
            println("FAIL ${failure.description.displayName}: ${failure.message}")
        }

        override fun testFinished(description: Description) {
            if (description in failed) return
            passed++
            println("PASS ${description.displayName}")
        }
    })
    val result = junit.run(*args.map { Class.forName(it) }.toTypedArray())
    println("$passed passed, ${result.failureCount} failed")
    exitProcess(if (result.wasSuccessful()) 0 else 1)
}
