// SPDX-License-Identifier: AGPL-3.0-or-later
package org.nexuslink.cli.bench;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import org.nexuslink.bench.load.DirectoryLoad;
import org.nexuslink.bench.load.LoadReport;
import org.nexuslink.crypto.identity.AccountId;
import org.nexuslink.crypto.identity.AccountIdentity;
import org.nexuslink.crypto.server.ServerKeyPair;
import org.nexuslink.server.NexusLinkServer;
import org.nexuslink.server.config.Config;
import org.nexuslink.server.config.ConfigLoader;
import org.nexuslink.server.directory.CommunityStore;
import org.nexuslink.server.directory.ListingDetails;
import org.nexuslink.server.storage.Database;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code nexuslink bench directory}: a directory in this process over the given database, loaded
 * with synthetic communities (written straight into its listing, as registrations would leave
 * them), then searched over HTTP by closed-loop clients.
 */
@Command(
        name = "directory",
        mixinStandardHelpOptions = true,
        description = {
            "Start a directory in this process, load --communities synthetic listings into its database (kept",
            "when the database already holds as many), and search it over HTTP for --duration seconds with",
            "--threads closed-loop clients. Reports search latency in the JSON shape of the other modes."
        })
final class DirectoryBench implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(
            names = "--communities",
            defaultValue = "100000",
            description = "Listings to load (default: ${DEFAULT-VALUE}).")
    int communities;

    @Option(
            names = "--database-url",
            paramLabel = "URL",
            description =
                    "sqlite:FILE or postgres://...?schema=NAME (default: a new SQLite file in a temporary directory).")
    String databaseUrl;

    @Option(
            names = "--duration",
            defaultValue = "10",
            paramLabel = "SECONDS",
            description = "Default: ${DEFAULT-VALUE}.")
    int duration;

    @Option(
            names = "--threads",
            defaultValue = "4",
            description = "Concurrent search clients (default: ${DEFAULT-VALUE}).")
    int threads;

    @Option(names = "--json", description = "Print one JSON object on standard output.")
    boolean json;

    @Override
    public Integer call() throws Exception {
        if (communities < 1 || duration < 1 || threads < 1) {
            throw new ParameterException(
                    spec.commandLine(), "--communities, --duration and --threads must be at least 1");
        }
        Path dataDir = Files.createTempDirectory("nexuslink-bench-directory");
        Map<String, String> env = new HashMap<>();
        env.put("NEXUSLINK_SERVER_ROLE", "directory");
        env.put("NEXUSLINK_SERVER_DATA_DIR", dataDir.toString());
        env.put("NEXUSLINK_SERVER_PORT", "0");
        // One key for every run, so a --database-url kept between runs accepts the next one.
        env.put(
                "NEXUSLINK_SERVER_KEY_FILE",
                Path.of(System.getProperty("java.io.tmpdir"), "nexuslink-bench-directory.key")
                        .toString());
        env.put("NEXUSLINK_SERVER_BIND_ADDRESS", "127.0.0.1");
        env.put(
                "NEXUSLINK_DATABASE_URL",
                databaseUrl != null ? databaseUrl : "sqlite:" + dataDir.resolve("directory.db"));
        env.put("NEXUSLINK_RATE_LIMIT_REQUESTS_PER_SECOND", "1000000");
        env.put("NEXUSLINK_DIRECTORY_SEARCHES_PER_MINUTE", "1000000");
        env.put("NEXUSLINK_LOGGING_LEVEL", "warn");
        Config config = ConfigLoader.load(null, env, Map.of());
        org.nexuslink.server.ops.Logs.configure(config.logging());
        try (Database database = NexusLinkServer.openAndMigrate(config.database(), Config.Role.DIRECTORY)) {
            seed(database);
        }
        try (NexusLinkServer server = NexusLinkServer.start(config, Clock.systemUTC())) {
            URI uri = URI.create("http://127.0.0.1:" + server.port());
            LoadReport report = new DirectoryLoad(uri, Duration.ofSeconds(duration), threads, done -> {}).run();
            spec.commandLine().getErr().println();
            spec.commandLine().getOut().println(json ? report.toJson() : report.summary());
            return report.errors() == 0 ? 0 : 1;
        }
    }

    private void seed(Database database) throws Exception {
        CommunityStore store = new CommunityStore(database);
        long have = store.count();
        if (have >= communities) {
            BenchCommand.progress(spec, "database holds " + have + " communities; not loading");
            return;
        }
        AccountId admin = AccountIdentity.generate().accountId();
        Instant now = Instant.now();
        Instant never = now.plus(Duration.ofDays(3650));
        MessageDigest sha = MessageDigest.getInstance("SHA-256");
        SecureRandom random = new SecureRandom();
        int batch = 1000;
        for (long n = have; n < communities; n += batch) {
            long from = n;
            long to = Math.min(communities, n + batch);
            database.inTransaction(h -> {
                for (long i = from; i < to; i++) {
                    DirectoryLoad.Synthetic s = DirectoryLoad.syntheticCommunity(i);
                    ServerKeyPair key =
                            ServerKeyPair.fromPrivateKey(sha.digest(("bench-" + i).getBytes(StandardCharsets.UTF_8)));
                    store.insertRow(
                            h,
                            "nxc-bench-" + i,
                            new ListingDetails(
                                    s.name(),
                                    s.description(),
                                    s.tags(),
                                    URI.create("https://c" + i + ".bench.invalid"),
                                    admin,
                                    key.publicKey()),
                            now,
                            random.nextDouble(),
                            never);
                }
                return null;
            });
            BenchCommand.progress(spec, "loaded " + to + " / " + communities + " communities");
        }
        spec.commandLine().getErr().println();
    }
}
