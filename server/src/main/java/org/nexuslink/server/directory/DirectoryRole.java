// SPDX-License-Identifier: AGPL-3.0-or-later
package org.nexuslink.server.directory;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.Objects;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.nexuslink.crypto.server.ServerKeyPair;
import org.nexuslink.server.auth.ServerIdentity;
import org.nexuslink.server.config.Config;
import org.nexuslink.server.http.Router;
import org.nexuslink.server.ops.MetricName;
import org.nexuslink.server.ratelimit.RateLimits;
import org.nexuslink.server.storage.Database;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The directory role assembled: stores, use cases, routes, the prober and the nonce sweeper.
 * {@link #close()} stops the background work.
 */
public final class DirectoryRole implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(DirectoryRole.class);

    private final Listings listings;
    private final KycReviews kyc;
    private final AbuseReports reports;
    private final Prober prober;
    private final EndpointCheck endpoints;
    private final ScheduledExecutorService sweeper;

    private DirectoryRole(
            Listings listings,
            KycReviews kyc,
            AbuseReports reports,
            Prober prober,
            EndpointCheck endpoints,
            ScheduledExecutorService sweeper) {
        this.listings = listings;
        this.kyc = kyc;
        this.reports = reports;
        this.prober = prober;
        this.endpoints = endpoints;
        this.sweeper = sweeper;
    }

    /** Builds the role over a database migrated to the directory schema and registers its routes. */
    public static DirectoryRole start(
            Config.Directory settings,
            Database database,
            ServerIdentity identity,
            ServerKeyPair key,
            ObjectMapper json,
            Router router,
            RateLimits limits,
            MeterRegistry meters,
            Clock clock,
            SecureRandom random) {
        Objects.requireNonNull(settings, "settings");
        Services services = services(settings, database, key, clock, random);
        ReplayGuard replay = new ReplayGuard(database, clock);
        EndpointCheck endpoints = services.endpoints();
        new DirectoryRoutes(
                        services.listings(),
                        services.kyc(),
                        services.reports(),
                        new SignedRequests(json, identity.serverId(), clock),
                        new DirectoryLimits(limits, clock),
                        identity.serverId(),
                        settings)
                .register(router);
        CommunityStore communities = new CommunityStore(database);
        Gauge.builder(MetricName.DIRECTORY_COMMUNITIES.meterName(), communities, CommunityStore::count)
                .description("Communities listed in the directory, suspended ones included")
                .register(meters);
        Prober prober = new Prober(
                communities,
                endpoints,
                services.listings(),
                settings.probeInterval(),
                settings.unreachableAfter(),
                clock);
        ScheduledExecutorService sweeper = Executors.newSingleThreadScheduledExecutor(
                Thread.ofPlatform().name("directory-nonce-sweeper").daemon().factory());
        sweeper.scheduleWithFixedDelay(
                () -> {
                    try {
                        replay.sweep();
                    } catch (RuntimeException e) {
                        log.atWarn().addKeyValue("error", e.toString()).log("nonce sweep failed; retrying");
                    }
                },
                1,
                1,
                TimeUnit.MINUTES);
        return new DirectoryRole(services.listings(), services.kyc(), services.reports(), prober, endpoints, sweeper);
    }

    /** The use cases over a directory database, for reviewers' local commands and benchmarks. */
    public record Services(
            Listings listings,
            KycReviews kyc,
            AbuseReports reports,
            CommunityStore communities,
            EndpointCheck endpoints)
            implements AutoCloseable {
        @Override
        public void close() {
            endpoints.close();
        }
    }

    /** The use cases without routes or background work (reviewer commands run these locally). */
    public static Services services(
            Config.Directory settings, Database database, ServerKeyPair key, Clock clock, SecureRandom random) {
        ReplayGuard replay = new ReplayGuard(database, clock);
        CommunityStore communities = new CommunityStore(database);
        KycStore kycStore = new KycStore(database);
        EndpointCheck endpoints = new EndpointCheck(settings.allowPrivateEndpoints());
        Listings listings =
                new Listings(database, communities, kycStore, replay, endpoints, key, settings, clock, random);
        KycReviews kyc = new KycReviews(
                database, kycStore, replay, settings.complianceKey(), KycReviews.Verifier.MANUAL, clock, random);
        AbuseReports reports = new AbuseReports(
                database,
                new AbuseReportStore(database),
                communities,
                replay,
                settings.reportThreshold(),
                settings.unreachableAfter(),
                clock,
                random);
        return new Services(listings, kyc, reports, communities, endpoints);
    }

    public Listings listings() {
        return listings;
    }

    public KycReviews kyc() {
        return kyc;
    }

    public AbuseReports reports() {
        return reports;
    }

    /** Probes every due endpoint now (the prober also runs on its schedule); returns how many answered. */
    public int probeDue() {
        return prober.probeDue();
    }

    @Override
    public void close() {
        sweeper.shutdownNow();
        prober.close();
        endpoints.close();
    }
}
