// SPDX-License-Identifier: AGPL-3.0-or-later
package org.nexuslink.bench.load;

import java.io.IOException;
import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntFunction;
import java.util.function.LongConsumer;
import org.nexuslink.client.community.CommunityApi;
import org.nexuslink.crypto.identity.AccountIdentity;
import org.nexuslink.crypto.identity.DeviceCertificate;
import org.nexuslink.crypto.identity.DeviceId;
import org.nexuslink.crypto.identity.DeviceKeyPair;

/**
 * Simulated devices for the load modes: real identities joined through the real API (signed
 * challenge, certificate, bearer token), then real WebSockets on the cheap {@link WsClient}.
 * Joins run a few at a time; connections many at a time, optionally spread over several
 * 127.0.0.x source addresses so one client is not limited to one range of ephemeral ports.
 */
final class Fleet {
    /** A joined device: its account and bearer token. */
    record Member(String accountId, String token) {}

    private final CommunityApi api;
    private final URI webSocket;
    private final List<InetAddress> sources;

    /** @param sourceAddresses 0 for the system's choice, or k to use 127.0.0.1 .. 127.0.0.k in turn */
    Fleet(URI server, int sourceAddresses) {
        this.api = new CommunityApi(server);
        this.webSocket = api.webSocketUri();
        List<InetAddress> list = new ArrayList<>();
        for (int i = 1; i <= sourceAddresses; i++) {
            try {
                list.add(InetAddress.getByName("127.0.0." + i));
            } catch (UnknownHostException e) {
                throw new IllegalStateException(e);
            }
        }
        this.sources = List.copyOf(list);
    }

    CommunityApi api() {
        return api;
    }

    /** The WebSocket endpoint of the server this fleet joins. */
    URI webSocket() {
        return webSocket;
    }

    /** Joins {@code n} fresh identities, {@code parallel} at a time; {@code progress} gets the count. */
    List<Member> join(int n, int parallel, LongConsumer progress) throws Exception {
        CommunityApi pinned = api.trustOnFirstUse();
        List<Future<Member>> futures = new ArrayList<>(n);
        AtomicInteger done = new AtomicInteger();
        Semaphore slots = new Semaphore(parallel);
        try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            for (int i = 0; i < n; i++) {
                slots.acquire();
                futures.add(pool.submit(() -> {
                    try {
                        Member m = joinOne(pinned);
                        progress.accept(done.incrementAndGet());
                        return m;
                    } finally {
                        slots.release();
                    }
                }));
            }
            List<Member> members = new ArrayList<>(n);
            for (Future<Member> f : futures) {
                members.add(f.get());
            }
            return members;
        }
    }

    private Member joinOne(CommunityApi pinned) throws IOException, InterruptedException {
        AccountIdentity identity = AccountIdentity.generate();
        DeviceKeyPair keys = DeviceKeyPair.generate();
        DeviceCertificate certificate = identity.certify(
                new DeviceId(1), keys.publicKey(), Clock.systemUTC().instant().minusSeconds(60), Optional.empty());
        CommunityApi.Session session = pinned.join(identity, keys, certificate, "", "bench");
        return new Member(session.accountId(), session.token());
    }

    /**
     * Opens one WebSocket per member, at most {@code parallel} handshakes at a time.
     *
     * @param listeners the listener of member i
     */
    List<WsClient.Connection> connect(
            WsClient client,
            List<Member> members,
            IntFunction<WsClient.Listener> listeners,
            int parallel,
            LongConsumer progress)
            throws Exception {
        return connect(client, members, listeners, parallel, progress, i -> webSocket);
    }

    /**
     * As {@link #connect(WsClient, List, IntFunction, int, LongConsumer)}, member i to the
     * WebSocket endpoint {@code endpoints} gives for it (another node of the same cluster: the
     * token is valid on every node).
     */
    List<WsClient.Connection> connect(
            WsClient client,
            List<Member> members,
            IntFunction<WsClient.Listener> listeners,
            int parallel,
            LongConsumer progress,
            IntFunction<URI> endpoints)
            throws Exception {
        Semaphore slots = new Semaphore(parallel);
        List<CompletableFuture<WsClient.Connection>> opening = new ArrayList<>(members.size());
        AtomicInteger done = new AtomicInteger();
        for (int i = 0; i < members.size(); i++) {
            slots.acquire();
            Optional<InetAddress> source =
                    sources.isEmpty() ? Optional.empty() : Optional.of(sources.get(i % sources.size()));
            CompletableFuture<WsClient.Connection> f =
                    client.connect(endpoints.apply(i), members.get(i).token(), source, listeners.apply(i));
            f.whenComplete((c, e) -> {
                slots.release();
                progress.accept(done.incrementAndGet());
            });
            opening.add(f);
        }
        List<WsClient.Connection> connections = new ArrayList<>(members.size());
        for (CompletableFuture<WsClient.Connection> f : opening) {
            connections.add(f.join());
        }
        return connections;
    }
}
