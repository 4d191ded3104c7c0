// SPDX-License-Identifier: AGPL-3.0-or-later
package org.nexuslink.bench.load;

import java.net.URI;
import java.net.http.HttpClient;
import java.nio.ByteBuffer;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.LongConsumer;
import org.nexuslink.client.community.CommunityApi;
import org.nexuslink.client.community.EnvelopeSocket;
import org.nexuslink.crypto.identity.AccountIdentity;
import org.nexuslink.crypto.identity.DeviceCertificate;
import org.nexuslink.crypto.identity.DeviceId;
import org.nexuslink.crypto.identity.DeviceKeyPair;
import org.nexuslink.protocol.Ack;
import org.nexuslink.protocol.Bytes;
import org.nexuslink.protocol.Command;
import org.nexuslink.protocol.DirectPush;
import org.nexuslink.protocol.DirectSend;
import org.nexuslink.protocol.Envelope;
import org.nexuslink.protocol.ErrorBody;
import org.nexuslink.protocol.MessageId;
import org.nexuslink.protocol.Seq;

/**
 * {@code nexuslink bench direct}: pairs of simulated devices (real identities, real join and
 * auth, real WebSockets) send direct messages of opaque bytes, as ciphertext would be, and the
 * receivers measure send-to-receive latency from a timestamp in the payload (same process, so
 * the same clock). Senders keep a bounded window of unacknowledged sends, or pace themselves to
 * a target rate.
 */
public final class DirectLoad {
    private static final int WINDOW = 64;

    private final CommunityApi api;
    private final int devices;
    private final Duration duration;
    private final int rate;
    private final int size;
    private final LongConsumer progress;

    /**
     * @param devices simulated devices, half senders and half receivers (at least 2)
     * @param rate total messages per second to offer, or 0 for as fast as acknowledgements allow
     * @param size payload bytes per message (at least 16)
     * @param progress told the number delivered so far, about once a second
     */
    public DirectLoad(URI server, int devices, Duration duration, int rate, int size, LongConsumer progress) {
        if (devices < 2 || size < 16) {
            throw new IllegalArgumentException("need at least 2 devices and 16-byte payloads");
        }
        this.api = new CommunityApi(server);
        this.devices = devices;
        this.duration = duration;
        this.rate = rate;
        this.size = size;
        this.progress = progress;
    }

    private record Device(String accountId, EnvelopeSocket socket, Semaphore window, List<Long> latencies) {}

    public LoadReport run() throws Exception {
        int pairs = devices / 2;
        HttpClient http = HttpClient.newHttpClient();
        LongAdder delivered = new LongAdder();
        LongAdder acknowledged = new LongAdder();
        LongAdder errors = new LongAdder();
        Map<String, Long> errorCodes = new ConcurrentHashMap<>();
        List<Device> senders = new ArrayList<>();
        List<Device> receivers = new ArrayList<>();
        for (int i = 0; i < pairs; i++) {
            receivers.add(connect(http, delivered, acknowledged, errors, errorCodes));
            senders.add(connect(http, delivered, acknowledged, errors, errorCodes));
        }
        AtomicLong sent = new AtomicLong();
        long start = System.nanoTime();
        long end = start + duration.toNanos();
        List<Thread> threads = new ArrayList<>();
        for (int i = 0; i < pairs; i++) {
            Device from = senders.get(i);
            String to = receivers.get(i).accountId();
            double perSender = rate > 0 ? (double) rate / pairs : 0;
            threads.add(Thread.ofVirtual().start(() -> send(from, to, end, perSender, sent, errors)));
        }
        Thread reporter = Thread.ofVirtual().start(() -> {
            while (!Thread.currentThread().isInterrupted()) {
                progress.accept(delivered.sum());
                try {
                    TimeUnit.SECONDS.sleep(1);
                } catch (InterruptedException e) {
                    return;
                }
            }
        });
        for (Thread t : threads) {
            t.join();
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (delivered.sum() < acknowledged.sum() && System.nanoTime() < deadline) {
            TimeUnit.MILLISECONDS.sleep(20);
        }
        reporter.interrupt();
        progress.accept(delivered.sum());
        List<Long> all = new ArrayList<>();
        for (Device r : receivers) {
            synchronized (r.latencies()) {
                all.addAll(r.latencies());
            }
        }
        for (Device d : senders) {
            d.socket().close();
        }
        for (Device d : receivers) {
            d.socket().close();
        }
        return LoadReport.of("direct", devices, seconds, sent.get(), acknowledged.sum(), delivered.sum(), errors.sum(),
                errorCodes, all.stream().mapToLong(Long::longValue).toArray());
    }

    private void send(Device from, String to, long end, double perSecond, AtomicLong sent, LongAdder errors) {
        byte[] payload = new byte[size];
        long seq = 0;
        long next = System.nanoTime();
        long interval = perSecond > 0 ? (long) (1e9 / perSecond) : 0;
        while (System.nanoTime() < end) {
            if (interval > 0) {
                long wait = next - System.nanoTime();
                if (wait > 0) {
                    try {
                        TimeUnit.NANOSECONDS.sleep(wait);
                    } catch (InterruptedException e) {
                        return;
                    }
                }
                next += interval;
            }
            try {
                if (!from.window().tryAcquire(1, TimeUnit.SECONDS)) {
                    continue;
                }
            } catch (InterruptedException e) {
                return;
            }
            seq++;
            ByteBuffer.wrap(payload).putLong(0, System.nanoTime()).putLong(8, seq);
            byte[] id = ByteBuffer.allocate(16).putLong(from.accountId().hashCode()).putLong(seq).array();
            Envelope message = Envelope.of(Command.SEND_DIRECT, new Seq(seq), new DirectSend(Bytes.of(id),
                    List.of(new DirectSend.Copy(to, 1, 2, Bytes.of(payload)))));
            try {
                from.socket().send(message).join();
                sent.incrementAndGet();
            } catch (RuntimeException e) {
                errors.increment();
                return;
            }
        }
    }

    private Device connect(HttpClient http, LongAdder delivered, LongAdder acknowledged, LongAdder errors,
                           Map<String, Long> errorCodes) throws Exception {
        AccountIdentity identity = AccountIdentity.generate();
        DeviceKeyPair keys = DeviceKeyPair.generate();
        DeviceCertificate certificate = identity.certify(new DeviceId(1), keys.publicKey(),
                Clock.systemUTC().instant().minusSeconds(60), Optional.empty());
        CommunityApi.Session session = api.join(identity, keys, certificate, "");
        Semaphore window = new Semaphore(WINDOW);
        List<Long> latencies = new ArrayList<>();
        EnvelopeSocket[] self = new EnvelopeSocket[1];
        EnvelopeSocket socket = EnvelopeSocket.connect(http, api.webSocketUri(), session.token(), envelope -> {
            switch (envelope.body()) {
                case DirectPush push -> {
                    long sentAt = ByteBuffer.wrap(push.ciphertext().toByteArray()).getLong(0);
                    synchronized (latencies) {
                        latencies.add((System.nanoTime() - sentAt) / 1000);
                    }
                    delivered.increment();
                    self[0].send(Envelope.of(Command.ACK, new Seq(1),
                            new Ack(Optional.of(new MessageId(push.entry())), Optional.empty())));
                }
                case Ack ack -> {
                    acknowledged.increment();
                    window.release();
                }
                case ErrorBody error -> {
                    errors.increment();
                    errorCodes.merge(error.code(), 1L, Long::sum);
                    window.release();
                }
                default -> { }
            }
        });
        self[0] = socket;
        return new Device(session.accountId(), socket, window, latencies);
    }
}
