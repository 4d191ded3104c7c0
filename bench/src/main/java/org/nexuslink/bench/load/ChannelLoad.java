// SPDX-License-Identifier: AGPL-3.0-or-later
package org.nexuslink.bench.load;

import java.net.URI;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.LongConsumer;
import org.nexuslink.protocol.Ack;
import org.nexuslink.protocol.Bytes;
import org.nexuslink.protocol.Command;
import org.nexuslink.protocol.ConversationId;
import org.nexuslink.protocol.Envelope;
import org.nexuslink.protocol.EnvelopeCodec;
import org.nexuslink.protocol.ErrorBody;
import org.nexuslink.protocol.Event;
import org.nexuslink.protocol.Kind;
import org.nexuslink.protocol.Seq;

/**
 * {@code nexuslink bench channel}: {@code devices} members (real identities, join, auth and
 * WebSockets) are connected; one of them sends text events of opaque bytes to a channel everyone
 * may read and write, one at a time, and every connected device (the sender's own included, as
 * the server pushes to it too) records when the event reached it. Per event it measures the
 * fan-out time, from the send to the last device's receipt; overall, deliveries per second and
 * the send-to-receive latency of every delivery. Each push is acknowledged, as the protocol asks.
 *
 * <p>The channel must exist and allow members to write (a default {@code text} channel does):
 * create it with {@code nexuslink admin --local --data-dir DIR channels create bench}.
 */
public final class ChannelLoad {
    private static final EnvelopeCodec CODEC = new EnvelopeCodec();
    /** How long to wait for one event to reach everyone before giving up on it. */
    private static final Duration FAN_OUT_TIMEOUT = Duration.ofSeconds(30);

    private final URI server;
    private final UUID channel;
    private final int devices;
    private final Duration duration;
    private final int rate;
    private final int size;
    private final int threads;
    private final int sourceAddresses;
    private final LongConsumer progress;

    /**
     * @param rate events per second to send; 0 sends the next as soon as the previous reached everyone
     * @param sourceAddresses spread connections over 127.0.0.1 .. 127.0.0.k (0: the system's choice)
     */
    public ChannelLoad(
            URI server,
            UUID channel,
            int devices,
            Duration duration,
            int rate,
            int size,
            int threads,
            int sourceAddresses,
            LongConsumer progress) {
        if (devices < 1 || size < 16 || size > WsClient.MAX_FRAME / 2) {
            throw new IllegalArgumentException("need at least 1 device and payloads of 16 bytes to 512 KiB");
        }
        this.server = server;
        this.channel = channel;
        this.devices = devices;
        this.duration = duration;
        this.rate = rate;
        this.size = size;
        this.threads = threads;
        this.sourceAddresses = sourceAddresses;
        this.progress = progress;
    }

    /** Receipts of one event: how many devices have it, and when the last one got it. */
    private record Receipts(AtomicInteger count, AtomicLong last) {}

    public LoadReport run() throws Exception {
        Fleet fleet = new Fleet(server, sourceAddresses);
        List<Fleet.Member> members = fleet.join(devices, 8, n -> {});
        LongAdder delivered = new LongAdder();
        LongAdder errors = new LongAdder();
        LongAdder acknowledged = new LongAdder();
        Map<String, Long> errorCodes = new ConcurrentHashMap<>();
        Latencies latencies = new Latencies();
        Latencies fanOut = new Latencies();
        Map<Long, Receipts> receipts = new ConcurrentHashMap<>();
        ConversationId cid = ConversationId.of(channel);
        try (WsClient client = new WsClient(threads)) {
            WsClient.Listener listener = (connection, payload) -> {
                byte[] bytes = new byte[payload.remaining()];
                payload.get(bytes);
                Envelope envelope = CODEC.decode(bytes);
                switch (envelope.body()) {
                    case Event event
                    when envelope.command() == Command.EVENT_PUSH -> {
                        ByteBuffer data = ByteBuffer.wrap(event.data().toByteArray());
                        long sentAt = data.getLong(0);
                        latencies.recordSince(sentAt);
                        delivered.increment();
                        Receipts r = receipts.get(data.getLong(8));
                        if (r != null) {
                            r.last().accumulateAndGet(System.nanoTime(), Math::max);
                            r.count().incrementAndGet();
                        }
                        connection.send(
                                WsClient.frame(CODEC.encode(Envelope.of(Command.ACK, envelope.seq(), Ack.EMPTY))));
                    }
                    case Ack ack -> acknowledged.increment();
                    case ErrorBody error -> {
                        errorCodes.merge(error.code(), 1L, Long::sum);
                        errors.increment();
                    }
                    default -> {}
                }
            };
            List<WsClient.Connection> connections = fleet.connect(client, members, i -> listener, 256, n -> {});
            WsClient.Connection sender = connections.get(0);
            long start = System.nanoTime();
            long end = start + duration.toNanos();
            long interval = rate > 0 ? (long) (1e9 / rate) : 0;
            long sent = 0;
            long incomplete = 0;
            byte[] data = new byte[size];
            while (System.nanoTime() < end) {
                long index = sent + 1;
                Receipts r = new Receipts(new AtomicInteger(), new AtomicLong());
                receipts.put(index, r);
                long sentAt = System.nanoTime();
                ByteBuffer.wrap(data).putLong(0, sentAt).putLong(8, index);
                sender.send(WsClient.frame(CODEC.encode(
                        Envelope.of(Command.SEND_EVENT, new Seq(index), Event.of(cid, Kind.TEXT, Bytes.of(data))))));
                sent++;
                if (interval > 0) {
                    long wait = sentAt + interval - System.nanoTime();
                    if (wait > 0) {
                        TimeUnit.NANOSECONDS.sleep(wait);
                    }
                    continue;
                }
                long deadline = sentAt + FAN_OUT_TIMEOUT.toNanos();
                while (r.count().get() < devices && errors.sum() == 0 && System.nanoTime() < deadline) {
                    Thread.onSpinWait();
                    TimeUnit.MICROSECONDS.sleep(50);
                }
                if (r.count().get() < devices) {
                    incomplete++;
                    if (errors.sum() > 0) {
                        break;
                    }
                } else {
                    fanOut.recordMicros((r.last().get() - sentAt) / 1000);
                }
                receipts.remove(index);
                progress.accept(delivered.sum());
            }
            double seconds = (System.nanoTime() - start) / 1e9;
            long deadline = System.nanoTime() + FAN_OUT_TIMEOUT.toNanos();
            while (delivered.sum() < sent * devices && errors.sum() == 0 && System.nanoTime() < deadline) {
                TimeUnit.MILLISECONDS.sleep(20);
            }
            if (interval > 0) {
                for (Receipts r : receipts.values()) {
                    if (r.count().get() < devices) {
                        incomplete++;
                    }
                }
            }
            Map<String, Object> extra = new LinkedHashMap<>();
            extra.put("channel", channel.toString());
            extra.put("members_connected", connections.size());
            extra.put("events_sent", sent);
            extra.put("events_not_delivered_to_all", incomplete);
            extra.put("fan_out_p50_ms", fanOut.percentileMillis(50));
            extra.put("fan_out_p99_ms", fanOut.percentileMillis(99));
            extra.put("fan_out_max_ms", fanOut.maxMillis());
            return LoadReport.of(
                    "channel",
                    devices,
                    seconds,
                    sent,
                    acknowledged.sum(),
                    delivered.sum(),
                    errors.sum(),
                    errorCodes,
                    latencies,
                    extra);
        }
    }
}
