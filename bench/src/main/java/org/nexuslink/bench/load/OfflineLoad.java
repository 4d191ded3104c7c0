// SPDX-License-Identifier: AGPL-3.0-or-later
package org.nexuslink.bench.load;

import java.net.URI;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Consumer;
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
 * {@code nexuslink bench offline}: {@code senders} devices send {@code messages} direct messages
 * in total to one device that is joined but not connected, as fast as their acknowledgements come
 * back (the ack follows the durable commit, so this is the store rate); then that device connects
 * and the time until its last queued message arrives is the drain time. It acknowledges every
 * push, as a device does, so the queue empties.
 */
public final class OfflineLoad {
    private static final EnvelopeCodec CODEC = new EnvelopeCodec();
    private static final int WINDOW = 256;

    private final URI server;
    private final int senders;
    private final int messages;
    private final int size;
    private final int threads;
    private final Consumer<String> progress;

    public OfflineLoad(URI server, int senders, int messages, int size, int threads, Consumer<String> progress) {
        if (senders < 1 || messages < 1 || size < 16 || size > WsClient.MAX_FRAME / 2) {
            throw new IllegalArgumentException("need at least 1 sender, 1 message and payloads of 16 bytes to 512 KiB");
        }
        this.server = server;
        this.senders = senders;
        this.messages = messages;
        this.size = size;
        this.threads = threads;
        this.progress = progress;
    }

    public LoadReport run() throws Exception {
        Fleet fleet = new Fleet(server, 0);
        List<Fleet.Member> members = fleet.join(senders + 1, 8, n -> {});
        Fleet.Member offline = members.get(0);
        List<Fleet.Member> sending = members.subList(1, members.size());
        LongAdder errors = new LongAdder();
        Map<String, Long> errorCodes = new ConcurrentHashMap<>();
        AtomicInteger remaining = new AtomicInteger(messages);
        CountDownLatch stored = new CountDownLatch(messages);
        AtomicLong storedCount = new AtomicLong();
        byte[] payload = new byte[size];
        try (WsClient client = new WsClient(threads)) {
            List<long[]> seqs = new ArrayList<>();
            List<WsClient.Connection> connections = fleet.connect(
                    client,
                    sending,
                    i -> {
                        long[] seq = new long[1];
                        seqs.add(seq);
                        return (connection, frame) -> {
                            byte[] bytes = new byte[frame.remaining()];
                            frame.get(bytes);
                            switch (CODEC.decode(bytes).body()) {
                                case Ack ack -> storedCount.incrementAndGet();
                                case ErrorBody error -> {
                                    errorCodes.merge(error.code(), 1L, Long::sum);
                                    errors.increment();
                                }
                                default -> {
                                    return;
                                }
                            }
                            stored.countDown();
                            sendOne(connection, i, seq, offline.accountId(), payload, remaining);
                        };
                    },
                    64,
                    n -> {});
            long start = System.nanoTime();
            for (int i = 0; i < connections.size(); i++) {
                for (int w = 0; w < WINDOW; w++) {
                    sendOne(connections.get(i), i, seqs.get(i), offline.accountId(), payload, remaining);
                }
            }
            if (!stored.await(120, TimeUnit.SECONDS)) {
                throw new IllegalStateException(
                        "only " + storedCount.get() + " of " + messages + " messages were acknowledged within 120 s");
            }
            double storeSeconds = (System.nanoTime() - start) / 1e9;
            progress.accept(
                    "stored " + storedCount.get() + " in " + storeSeconds + " s; connecting the offline device");
            for (WsClient.Connection c : connections) {
                c.close();
            }
            Latencies latencies = new Latencies();
            LongAdder delivered = new LongAdder();
            CountDownLatch drained = new CountDownLatch((int) storedCount.get());
            AtomicLong lastAt = new AtomicLong();
            long connectAt = System.nanoTime();
            WsClient.Connection receiver = fleet.connect(
                            client,
                            List.of(offline),
                            i -> (connection, frame) -> {
                                byte[] bytes = new byte[frame.remaining()];
                                frame.get(bytes);
                                if (CODEC.decode(bytes).body() instanceof DirectPush push) {
                                    latencies.recordSince(
                                            ByteBuffer.wrap(push.ciphertext().toByteArray(), 0, 8)
                                                    .getLong());
                                    delivered.increment();
                                    lastAt.set(System.nanoTime());
                                    connection.send(WsClient.frame(CODEC.encode(Envelope.of(
                                            Command.ACK,
                                            new Seq(1),
                                            new Ack(Optional.of(new MessageId(push.entry())), Optional.empty())))));
                                    drained.countDown();
                                }
                            },
                            1,
                            n -> {})
                    .get(0);
            boolean complete = drained.await(60, TimeUnit.SECONDS);
            double drainSeconds = ((complete ? lastAt.get() : System.nanoTime()) - connectAt) / 1e9;
            receiver.close();
            Map<String, Object> extra = new LinkedHashMap<>();
            extra.put("senders", senders);
            extra.put("size", size);
            extra.put("stored", storedCount.get());
            extra.put("store_seconds", storeSeconds);
            extra.put("stored_per_second", storedCount.get() / storeSeconds);
            extra.put("drain_seconds", drainSeconds);
            extra.put("drained_per_second", delivered.sum() / drainSeconds);
            return LoadReport.of(
                    "offline",
                    senders + 1,
                    storeSeconds + drainSeconds,
                    messages,
                    storedCount.get(),
                    delivered.sum(),
                    errors.sum(),
                    errorCodes,
                    latencies,
                    extra);
        }
    }

    /** Sends the next message if any are left to send. */
    private static void sendOne(
            WsClient.Connection connection,
            int sender,
            long[] seq,
            String to,
            byte[] template,
            AtomicInteger remaining) {
        if (remaining.getAndDecrement() <= 0) {
            return;
        }
        synchronized (connection) { // the first window goes out from the main thread, the rest from acks
            seq[0]++;
            byte[] payload = template.clone();
            ByteBuffer.wrap(payload).putLong(0, System.nanoTime());
            byte[] id = ByteBuffer.allocate(16).putLong(sender).putLong(seq[0]).array();
            connection.send(WsClient.frame(CODEC.encode(Envelope.of(
                    Command.SEND_DIRECT,
                    new Seq(seq[0]),
                    new DirectSend(Bytes.of(id), List.of(new DirectSend.Copy(to, 1, 2, Bytes.of(payload))))))));
        }
    }
}
