// SPDX-License-Identifier: AGPL-3.0-or-later
package org.nexuslink.server.config;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;
import org.nexuslink.server.storage.DatabaseUrl;

/**
 * The server's whole configuration: one record per TOML table of seed 000's
 * {@code nexuslink-server.toml}. Built once by {@link ConfigLoader}, validated there, and passed
 * through constructors; nothing else reads files or the environment.
 */
public record Config(
        Server server,
        Database database,
        Redis redis,
        Community community,
        Directory directory,
        Push push,
        RateLimit rateLimit,
        Limits limits,
        Media media,
        Logging logging) {

    public Config {
        Objects.requireNonNull(server, "server");
        Objects.requireNonNull(database, "database");
        Objects.requireNonNull(redis, "redis");
        Objects.requireNonNull(community, "community");
        Objects.requireNonNull(directory, "directory");
        Objects.requireNonNull(push, "push");
        Objects.requireNonNull(rateLimit, "rateLimit");
        Objects.requireNonNull(limits, "limits");
        Objects.requireNonNull(media, "media");
        Objects.requireNonNull(logging, "logging");
    }

    /** The role this process plays; both share one binary. */
    public enum Role {
        COMMUNITY,
        DIRECTORY
    }

    /** How the listener speaks: plain HTTP or TLS from PEM files. */
    public sealed interface Transport {
        /** Plain HTTP and WebSocket (behind a TLS-terminating proxy, or for development). */
        record Plain() implements Transport {}

        /** HTTPS and WSS with a PEM certificate chain and a PEM (PKCS#8) private key. */
        record Tls(Path certificateChain, Path privateKey) implements Transport {
            public Tls {
                Objects.requireNonNull(certificateChain, "certificateChain");
                Objects.requireNonNull(privateKey, "privateKey");
            }
        }
    }

    /**
     * {@code [server]}: role, listener and where local state lives.
     *
     * @param keyFile the server's long-term signing key; empty means {@code <data_dir>/server.key}
     * @param metrics where {@code /metrics} is served
     */
    public record Server(
            Role role,
            String bindAddress,
            int port,
            Transport transport,
            Path dataDir,
            Optional<Path> keyFile,
            Metrics metrics) {
        public Server {
            Objects.requireNonNull(role, "role");
            Objects.requireNonNull(bindAddress, "bindAddress");
            Objects.requireNonNull(transport, "transport");
            Objects.requireNonNull(dataDir, "dataDir");
            Objects.requireNonNull(keyFile, "keyFile");
            Objects.requireNonNull(metrics, "metrics");
        }

        /** A listener with the default key file and metrics on the public port, loopback only. */
        public Server(Role role, String bindAddress, int port, Transport transport, Path dataDir) {
            this(role, bindAddress, port, transport, dataDir, Optional.empty(), Metrics.DEFAULT);
        }

        /** The server key's file: {@code key_file}, or {@code server.key} in the data directory. */
        public Path serverKeyFile() {
            return keyFile.orElse(dataDir.resolve("server.key"));
        }
    }

    /**
     * Where {@code /metrics} is served.
     *
     * @param port a separate listener's port (on {@code bind_address}); empty serves it on the
     *     public port
     * @param publicAccess on the public port, whether addresses other than loopback may read it
     */
    public record Metrics(OptionalInt port, boolean publicAccess) {
        /** On the public port, loopback only. */
        public static final Metrics DEFAULT = new Metrics(OptionalInt.empty(), false);

        public Metrics {
            Objects.requireNonNull(port, "port");
        }
    }

    /** {@code [database]}: the store and its pool. */
    public record Database(DatabaseUrl url, int maxConnections, Duration connectTimeout) {
        public Database {
            Objects.requireNonNull(url, "url");
            Objects.requireNonNull(connectTimeout, "connectTimeout");
        }
    }

    /**
     * {@code [redis]}: optional cross-node fan-out, presence and shared rate limits.
     *
     * @param channelPrefix starts the name of every pub/sub channel, so several clusters (or
     *     tests) can share one Redis; the nodes of one cluster must use the same
     */
    public record Redis(URI url, boolean enabled, String channelPrefix) {
        public Redis {
            Objects.requireNonNull(url, "url");
            Objects.requireNonNull(channelPrefix, "channelPrefix");
        }

        @Override
        public String toString() {
            // The URL may carry a password (redis://:secret@host).
            return "Redis[url=" + url.getScheme() + "://" + url.getHost() + ":" + url.getPort() + ", enabled=" + enabled
                    + ", channelPrefix=" + channelPrefix + "]";
        }
    }

    /**
     * {@code [community]}: the community this server hosts.
     *
     * @param revokeWindow how long after sending an author may still revoke an event (seed 001's
     *     configurable window; moderators and admins may revoke at any time)
     */
    public record Community(
            String name,
            String adminUuid,
            int maxMembers,
            int maxDevices,
            long storageLimitBytes,
            Duration messageTtl,
            Duration revokeWindow) {
        public Community {
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(adminUuid, "adminUuid");
            Objects.requireNonNull(messageTtl, "messageTtl");
            Objects.requireNonNull(revokeWindow, "revokeWindow");
        }

        /** The account that becomes admin on join, if one is configured. */
        public Optional<String> admin() {
            return adminUuid.isEmpty() ? Optional.empty() : Optional.of(adminUuid);
        }
    }

    /**
     * {@code [directory]}: on a community, the directory it registers with and heartbeats to
     * ({@code url}, {@code token}, {@code heartbeatInterval}); on a directory (role
     * {@code directory}), how it guards and keeps its listing.
     *
     * @param heartbeatInterval how often a community with {@code url} set sends a signed heartbeat
     * @param powDifficulty leading zero bits a registration's proof of work needs
     * @param complianceKey base64 X25519 key KYC materials are sealed to; empty offers no KYC
     * @param reportThreshold distinct reporters that suspend a community
     * @param probeInterval how often each endpoint's {@code /health} is probed (backing off on failure)
     * @param unreachableAfter how long a community may go unseen (no probe or heartbeat answered)
     *     before it leaves search results
     * @param writesPerHour registrations, KYC and reports per address and per account per hour
     * @param searchesPerMinute searches per address per minute
     * @param allowPrivateEndpoints whether endpoints on loopback or private addresses are accepted
     *     (tests and private deployments); off, the directory never fetches such an address
     */
    public record Directory(
            String url,
            Secret token,
            Duration heartbeatInterval,
            int powDifficulty,
            Optional<String> complianceKey,
            int reportThreshold,
            Duration probeInterval,
            Duration unreachableAfter,
            int writesPerHour,
            int searchesPerMinute,
            boolean allowPrivateEndpoints) {
        public Directory {
            Objects.requireNonNull(url, "url");
            Objects.requireNonNull(token, "token");
            Objects.requireNonNull(heartbeatInterval, "heartbeatInterval");
            Objects.requireNonNull(complianceKey, "complianceKey");
            Objects.requireNonNull(probeInterval, "probeInterval");
            Objects.requireNonNull(unreachableAfter, "unreachableAfter");
        }
    }

    /** {@code [push]}: mobile push credentials, reserved for the push issue (read, not used yet). */
    public record Push(Secret fcmKey, String apnsCert, String apnsKeyId, String apnsTeamId) {
        public Push {
            Objects.requireNonNull(fcmKey, "fcmKey");
            Objects.requireNonNull(apnsCert, "apnsCert");
            Objects.requireNonNull(apnsKeyId, "apnsKeyId");
            Objects.requireNonNull(apnsTeamId, "apnsTeamId");
        }
    }

    /** {@code [rate_limit]}: per-IP, per-connection and upload limits. */
    public record RateLimit(int requestsPerSecond, int wsMessagesPerSecond, int uploadPerMinute) {}

    /**
     * {@code [limits]}: bounds on what one account, device or address may hold or open (not in
     * seed 000).
     *
     * @param queueEntriesPerDevice undelivered direct messages one device may have queued
     * @param queueBytesPerDevice bytes of undelivered ciphertext one device may have queued
     * @param prekeyFetchesPerHour prekey bundle fetches per requester and target account per hour
     * @param httpIdleTimeout how long an HTTP connection may stay silent, mid-request or between
     *     requests, before it is closed
     * @param connectionsPerIp open connections one remote address may hold
     */
    public record Limits(
            int queueEntriesPerDevice,
            long queueBytesPerDevice,
            int prekeyFetchesPerHour,
            Duration httpIdleTimeout,
            int connectionsPerIp) {
        /** The defaults of docs/configuration.md. */
        public static final Limits DEFAULT = new Limits(10_000, 256L << 20, 30, Duration.ofSeconds(30), 256);

        public Limits {
            Objects.requireNonNull(httpIdleTimeout, "httpIdleTimeout");
        }
    }

    /**
     * {@code [media]}: client-encrypted file storage (not in seed 000, which names only
     * {@code community.storage_limit}): where blobs live, per-file and per-member limits, and
     * how long unfinished uploads may linger.
     */
    public record Media(
            Backend backend,
            long maxFileSize,
            long memberQuota,
            Duration uploadUrlTtl,
            Duration orphanAfter,
            Duration sweepInterval) {
        public Media {
            Objects.requireNonNull(backend, "backend");
            Objects.requireNonNull(uploadUrlTtl, "uploadUrlTtl");
            Objects.requireNonNull(orphanAfter, "orphanAfter");
            Objects.requireNonNull(sweepInterval, "sweepInterval");
        }

        /** Where blob bytes are kept. */
        public sealed interface Backend {
            /** Files under {@code <data_dir>/media}. */
            record Local() implements Backend {}

            /**
             * An S3-compatible object store; {@code endpoint} empty means AWS's own for the region.
             * Clients upload and download with presigned URLs.
             */
            record S3(
                    Optional<URI> endpoint,
                    String region,
                    String bucket,
                    Secret accessKey,
                    Secret secretKey,
                    boolean pathStyle)
                    implements Backend {
                public S3 {
                    Objects.requireNonNull(endpoint, "endpoint");
                    Objects.requireNonNull(region, "region");
                    Objects.requireNonNull(bucket, "bucket");
                    Objects.requireNonNull(accessKey, "accessKey");
                    Objects.requireNonNull(secretKey, "secretKey");
                }
            }
        }
    }

    /** {@code [logging]}: level, format and destination. */
    public record Logging(String level, Format format, String file) {
        public Logging {
            Objects.requireNonNull(level, "level");
            Objects.requireNonNull(format, "format");
            Objects.requireNonNull(file, "file");
        }

        /** The log file, or empty for standard output. */
        public Optional<Path> filePath() {
            return file.isEmpty() ? Optional.empty() : Optional.of(Path.of(file));
        }

        /** Log line format. */
        public enum Format {
            JSON,
            PRETTY
        }
    }
}
