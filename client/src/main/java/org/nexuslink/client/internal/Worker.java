// SPDX-License-Identifier: AGPL-3.0-or-later
package org.nexuslink.client.internal;

import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The client's one worker thread, on which every operation runs in order: libsignal's sessions
 * are read-modify-write, so nothing else touches them. A timer thread only hands delayed work
 * (reconnects, the key-log check) back to the worker. Thread-safe.
 */
public final class Worker implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Worker.class);

    private final ExecutorService worker = Executors.newSingleThreadExecutor(
            Thread.ofPlatform().name("nexuslink-client").daemon(true).factory());
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(
            Thread.ofPlatform().name("nexuslink-client-reconnect").daemon(true).factory());
    private volatile boolean closed;

    /** Work that returns a value. */
    @FunctionalInterface
    public interface Task<T> {
        T run() throws Exception;
    }

    /** Work that returns nothing. */
    @FunctionalInterface
    public interface Action {
        void run() throws Exception;
    }

    /** Whether {@link #close} was called. */
    public boolean isClosed() {
        return closed;
    }

    /** Fails with the message every call after {@link #close} gives. */
    public void requireOpen() {
        if (closed) {
            throw new IllegalStateException("the client is closed");
        }
    }

    /**
     * Runs {@code task} on the worker and waits for it; its {@link IOException} or
     * {@link RuntimeException} is thrown as it is, anything else as an {@link IOException}.
     */
    public <T> T call(Task<T> task) throws IOException {
        requireOpen();
        return await(worker.submit((Callable<T>) task::run));
    }

    /** Runs {@code action} on the worker and waits for it (see {@link #call}). */
    public void run(Action action) throws IOException {
        call(() -> {
            action.run();
            return null;
        });
    }

    /** Queues {@code action} without waiting; a failure is logged. Does nothing once closed. */
    public void submit(Action action) {
        if (closed || worker.isShutdown()) {
            return;
        }
        try {
            worker.submit(() -> {
                try {
                    action.run();
                } catch (Exception e) {
                    LOG.atWarn()
                            .setMessage("client task failed")
                            .addKeyValue("error", e.toString())
                            .log();
                }
            });
        } catch (RejectedExecutionException e) {
            // closing: nothing more runs
        }
    }

    /** Queues {@code task} without waiting; false when the worker takes nothing more (closed). */
    public boolean execute(Runnable task) {
        try {
            worker.execute(task);
            return true;
        } catch (RejectedExecutionException e) {
            return false;
        }
    }

    /** Queues {@code action} on the worker after {@code delayMillis}. */
    public void schedule(Action action, long delayMillis) {
        if (closed) {
            return;
        }
        try {
            timer.schedule(() -> submit(action), delayMillis, TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException e) {
            // closing: no reconnect
        }
    }

    /** Queues {@code action} on the worker every {@code period}, the first time one period from now. */
    public void scheduleEvery(Action action, Duration period) {
        if (closed) {
            return;
        }
        try {
            timer.scheduleWithFixedDelay(
                    () -> submit(action), period.toMillis(), period.toMillis(), TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException e) {
            // closing: nothing more runs
        }
    }

    /** Stops taking work, lets queued work finish (for up to 10 s) and stops the threads. */
    @Override
    public void close() {
        closed = true;
        timer.shutdownNow();
        worker.shutdown();
        try {
            worker.awaitTermination(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static <T> T await(Future<T> result) throws IOException {
        try {
            return result.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof IOException io) {
                throw io;
            }
            if (cause instanceof RuntimeException runtime) {
                throw runtime;
            }
            throw new IOException(cause.getMessage(), cause);
        }
    }
}
