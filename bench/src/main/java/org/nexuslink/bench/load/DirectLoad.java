// SPDX-License-Identifier: AGPL-3.0-or-later
package org.nexuslink.bench.load;

import java.net.URI;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.LongConsumer;
import org.nexuslink.client.community.CommunityApi;
import org.nexuslink.protocol.Ack;
import org.nexuslink.protocol.Bytes;
import org.nexuslink.protocol.Command;
import org.nexuslink.protocol.DirectPush;
import org.nexuslink.protocol.DirectSend;
import org.nexuslink.protocol.Envelope;
import org.nexuslink.protocol.EnvelopeCodec;
import org.nexuslink.protocol.ErrorBody;
import org.nexuslink.protocol.MessageId;
import org.nexuslink.protocol.Seq;

/**
 * {@code nexuslink bench direct}: pairs of simulated devices (real identities, real join and
 * auth, real WebSockets) send direct messages of opaque bytes, as ciphertext would be, and the
 * receivers measure send-to-receive latency from a timestamp in the payload (same process, so
 * the same clock) and acknowledge each push, as a device does once it has stored a message.
 *
 * <p>The load generator is kept cheap because it shares the server's cores: a couple of NIO
 * threads carry every connection ({@link WsClient}); each sender's frame is encoded once and
 * only its message id and timestamp are patched in place before each send; latencies go into
 * an HdrHistogram. Senders keep a window of unacknowledged sends, refilled from the ack itself,
 * or a pacer thread offers a fixed total rate.
 */
public final class DirectLoad {
    static final int WINDOW = 64;
    private static final EnvelopeCodec CODEC = new EnvelopeCodec();

    private final URI server;
    private final Optional<URI> senderServer;
    private final int devices;
    private final Duration duration;
    private final Duration warmup;
    private final int rate;
    private final int size;
    private final int threads;
    private final LongConsumer progress;

    public DirectLoad(
            URI server, int devices, Duration duration, int rate, int size, int threads, LongConsumer progress) {
        this(server, devices, Duration.ZERO, duration, rate, size, threads, progress);
    }

    public DirectLoad(
            URI server,
            int devices,
            Duration warmup,
            Duration duration,
            int rate,
            int size,
            int threads,
            LongConsumer progress) {
        this(server, Optional.empty(), devices, warmup, duration, rate, size, threads, progress);
    }

    /**
     * @param server where the devices join, and where the receivers connect
     * @param senderServer another node of the same cluster for the senders' WebSockets, so every
     *     message crosses nodes (through Redis); empty for {@code server}
     * @param devices simulated devices, half senders and half receivers (at least 2)
     * @param warmup how long to run the load before measuring: what is delivered meanwhile counts
     *     neither in the rate nor in the latencies (the generator's own JIT compilation, in its
     *     first seconds, would otherwise show as the server's latency); errors always count
     * @param duration how long to measure, after the warm-up
     * @param rate total messages per second to offer, or 0 for as fast as acknowledgements allow
     * @param size payload bytes per message (at least 16)
     * @param threads the load generator's selector threads
     * @param progress told the number delivered so far, about once a second
     */
    public DirectLoad(
            URI server,
            Optional<URI> senderServer,
            int devices,
            Duration warmup,
            Duration duration,
            int rate,
            int size,
            int threads,
            LongConsumer progress) {
        if (devices < 2 || size < 16 || size > WsClient.MAX_FRAME / 2) {
            throw new IllegalArgumentException("need at least 2 devices and payloads of 16 bytes to 512 KiB");
        }
        if (warmup.isNegative()) {
            throw new IllegalArgumentException("the warm-up must not be negative: " + warmup);
        }
        this.server = server;
        this.senderServer = Objects.requireNonNull(senderServer, "senderServer");
        this.devices = devices;
        this.warmup = warmup;
        this.duration = duration;
        this.rate = rate;
        this.size = size;
        this.threads = threads;
        this.progress = progress;
    }

