// SPDX-License-Identifier: AGPL-3.0-or-later
package org.nexuslink.bench.load;

import java.net.URI;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Consumer;

/**
 * {@code nexuslink bench idle}: joins {@code devices} identities, opens one authenticated
 * WebSocket for each and holds them open without traffic (a WebSocket ping every 30 s keeps
 * them under the server's idle timeout). It reads the server's resident memory before the
 * connections open and after they are all up and settled, and reports connections held, memory
 * and memory per connection. The server's pid comes from {@code --server-pid}, or is found from
 * the listening port when the server runs on this machine under the same user.
 */
public final class IdleLoad {
    private static final Duration PING_EVERY = Duration.ofSeconds(30);

    private final URI server;
    private final int devices;
    private final Duration hold;
    private final int threads;
    private final int sourceAddresses;
    private final Optional<Long> serverPid;
    private final Duration settle;
    private final Consumer<String> progress;

    /**
     * @param hold how long to hold the connections before the second reading
     * @param settle how long to wait after the joins before the first reading, so that the
     *     server's heap has shed the joins' garbage (see docs/benchmarks.md on the GC setting)
     */
    public IdleLoad(
            URI server,
            int devices,
            Duration hold,
            int threads,
            int sourceAddresses,
            Optional<Long> serverPid,
            Duration settle,
            Consumer<String> progress) {
        if (devices < 1) {
            throw new IllegalArgumentException("need at least 1 device");
        }
        this.server = server;
        this.devices = devices;
        this.hold = hold;
        this.threads = threads;
        this.sourceAddresses = sourceAddresses;
        this.serverPid = serverPid;
        this.settle = settle;
        this.progress = progress;
    }

    public LoadReport run() throws Exception {
        Optional<Long> pid =
                serverPid.or(() -> "127.0.0.1".equals(server.getHost()) || "localhost".equals(server.getHost())
                        ? ServerMemory.listening(server.getPort() > 0 ? server.getPort() : 80)
                        : Optional.empty());
        Fleet fleet = new Fleet(server, sourceAddresses);
        List<Fleet.Member> members = fleet.join(devices, 16, n -> {
            if (n % 500 == 0) {
                progress.accept("joined " + n);
            }
        });
        progress.accept("settling");
        TimeUnit.MILLISECONDS.sleep(settle.toMillis());
        OptionalLong before = pid.map(ServerMemory::rss).orElse(OptionalLong.empty());
        LongAdder closed = new LongAdder();
        WsClient.Listener listener = new WsClient.Listener() {
            @Override
            public void onBinary(WsClient.Connection connection, ByteBuffer payload) {}

            @Override
            public void onClosed(WsClient.Connection connection, String reason) {
                closed.increment();
            }
        };
        long start = System.nanoTime();
        try (WsClient client = new WsClient(threads)) {
            List<WsClient.Connection> connections = fleet.connect(client, members, i -> listener, 512, n -> {
                if (n % 1000 == 0) {
                    progress.accept("connected " + n);
                }
            });
            double connectSeconds = (System.nanoTime() - start) / 1e9;
            long holdUntil = System.nanoTime() + hold.toNanos();
            long nextPing = System.nanoTime() + PING_EVERY.toNanos();
            while (System.nanoTime() < holdUntil) {
                TimeUnit.MILLISECONDS.sleep(Math.min(1000, Math.max(1, (holdUntil - System.nanoTime()) / 1_000_000)));
                if (System.nanoTime() >= nextPing) {
                    for (WsClient.Connection c : connections) {
                        c.send(WsClient.ping());
                    }
                    nextPing += PING_EVERY.toNanos();
                }
                progress.accept("holding " + (connections.size() - closed.sum()));
            }
            OptionalLong after = pid.map(ServerMemory::rss).orElse(OptionalLong.empty());
            long open = connections.stream().filter(WsClient.Connection::isOpen).count();
            Map<String, Object> extra = new LinkedHashMap<>();
            extra.put("connections", open);
            extra.put("connect_seconds", connectSeconds);
            extra.put("server_pid", pid.orElse(null));
            extra.put("server_rss_before_bytes", before.isPresent() ? before.getAsLong() : null);
            extra.put("server_rss_bytes", after.isPresent() ? after.getAsLong() : null);
            extra.put(
                    "server_rss_bytes_per_connection",
                    before.isPresent() && after.isPresent() && open > 0
                            ? (after.getAsLong() - before.getAsLong()) / open
                            : null);
            long errors = devices - open;
            return LoadReport.of(
                    "idle",
                    devices,
                    hold.toMillis() / 1000.0,
                    0,
                    0,
                    0,
                    errors,
                    errors == 0 ? Map.of() : Map.of("not_connected", errors),
                    new Latencies(),
                    extra);
        }
    }
}
