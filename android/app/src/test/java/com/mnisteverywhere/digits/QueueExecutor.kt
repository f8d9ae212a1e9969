package com.mnisteverywhere.digits

import java.util.ArrayDeque
import java.util.concurrent.AbstractExecutorService
import java.util.concurrent.RejectedExecutionException
import java.util.concurrent.TimeUnit

/**
 * An executor that runs nothing until a test says so, on the test's thread: it stands in for
 * DigitReader's worker and for the UI thread, so a test decides what runs when.
 */
class QueueExecutor : AbstractExecutorService() {
    private val tasks = ArrayDeque<Runnable>()
    private var shutdown = false

    val pending: Int get() = tasks.size

    /** Runs the tasks queued, and those they queue, until none is left. */
    fun runAll() {
        while (tasks.isNotEmpty()) tasks.poll().run()
    }

    override fun execute(command: Runnable) {
        if (shutdown) throw RejectedExecutionException("shut down")
        tasks.add(command)
    }

    override fun shutdown() {
        shutdown = true
    }

    override fun shutdownNow(): List<Runnable> {
        shutdown = true
        return tasks.toList().also { tasks.clear() }
    }

    override fun isShutdown() = shutdown

    override fun isTerminated() = shutdown && tasks.isEmpty()

    override fun awaitTermination(timeout: Long, unit: TimeUnit) = isTerminated
}
