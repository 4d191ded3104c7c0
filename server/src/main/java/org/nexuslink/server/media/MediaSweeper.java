// SPDX-License-Identifier: AGPL-3.0-or-later
package org.nexuslink.server.media;

import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Runs {@link MediaService#sweep()} every {@code media.sweep_interval}. Owns its one thread. */
public final class MediaSweeper implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(MediaSweeper.class);

    private final ScheduledExecutorService timer;

    /** Starts sweeping at once, then every {@code interval}. */
    public MediaSweeper(MediaService media, Duration interval) {
        Objects.requireNonNull(media, "media");
        this.timer = Executors.newSingleThreadScheduledExecutor(
                Thread.ofPlatform().daemon().name("media-sweep").factory());
        timer.scheduleWithFixedDelay(
                () -> {
                    try {
                        media.sweep();
                    } catch (RuntimeException e) {
                        // A failed sweep (database down) is retried at the next interval.
                        log.atWarn().addKeyValue("error", e.toString()).log("media sweep failed");
                    }
                },
                0,
                interval.toMillis(),
                TimeUnit.MILLISECONDS);
    }

    @Override
    public void close() {
        timer.shutdownNow();
        try {
            timer.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