    /** One sending device: its pre-encoded frame and where to patch it. */
    private final class Sender {
        final long index;
        final ByteBuffer frame;
        final int idAt;
        final int payloadAt;
        final AtomicInteger inFlight = new AtomicInteger();
        long seq;
        WsClient.Connection connection;

        Sender(long index, String to) {
            this.index = index;
            byte[] marker = new byte[16];
            java.util.Arrays.fill(marker, (byte) 0x5a);
            byte[] payload = new byte[size];
            java.util.Arrays.fill(payload, (byte) 0xa5);
            byte[] encoded = CODEC.encode(Envelope.of(
                    Command.SEND_DIRECT,
                    new Seq(1),
                    new DirectSend(Bytes.of(marker), List.of(new DirectSend.Copy(to, 1, 2, Bytes.of(payload))))));
            frame = WsClient.frame(encoded);
            int offset = WsClient.payloadOffset(encoded.length);
            idAt = offset + indexOf(encoded, marker);
            payloadAt = offset + indexOf(encoded, payload);
        }

        /** Patches in the next message id and the send time, and sends. */
        synchronized boolean sendNext() {
            seq++;
            frame.putLong(idAt, index).putLong(idAt + 8, seq);
            frame.putLong(payloadAt, System.nanoTime());
            frame.position(0);
            inFlight.incrementAndGet();
            return connection.send(frame);
        }
    }

