// SPDX-License-Identifier: AGPL-3.0-or-later
package org.nexuslink.server;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.micrometer.core.instrument.Gauge;
import io.netty.channel.ChannelHandler;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.nexuslink.crypto.server.ServerKeyPair;
import org.nexuslink.protocol.Command;
import org.nexuslink.protocol.EnvelopeCodec;
import org.nexuslink.protocol.Notice;
import org.nexuslink.server.accounts.AccountRoutes;
import org.nexuslink.server.accounts.AccountService;
import org.nexuslink.server.accounts.DeviceStore;
import org.nexuslink.server.accounts.MemberStore;
import org.nexuslink.server.audit.AuditAction;
import org.nexuslink.server.audit.AuditLog;
import org.nexuslink.server.audit.AuditRoutes;
import org.nexuslink.server.auth.Authenticator;
import org.nexuslink.server.auth.Challenges;
import org.nexuslink.server.auth.Principal;
import org.nexuslink.server.auth.ServerIdentity;
import org.nexuslink.server.auth.ServerInfoRoutes;
import org.nexuslink.server.auth.TokenStore;
import org.nexuslink.server.channels.ChannelEventRoutes;
import org.nexuslink.server.channels.ChannelEvents;
import org.nexuslink.server.channels.ChannelRoutes;
import org.nexuslink.server.cluster.ClusterBus;
import org.nexuslink.server.cluster.ClusterFanOut;
import org.nexuslink.server.config.Config;
import org.nexuslink.server.config.ConfigException;
import org.nexuslink.server.delivery.DeliveryQueueStore;
import org.nexuslink.server.delivery.DirectMessageCommands;
import org.nexuslink.server.delivery.DirectMessageRoutes;
import org.nexuslink.server.delivery.DirectMessages;
import org.nexuslink.server.directory.CommunityHeartbeat;
import org.nexuslink.server.directory.DirectoryRole;
import org.nexuslink.server.gateway.CommandHandler;
import org.nexuslink.server.gateway.ConnectionRegistry;
import org.nexuslink.server.gateway.Gateway;
import org.nexuslink.server.http.ApiJson;
import org.nexuslink.server.http.HttpMetrics;
import org.nexuslink.server.http.HttpServer;
import org.nexuslink.server.http.JsonBodies;
import org.nexuslink.server.http.Router;
import org.nexuslink.server.keys.PrekeyCounts;
import org.nexuslink.server.keys.PrekeyRoutes;
import org.nexuslink.server.keys.PrekeyService;
import org.nexuslink.server.keys.PrekeySettings;
import org.nexuslink.server.media.BlobStore;
import org.nexuslink.server.media.LocalBlobStore;
import org.nexuslink.server.media.MediaHandler;
import org.nexuslink.server.media.MediaRoutes;
import org.nexuslink.server.media.MediaService;
import org.nexuslink.server.media.MediaStore;
import org.nexuslink.server.media.MediaSweeper;
import org.nexuslink.server.media.S3BlobStore;
import org.nexuslink.server.moderation.ModerationRoutes;
import org.nexuslink.server.ops.HealthCheck;
import org.nexuslink.server.ops.MetricName;
import org.nexuslink.server.ops.OpsRoutes;
import org.nexuslink.server.ops.ServerMetrics;
import org.nexuslink.server.ops.Version;
import org.nexuslink.server.permissions.Actor;
import org.nexuslink.server.permissions.Permissions;
import org.nexuslink.server.ratelimit.RateLimits;
import org.nexuslink.server.redis.RedisConnection;
import org.nexuslink.server.relay.EventLog;
import org.nexuslink.server.storage.Database;
import org.nexuslink.server.storage.DatabaseSettings;
import org.nexuslink.server.storage.Schema;
import org.nexuslink.server.transparency.KeyLogStore;
import org.nexuslink.server.transparency.KeyTransparency;
import org.nexuslink.server.transparency.KeyTransparencyRoutes;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A running NexusLink server in its configured role: storage migrated and open, metrics, Redis
 * when enabled, and the HTTP listener. {@link #close()} stops everything in reverse order.
 */
public final class NexusLinkServer implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(NexusLinkServer.class);
    /** How often expired tokens are deleted and the WebSockets they opened closed. */
    static final java.time.Duration TOKEN_SWEEP = java.time.Duration.ofSeconds(30);
    /** The name {@code GET /api/v1/server} gives in the directory role. */
    static final String DIRECTORY_NAME = "NexusLink directory";

    private final Deque<AutoCloseable> resources;
    private final HttpServer http;
    private final Optional<HttpServer> metricsListener;
    private final List<Router.Endpoint> routes;
    private final Optional<DirectMessages> direct;
    private final Optional<Community> community;
    private final Optional<DirectoryRole> directory;
    private final Optional<CommunityHeartbeat> heartbeat;
    private final Clock clock;

    private NexusLinkServer(
            Deque<AutoCloseable> resources,
            HttpServer http,
            Optional<HttpServer> metricsListener,
            List<Router.Endpoint> routes,
            Optional<Community> community,
            Optional<DirectoryRole> directory,
            Optional<CommunityHeartbeat> heartbeat,
            Clock clock) {
        this.resources = resources;
        this.http = http;
        this.metricsListener = metricsListener;
        this.routes = routes;
        this.community = community;
        this.directory = directory;
        this.heartbeat = heartbeat;
        this.direct = community.map(Community::direct);
        this.clock = clock;
    }

    /**
     * Opens the database (migrating it to the current schema), binds the listener and serves.
     *
     * @throws org.nexuslink.server.config.ConfigException when a configured file cannot be used
     * @throws RuntimeException when the database or the port is unavailable
     */
    public static NexusLinkServer start(Config config, Clock clock) {
        Objects.requireNonNull(config, "config");
        Objects.requireNonNull(clock, "clock");
        Deque<AutoCloseable> resources = new ArrayDeque<>();
        try {
            ServerMetrics metrics = new ServerMetrics();
            resources.push(metrics);
            Database database =
                    openAndMigrate(config.database(), config.server().role());
            resources.push(database);
            database.bindMetrics(metrics.registry());

            Optional<RedisConnection> redis = Optional.empty();
            if (config.redis().enabled()) {
                RedisConnection connection = new RedisConnection(config.redis().url());
                resources.push(connection);
                if (!connection.ping()) {
                    log.atWarn().addKeyValue("redis", config.redis()).log("redis does not answer; running degraded");
                }
                redis = Optional.of(connection);
            }
            Optional<RedisConnection> redisConnection = redis;
            RateLimits limits = RateLimits.create(
                    config.rateLimit(),
                    config.directory(),
                    clock,
                    redis.map(r -> new RateLimits.SharedStore(
                            r.client(), config.redis().channelPrefix())),
                    metrics.registry());

            SecureRandom random = new SecureRandom();
            ServerKeyPair serverKey = loadServerKey(config.server(), random);
            ServerIdentity identity = ServerIdentity.loadOrCreate(database, serverKey.publicKey(), clock, random);

            ObjectMapper json = ApiJson.create();
            Router router = new Router();
            boolean isDirectory = config.server().role() == Config.Role.DIRECTORY;
            new ServerInfoRoutes(
                            identity,
                            isDirectory ? DIRECTORY_NAME : config.community().name(),
                            config.server().role())
                    .register(router);
            ExecutorService blocking = Executors.newVirtualThreadPerTaskExecutor();
            resources.push(blocking::close);
            ConnectionRegistry connections = new ConnectionRegistry();
            List<ChannelHandler> streaming = new ArrayList<>();
            Optional<Community> community = config.server().role() == Config.Role.COMMUNITY
                    ? Optional.of(registerCommunity(
                            config,
                            clock,
                            database,
                            metrics,
                            json,
                            router,
                            connections,
                            blocking,
                            resources,
                            streaming,
                            redis,
                            serverKey,
                            identity,
                            random,
                            limits))
                    : Optional.empty();
            List<ChannelHandler> beforeDispatch =
                    community.<ChannelHandler>map(Community::gateway).stream().toList();
            Optional<DirectoryRole> directory = Optional.empty();
            if (isDirectory) {
                DirectoryRole role = DirectoryRole.start(
                        config.directory(),
                        database,
                        identity,
                        serverKey,
                        json,
                        router,
                        limits,
                        metrics.registry(),
                        clock,
                        random);
                resources.push(role);
                directory = Optional.of(role);
            }
            Optional<CommunityHeartbeat> heartbeat = Optional.empty();
            if (!isDirectory && !config.directory().url().isBlank()) {
                CommunityHeartbeat beat = new CommunityHeartbeat(
                        config.directory().url(),
                        config.directory().heartbeatInterval(),
                        config.server().dataDir(),
                        serverKey,
                        clock,
                        random);
                resources.push(beat);
                heartbeat = Optional.of(beat);
            }

            DeliveryQueueStore queue = new DeliveryQueueStore(database);
            // With fan-out running, Redis counts as connected only while the subscription is up too.
            Optional<BooleanSupplier> redisProbe = community
                    .flatMap(Community::cluster)
                    .map(c -> (BooleanSupplier) c.bus()::isConnected)
                    .or(() -> redisConnection.map(r -> (BooleanSupplier) r::ping));
            HealthCheck health = new HealthCheck(
                    Version.current(),
                    clock,
                    database::isReachable,
                    redisProbe,
                    connections::size,
                    isDirectory ? () -> 0L : queue::size);
            OpsRoutes ops = new OpsRoutes(health, metrics);
            ops.register(router, config.server().metrics());

            Config.Limits bounds = config.limits();
            HttpServer.Guards guards = new HttpServer.Guards(
                    limits, bounds.httpIdleTimeout(), bounds.connectionsPerIp(), community.map(c ->
                            (HttpServer.TokenCheck) c.authenticator()::identify));
            HttpServer http = HttpServer.start(
                    config.server(), router, json, metrics.registry(), guards, streaming, beforeDispatch);
            resources.push(http);
            Optional<HttpServer> metricsListener = Optional.empty();
            if (config.server().metrics().port().isPresent()) {
                Config.Server listener = new Config.Server(
                        config.server().role(),
                        config.server().bindAddress(),
                        config.server().metrics().port().getAsInt(),
                        new Config.Transport.Plain(),
                        config.server().dataDir());
                HttpServer served = HttpServer.start(
                        listener,
                        ops.metricsRouter(),
                        json,
                        metrics.registry(),
                        new HttpServer.Guards(
                                limits, bounds.httpIdleTimeout(), bounds.connectionsPerIp(), Optional.empty()),
                        List.of());
                resources.push(served);
                metricsListener = Optional.of(served);
            }
            log.atInfo()
                    .addKeyValue("role", config.server().role().name().toLowerCase(java.util.Locale.ROOT))
                    .addKeyValue("version", Version.current())
                    .addKeyValue("port", http.port())
                    .addKeyValue("database", database.dialect())
                    .log("nexuslink server started");
            return new NexusLinkServer(
                    resources, http, metricsListener, router.endpoints(), community, directory, heartbeat, clock);
        } catch (RuntimeException e) {
            closeAll(resources);
            throw e;
        }
    }

    /** What the community role adds to the listener and to the server's operations. */
    private record Community(
            Gateway gateway,
            DirectMessages direct,
            Optional<ClusterFanOut> cluster,
            TokenStore tokens,
            Authenticator authenticator) {}

    /**
     * The server key from {@code server.key_file}, created there on first start.
     *
     * @throws ConfigException naming {@code server.key_file} when the
     *     file cannot be read, written or parsed
     */
    private static ServerKeyPair loadServerKey(Config.Server server, SecureRandom random) {
        Path file = server.serverKeyFile();
        try {
            boolean existed = Files.exists(file);
            ServerKeyPair key = ServerKeyPair.loadOrCreate(file, random);
            if (!existed) {
                log.atInfo()
                        .addKeyValue("file", file)
                        .addKeyValue("public_key", key.publicKey().base64())
                        .log("server key created");
            }
            return key;
        } catch (IOException e) {
            throw new ConfigException("server.key_file", "cannot read or create " + file + ": " + e);
        } catch (IllegalArgumentException e) {
            throw new ConfigException("server.key_file", e.getMessage());
        }
    }

    /**
     * Registers the community role's routes; returns its WebSocket gateway and direct-message
     * service, adds the media handler to {@code streaming} and what must be closed to
     * {@code resources}.
     */
    private static Community registerCommunity(
            Config config,
            Clock clock,
            Database database,
            ServerMetrics metrics,
            ObjectMapper json,
            Router router,
            ConnectionRegistry connections,
            ExecutorService blocking,
            Deque<AutoCloseable> resources,
            List<ChannelHandler> streaming,
            Optional<RedisConnection> redis,
            ServerKeyPair serverKey,
            ServerIdentity identity,
            SecureRandom random,
            RateLimits limits) {
        CommunityServices services = CommunityServices.over(database, clock, random);
        TokenStore tokens = services.tokens();
        Authenticator.AuthMetrics authMetrics = new Authenticator.AuthMetrics(metrics.registry());
        Authenticator authenticator = new Authenticator(tokens, authMetrics, limits);
        MemberStore members = services.members();
        Gauge.builder(MetricName.MEMBERS.meterName(), members, MemberStore::count)
                .description("Members of the community")
                .register(metrics.registry());
        DeviceStore devices = new DeviceStore(database, members);
        Permissions permissions = services.permissions();
        // More than one node shares the database when Redis is on: fan out through it.
        Optional<ClusterFanOut> cluster = redis.map(r -> new ClusterFanOut(
                new ClusterBus(r, config.redis().channelPrefix(), metrics.registry()), connections, blocking));
        cluster.ifPresent(resources::push);
        PrekeyService prekeys = new PrekeyService(
                database,
                PrekeySettings.DEFAULTS,
                clock,
                (device, counts) -> cluster.ifPresentOrElse(
                        c -> c.notice(device, lowStock(counts)), () -> connections.notice(device, lowStock(counts))),
                metrics.registry(),
                config.limits().prekeyFetchesPerHour());
        DirectMessages direct = new DirectMessages(
                devices,
                new DeliveryQueueStore(
                        database,
                        cluster.isPresent(),
                        new DeliveryQueueStore.Bounds(
                                config.limits().queueEntriesPerDevice(),
                                config.limits().queueBytesPerDevice())),
                connections,
                clock,
                config.community().messageTtl(),
                metrics.registry(),
                device -> !hasBundle(prekeys, device));
        resources.push(direct);
        ScheduledExecutorService sweeper = Executors.newSingleThreadScheduledExecutor(
                Thread.ofPlatform().name("queue-sweeper").daemon().factory());
        resources.push(sweeper::shutdownNow);
        sweeper.scheduleWithFixedDelay(() -> sweep(direct), 1, 1, TimeUnit.MINUTES);
        AuditLog audit = services.audit();
        ChannelEvents channelEvents = new ChannelEvents(
                database,
                new EventLog(database),
                permissions,
                connections,
                audit,
                cluster.<ChannelEvents.Peers>map(c -> c).orElse(ChannelEvents.Peers.NONE),
                clock,
                config.community().revokeWindow());
        Gateway gateway = new Gateway(
                authenticator,
                connections,
                new EnvelopeCodec(),
                json,
                blocking,
                metrics.registry(),
                connection -> {
                    // Tell a device that connects with low stock at once, then hand it its queue (and
                    // say when that is through).
                    Principal device = connection.principal();
                    if (prekeys.isLowOnStock(device.account(), device.device())) {
                        connection.push(Command.NOTICE, lowStock(prekeys.counts(device)));
                    }
                    direct.drainTo(connection);
                },
                commands(DirectMessageCommands.handlers(direct), channelEvents.handlers()),
                limits);
        new DirectMessageRoutes(direct, authenticator, new JsonBodies(json)).register(router);
        KeyTransparency keyLog = new KeyTransparency(database, new KeyLogStore(database), serverKey, clock);
        keyLog.backfill();
        sweeper.scheduleWithFixedDelay(
                keyLog::signOnSchedule, 0, KeyTransparency.HEAD_INTERVAL.toSeconds(), TimeUnit.SECONDS);
        new KeyTransparencyRoutes(keyLog).register(router);
        AccountService accounts = new AccountService(
                database,
                members,
                devices,
                new Challenges(database, identity, serverKey, clock, random),
                tokens,
                authMetrics,
                new AccountService.Limits(
                        config.community().maxMembers(),
                        config.community().maxDevices(),
                        config.community().admin().map(Principal::storedAccount)),
                clock,
                (account, device) -> {
                    gateway.deviceRemoved(account, device);
                    cluster.ifPresent(c -> c.deviceRemoved(new Principal(account, device)));
                },
                prekeys.store(),
                keyLog);
        JsonBodies bodies = new JsonBodies(json);
        new AccountRoutes(accounts, authenticator, bodies).register(router);
        new PrekeyRoutes(
                        prekeys,
                        authenticator,
                        bodies,
                        account -> keyLog.findProof(account).map(KeyTransparencyRoutes::view))
                .register(router);

        new ChannelRoutes(services.channels(), authenticator, bodies).register(router);
        new ChannelEventRoutes(channelEvents, authenticator).register(router);
        new ModerationRoutes(
                        services.moderation((account, reason) -> {
                            gateway.closeAccount(account, reason);
                            cluster.ifPresent(c -> c.accountClosed(account, reason));
                        }),
                        authenticator,
                        bodies)
                .register(router);
        new AuditRoutes(audit, permissions, authenticator).register(router);
        MediaService media = startMedia(config, clock, database, members, metrics, random);
        resources.push(media);
        media.onModeratorDeletion((moderator, file) -> database.inTransaction(h -> {
            audit.append(
                    h,
                    new Actor.Account(moderator.account()),
                    AuditAction.MEDIA_DELETE,
                    file.uploader(),
                    Optional.empty(),
                    Map.of("media", file.id().toString(), "size", file.size()));
            return null;
        }));
        new MediaRoutes(media, authenticator, bodies).register(router);
        streaming.add(new MediaHandler(media, authenticator, json, blocking, new HttpMetrics(metrics.registry())));
        resources.push(new MediaSweeper(media, config.media().sweepInterval()));
        cluster.ifPresent(c -> c.start(direct, channelEvents, gateway, device -> stillValid(members, devices, device)));
        Community community = new Community(gateway, direct, cluster, tokens, authenticator);
        // Expired tokens are deleted, and the sessions they opened end, within TOKEN_SWEEP of expiry.
        sweeper.scheduleWithFixedDelay(
                () -> sweepTokens(community, clock),
                TOKEN_SWEEP.toSeconds(),
                TOKEN_SWEEP.toSeconds(),
                TimeUnit.SECONDS);
        return community;
    }

    private static int sweepTokens(Community community, Clock clock) {
        try {
            int closed = community.gateway().closeExpired(clock.instant());
            int deleted = community.tokens().sweepExpired();
            if (closed > 0 || deleted > 0) {
                log.atDebug()
                        .addKeyValue("deleted", deleted)
                        .addKeyValue("closed", closed)
                        .log("expired tokens swept");
            }
            return deleted;
        } catch (RuntimeException e) {
            log.atWarn().addKeyValue("error", e.toString()).log("token expiry sweep failed; retrying");
            return 0;
        }
    }

    /** Whether a connected device may stay connected: its account a member, not banned, the device active. */
    private static boolean stillValid(MemberStore members, DeviceStore devices, Principal device) {
        return members.find(device.account()).filter(m -> !m.banned()).isPresent()
                && devices.activeDevices(List.of(device.account()))
                        .getOrDefault(device.account(), java.util.Set.of())
                        .contains(device.device());
    }

    private static Map<Command, CommandHandler> commands(
            Map<Command, CommandHandler> a, Map<Command, CommandHandler> b) {
        Map<Command, CommandHandler> all = new java.util.EnumMap<>(Command.class);
        all.putAll(a);
        b.forEach((command, handler) -> {
            if (all.putIfAbsent(command, handler) != null) {
                throw new IllegalStateException("two handlers for " + command.wireName());
            }
        });
        return all;
    }

    private static boolean hasBundle(PrekeyService prekeys, Principal device) {
        PrekeyCounts counts = prekeys.counts(device);
        return counts.signedPrekeyUploadedAt().isPresent()
                && (counts.kyberPrekeys() > 0 || counts.lastResortKyberPrekey())
                && !prekeys.needsReregistration(device.account(), device.device());
    }

    private static Notice lowStock(PrekeyCounts counts) {
        return new Notice(Notice.PREKEYS_LOW, "ec=" + counts.oneTimePrekeys() + ",kyber=" + counts.kyberPrekeys());
    }

    private static void sweep(DirectMessages direct) {
        try {
            int removed = direct.sweepExpired();
            if (removed > 0) {
                log.atInfo().addKeyValue("removed", removed).log("expired queued messages deleted");
            }
        } catch (RuntimeException e) {
            log.atWarn().addKeyValue("error", e.toString()).log("queue expiry sweep failed; retrying in a minute");
        }
    }

    private static MediaService startMedia(
            Config config,
            Clock clock,
            Database database,
            MemberStore members,
            ServerMetrics metrics,
            SecureRandom random) {
        Config.Media settings = config.media();
        Path root = config.server().dataDir().resolve("media");
        BlobStore blobs = switch (settings.backend()) {
            case Config.Media.Backend.Local local -> new LocalBlobStore(root);
            case Config.Media.Backend.S3 s3 -> new S3BlobStore(s3);
        };
        try {
            return new MediaService(
                    new MediaStore(database),
                    blobs,
                    root,
                    members,
                    config.rateLimit().uploadPerMinute(),
                    new MediaService.Limits(
                            settings.maxFileSize(),
                            settings.memberQuota(),
                            config.community().storageLimitBytes(),
                            settings.uploadUrlTtl(),
                            settings.orphanAfter()),
                    clock,
                    random,
                    metrics.registry());
        } catch (RuntimeException e) {
            blobs.close();
            throw e;
        }
    }

    /**
     * Opens the database and applies pending migrations, as {@code nexuslink server migrate} does.
     */
    /**
     * The community's services over the configured database, opened and migrated, built as the
     * server builds them: for the operator's console ({@code nexuslink admin --local}), which acts
     * without a running server. Closing them closes the database.
     */
    public static CommunityServices openServices(Config config, Clock clock) {
        return CommunityServices.owning(openAndMigrate(config.database()), clock, new SecureRandom());
    }

    public static Database openAndMigrate(Config.Database config) {
        return openAndMigrate(config, Config.Role.COMMUNITY);
    }

    /** Opens the database and applies pending migrations of {@code role}'s schema. */
    public static Database openAndMigrate(Config.Database config, Config.Role role) {
        Database database =
                Database.open(config.url(), new DatabaseSettings(config.maxConnections(), config.connectTimeout()));
        try {
            database.migrate(role == Config.Role.DIRECTORY ? Schema.DIRECTORY : Schema.COMMUNITY);
            return database;
        } catch (RuntimeException e) {
            database.close();
            throw e;
        }
    }

    /** Every HTTP route this server serves (the OpenAPI check compares them with docs/openapi.yaml). */
    public List<Router.Endpoint> routes() {
        return routes;
    }

    /** Runs the queue expiry sweep now (it also runs every minute); returns how many entries it deleted. */
    public int sweepExpiredMessages() {
        return direct.map(DirectMessages::sweepExpired).orElse(0);
    }

    /**
     * Runs the token expiry sweep now (it also runs every 30 seconds): closes the WebSockets whose
     * token has expired and deletes expired tokens; returns how many tokens it deleted.
     */
    public int sweepExpiredTokens() {
        return community.map(c -> sweepTokens(c, clock)).orElse(0);
    }

    /** The directory role's use cases, when this server plays it. */
    public Optional<DirectoryRole> directory() {
        return directory;
    }

    /** The heartbeat to {@code [directory] url}, when a community has one configured. */
    public Optional<CommunityHeartbeat> directoryHeartbeat() {
        return heartbeat;
    }

    /** The bound HTTP port. */
    public int port() {
        return http.port();
    }

    /** The bound port of the separate metrics listener, when {@code server.metrics_port} asks for one. */
    public java.util.OptionalInt metricsPort() {
        return metricsListener.map(m -> java.util.OptionalInt.of(m.port())).orElse(java.util.OptionalInt.empty());
    }

    @Override
    public void close() {
        closeAll(resources);
        log.info("nexuslink server stopped");
    }

    private static void closeAll(Deque<AutoCloseable> resources) {
        while (!resources.isEmpty()) {
            AutoCloseable resource = resources.pop();
            try {
                resource.close();
            } catch (Exception e) {
                log.atWarn()
                        .setCause(e)
                        .addKeyValue("resource", resource.getClass().getSimpleName())
                        .log("error while stopping");
            }
        }
    }
}
