// SPDX-License-Identifier: AGPL-3.0-or-later
package org.nexuslink.server.directory;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Probes each listed endpoint's {@code /health} when due: every {@code directory.probe_interval}
 * while it answers, backing off (2, 4, 8, at most 16 intervals) while it does not. Each outcome
 * updates uptime, last-seen time and reputation. Probes run on virtual threads, each bounded by
 * {@link EndpointCheck#TIMEOUT}. Owns its scheduler: {@link #close()} stops it.
 */
public final class Prober implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Prober.class);
    /** Most probes started per round. */
    static final int BATCH = 200;

    private final CommunityStore communities;
    private final EndpointCheck endpoints;
    private final Listings listings;
    private final Duration heartbeatWindow;
    private final Clock clock;
    private final ScheduledExecutorService ticker = Executors.newSingleThreadScheduledExecutor(
            Thread.ofPlatform().name("directory-prober").daemon().factory());

    public Prober(
            CommunityStore communities,
            EndpointCheck endpoints,
            Listings listings,
            Duration probeInterval,
            Duration heartbeatWindow,
            Clock clock) {
        this.communities = Objects.requireNonNull(communities, "communities");
        this.endpoints = Objects.requireNonNull(endpoints, "endpoints");
        this.listings = Objects.requireNonNull(listings, "listings");
        this.heartbeatWindow = Objects.requireNonNull(heartbeatWindow, "heartbeatWindow");
        this.clock = Objects.requireNonNull(clock, "clock");
        long tick = Math.max(1, Math.min(30, probeInterval.toSeconds() / 2));
        ticker.scheduleWithFixedDelay(this::roundLogged, tick, tick, TimeUnit.SECONDS);
    }

    private void roundLogged() {
        try {
            probeDue();
        } catch (RuntimeException e) {
            log.atWarn().addKeyValue("error", e.toString()).log("probe round failed; retrying");
        }
    }

    /** Probes every endpoint that is due now; returns how many answered. */
    public int probeDue() {
        Instant now = clock.instant();
        List<Listing> due = communities.dueForProbe(now, BATCH);
        int answered = 0;
        try (ExecutorService probes = Executors.newVirtualThreadPerTaskExecutor()) {
            List<Future<Boolean>> outcomes = due.stream()
                    .map(listing -> probes.submit(() -> endpoints.healthy(Listings.endpoint(listing))))
                    .toList();
            for (int i = 0; i < due.size(); i++) {
                Listing listing = due.get(i);
                boolean ok = outcomes.get(i).get();
                Instant at = clock.instant();
                Duration wait = ok ? listings.backoff(0) : listings.backoff(listing.probeFailures() + 1);
                communities.recordProbe(listing.seq(), ok, at, at.plus(wait), heartbeatWindow);
                if (ok) {
                    answered++;
                } else {
                    log.atInfo()
                            .addKeyValue("community", listing.communityId())
                            .addKeyValue("failures", listing.probeFailures() + 1)
                            .log("community endpoint did not answer");
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException e) {
            throw new IllegalStateException("a probe failed unexpectedly", e.getCause());
        }
        return answered;
    }

    @Override
    public void close() {
        ticker.shutdownNow();
    }
}