    private static int indexOf(byte[] haystack, byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= haystack.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (haystack[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        throw new IllegalStateException("marker not found in the encoded frame");
    }

    public LoadReport run() throws Exception {
        int pairs = devices / 2;
        Fleet fleet = new Fleet(server, 0);
        List<Fleet.Member> members = fleet.join(pairs * 2, 8, n -> {});
        LongAdder delivered = new LongAdder();
        LongAdder acknowledged = new LongAdder();
        LongAdder errors = new LongAdder();
        Map<String, Long> errorCodes = new ConcurrentHashMap<>();
        Latencies latencies = new Latencies();
        long[] end = {Long.MAX_VALUE};
        List<Sender> senders = new ArrayList<>();
        for (int i = 0; i < pairs; i++) {
            senders.add(new Sender(i, members.get(2 * i).accountId()));
        }
        boolean windowed = rate <= 0;
        try (WsClient client = new WsClient(threads)) {
            URI senderSocket = senderServer
                    .map(node -> new CommunityApi(node).webSocketUri())
                    .orElse(fleet.webSocket());
            List<WsClient.Connection> connections = fleet.connect(
                    client,
                    members,
                    i -> i % 2 == 0
                            ? receiver(delivered, latencies)
                            : sender(senders.get(i / 2), acknowledged, errors, errorCodes, windowed, end),
                    64,
                    n -> {},
                    i -> i % 2 == 0 ? fleet.webSocket() : senderSocket);
            for (int i = 0; i < pairs; i++) {
                senders.get(i).connection = connections.get(2 * i + 1);
            }
            long start = System.nanoTime();
            long measured = start + warmup.toNanos();
            end[0] = measured + duration.toNanos();
            // What was sent, acknowledged and delivered when the warm-up ended (so with a warm-up
            // the three may differ by the messages then in flight); its latencies are dropped.
            long[] before = new long[3];
            Thread warm = Thread.ofPlatform().daemon().unstarted(() -> {
                try {
                    TimeUnit.NANOSECONDS.sleep(measured - System.nanoTime());
                } catch (InterruptedException e) {
                    return;
                }
                latencies.reset();
                before[0] = sent(senders);
                before[1] = acknowledged.sum();
                before[2] = delivered.sum();
            });
            if (!warmup.isZero()) {
                warm.start();
            }
            Thread reporter = Thread.ofPlatform().daemon().start(() -> {
                while (!Thread.currentThread().isInterrupted()) {
                    progress.accept(delivered.sum());
                    try {
                        TimeUnit.SECONDS.sleep(1);
                    } catch (InterruptedException e) {
                        return;
                    }
                }
            });
            long sent;
            if (windowed) {
                for (int w = 0; w < WINDOW; w++) {
                    for (Sender s : senders) {
                        s.sendNext();
                    }
                }
                TimeUnit.NANOSECONDS.sleep(end[0] - System.nanoTime());
            } else {
                pace(senders, start, end[0]);
            }
            double seconds = (System.nanoTime() - measured) / 1e9;
            if (!warmup.isZero()) {
                warm.join();
            }
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            // Both ends settle: a push can reach its receiver before the sender has read its ack.
            while ((delivered.sum() + errors.sum() < sent(senders) || acknowledged.sum() + errors.sum() < sent(senders))
                    && System.nanoTime() < deadline) {
                TimeUnit.MILLISECONDS.sleep(20);
            }
            sent = sent(senders);
            reporter.interrupt();
            progress.accept(delivered.sum());
            Map<String, Object> extra = new LinkedHashMap<>();
            extra.put("offered_per_second", rate > 0 ? rate : null);
            extra.put("size", size);
            extra.put("latency_max_ms", latencies.maxMillis());
            extra.put("warmup_seconds", warmup.toMillis() / 1000.0);
            return LoadReport.of(
                    "direct",
                    pairs * 2,
                    seconds,
                    sent - before[0],
                    acknowledged.sum() - before[1],
                    delivered.sum() - before[2],
                    errors.sum(),
                    errorCodes,
                    latencies,
                    extra);
        }
    }

    private static long sent(List<Sender> senders) {
        long total = 0;
        for (Sender s : senders) {
            synchronized (s) {
                total += s.seq;
            }
        }
        return total;
    }

    /** Offers {@link #rate} messages per second in total, round-robin over senders with room in their window. */
    private void pace(List<Sender> senders, long start, long end) throws InterruptedException {
        long offered = 0;
        int next = 0;
        while (true) {
            long now = System.nanoTime();
            if (now >= end) {
                return;
            }
            long due = (long) ((now - start) / 1e9 * rate);
            int skipped = 0;
            while (offered < due && skipped < senders.size()) {
                Sender s = senders.get(next);
                next = (next + 1) % senders.size();
                if (s.inFlight.get() >= WINDOW) {
                    skipped++;
                    continue;
                }
                s.sendNext();
                offered++;
                skipped = 0;
            }
            if (offered < due) {
                offered = due; // every window is full: the server is saturated; do not build a backlog
            }
            TimeUnit.MICROSECONDS.sleep(200);
        }
    }

    private static WsClient.Listener receiver(LongAdder delivered, Latencies latencies) {
        return (connection, payload) -> {
            byte[] bytes = new byte[payload.remaining()];
            payload.get(bytes);
            if (CODEC.decode(bytes).body() instanceof DirectPush push) {
                latencies.recordSince(
                        ByteBuffer.wrap(push.ciphertext().toByteArray(), 0, 8).getLong());
                delivered.increment();
                connection.send(WsClient.frame(CODEC.encode(Envelope.of(
                        Command.ACK,
                        new Seq(1),
                        new Ack(Optional.of(new MessageId(push.entry())), Optional.empty())))));
            }
        };
    }

    private static WsClient.Listener sender(
            Sender sender,
            LongAdder acknowledged,
            LongAdder errors,
            Map<String, Long> errorCodes,
            boolean windowed,
            long[] end) {
        return (connection, payload) -> {
            byte[] bytes = new byte[payload.remaining()];
            payload.get(bytes);
            switch (CODEC.decode(bytes).body()) {
                case Ack ack -> acknowledged.increment();
                case ErrorBody error -> {
                    errorCodes.merge(error.code(), 1L, Long::sum);
                    errors.increment();
                }
                default -> {
                    return;
                }
            }
            sender.inFlight.decrementAndGet();
            if (windowed && System.nanoTime() < end[0]) {
                sender.sendNext();
            }
        };
    }
}
