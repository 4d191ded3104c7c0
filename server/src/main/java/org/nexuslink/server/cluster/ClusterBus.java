// SPDX-License-Identifier: AGPL-3.0-or-later
package org.nexuslink.server.cluster;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.UUID;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.nexuslink.server.ops.MetricName;
import org.nexuslink.server.redis.RedisConnection;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import redis.clients.jedis.AbstractPipeline;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.JedisPubSub;

/**
 * Cross-node fan-out over Redis pub/sub: the nodes sharing one PostgreSQL database publish what
 * they pushed to their own connections on one channel, {@code <prefix>:fanout}, and each hands
 * the others' messages to its receiver (its own are skipped by node id).
 *
 * <p>Publishing never blocks the caller: messages wait in a bounded queue for the publisher
 * thread, which sends them in pipelined batches. While Redis is unreachable they are dropped
 * (and counted): what they announce is durable in the database, and remote devices get it when
 * the nodes resync or they reconnect. The subscriber thread holds a dedicated connection, pings
 * it every {@link #PING_EVERY}, reconnects with backoff when it breaks or stops answering, and
 * calls the resync hook ({@link Receiver#resync}) after every reconnect.
 *
 * <p>Metric {@code nexuslink_fanout_messages_total{direction=published|received|dropped}}.
 * Thread-safe; owns its two threads.
 */
public final class ClusterBus implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(ClusterBus.class);
    /** How many messages may wait for the publisher before new ones are dropped. */
    static final int QUEUE_CAPACITY = 100_000;

    private static final int BATCH = 1_000;
    static final Duration PING_EVERY = Duration.ofSeconds(1);
    private static final Duration SILENT_LIMIT = Duration.ofSeconds(3);
    private static final Duration MAX_BACKOFF = Duration.ofSeconds(2);
    static final Duration FIRST_SUBSCRIPTION = Duration.ofSeconds(2);

    /** What a node does with the others' messages. Called on the subscriber thread: return quickly. */
    public interface Receiver {
        void receive(FanOutMessage message);

        /** The subscription was (re)established after a break: messages may have been missed. */
        void resync();
    }

    private final RedisConnection redis;
    private final String channel;
    private final UUID node = UUID.randomUUID();
    private final BlockingQueue<FanOutMessage> outbox = new ArrayBlockingQueue<>(QUEUE_CAPACITY);
    private final Counter published;
    private final Counter received;
    private final Counter dropped;
    private final AtomicBoolean open = new AtomicBoolean(true);
    private final AtomicBoolean subscribed = new AtomicBoolean();
    private final AtomicBoolean publishing = new AtomicBoolean(true);
    /** Nanos of the last pong or message on the subscription. */
    private final AtomicLong lastHeard = new AtomicLong(System.nanoTime());
    /** Counted down when the first subscription is up or has failed. */
    private final java.util.concurrent.CountDownLatch firstAttempt = new java.util.concurrent.CountDownLatch(1);

    private final Thread publisher;
    private Thread subscriber;
    /** The subscription's connection and listener, replaced on each reconnect; guarded by {@code this}. */
    private Jedis subscription;

    private JedisPubSub listener;

    /**
     * @param prefix {@code redis.channel_prefix}
     */
    public ClusterBus(RedisConnection redis, String prefix, MeterRegistry meters) {
        this.redis = Objects.requireNonNull(redis, "redis");
        this.channel = Objects.requireNonNull(prefix, "prefix") + ":fanout";
        this.published = counter(meters, "published");
        this.received = counter(meters, "received");
        this.dropped = counter(meters, "dropped");
        this.publisher = Thread.ofPlatform().name("fanout-publisher").daemon().start(this::publishLoop);
    }

    private static Counter counter(MeterRegistry meters, String direction) {
        return Counter.builder(MetricName.FANOUT_MESSAGES.meterName())
                .description("Cross-node fan-out messages published, received from other nodes, or dropped")
                .tag("direction", direction)
                .register(meters);
    }

    /**
     * Starts receiving the other nodes' messages and waits (at most {@link #FIRST_SUBSCRIPTION})
     * until the first subscription is up or has failed, so a node that reports healthy hears the
     * others. Call once, after everything the receiver uses is built.
     */
    public void start(Receiver receiver) {
        Objects.requireNonNull(receiver, "receiver");
        subscriber = Thread.ofPlatform().name("fanout-subscriber").daemon().start(() -> subscribeLoop(receiver));
        try {
            firstAttempt.await(FIRST_SUBSCRIPTION.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Queues a message for the other nodes; never blocks. Dropped (and counted) when the queue is full. */
    public void publish(FanOutMessage message) {
        Objects.requireNonNull(message, "message");
        if (!outbox.offer(message)) {
            dropped.increment();
        }
    }

    /** Whether this node currently hears the others and reaches Redis (for {@code /health}). */
    public boolean isConnected() {
        return subscribed.get() && redis.ping();
    }

    private void publishLoop() {
        List<FanOutMessage> batch = new ArrayList<>(BATCH);
        Duration backoff = Duration.ofMillis(100);
        while (open.get() || !outbox.isEmpty()) {
            try {
                FanOutMessage first = outbox.poll(100, TimeUnit.MILLISECONDS);
                if (first == null) {
                    continue;
                }
                batch.add(first);
                outbox.drainTo(batch, BATCH - 1);
                try (AbstractPipeline pipeline = redis.client().pipelined()) {
                    for (FanOutMessage message : batch) {
                        pipeline.publish(channel, FanOutCodec.encode(node, message));
                    }
                    pipeline.sync();
                }
                published.increment(batch.size());
                if (publishing.compareAndSet(false, true)) {
                    log.atInfo().log("fan-out publishing again");
                }
                backoff = Duration.ofMillis(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (RuntimeException e) {
                // What they announce is in the database: remote devices get it on reconnect or catch-up.
                dropped.increment(batch.size());
                if (!open.get()) {
                    return;
                }
                if (publishing.compareAndSet(true, false)) {
                    log.atWarn()
                            .addKeyValue("error", e.toString())
                            .log(
                                    "fan-out publish failed; other nodes' devices get new messages when this node is back");
                }
                backoff = sleep(backoff);
            } finally {
                batch.clear();
            }
        }
    }

    private void subscribeLoop(Receiver receiver) {
        Duration backoff = Duration.ofMillis(100);
        boolean first = true;
        Thread watchdog = Thread.ofPlatform().name("fanout-watchdog").daemon().start(this::watch);
        try {
            while (open.get()) {
                boolean resync = !first;
                JedisPubSub pubsub = new JedisPubSub() {
                    @Override
                    public void onSubscribe(String name, int count) {
                        lastHeard.set(System.nanoTime());
                        subscribed.set(true);
                        firstAttempt.countDown();
                        log.atInfo().addKeyValue("channel", channel).log("fan-out subscribed");
                        if (resync) {
                            receiver.resync();
                        }
                    }

                    @Override
                    public void onMessage(String name, String text) {
                        lastHeard.set(System.nanoTime());
                        deliver(receiver, text);
                    }

                    @Override
                    public void onPong(String pattern) {
                        lastHeard.set(System.nanoTime());
                    }
                };
                try (Jedis jedis = redis.dedicated()) {
                    synchronized (this) {
                        subscription = jedis;
                        listener = pubsub;
                    }
                    jedis.subscribe(pubsub, channel);
                    backoff = Duration.ofMillis(100);
                } catch (RuntimeException e) {
                    if (open.get() && (subscribed.get() || first)) {
                        log.atWarn()
                                .addKeyValue("error", e.toString())
                                .log("fan-out subscription lost; this node delivers locally only until it returns");
                    }
                } finally {
                    subscribed.set(false);
                    first = false;
                    firstAttempt.countDown();
                }
                if (open.get()) {
                    backoff = sleep(backoff);
                }
            }
        } finally {
            watchdog.interrupt();
        }
    }

    private void deliver(Receiver receiver, String text) {
        FanOutCodec.Received message;
        try {
            message = FanOutCodec.decode(text);
        } catch (RuntimeException e) {
            log.atWarn().addKeyValue("error", e.getMessage()).log("fan-out message unreadable; ignored");
            return;
        }
        if (message.node().equals(node)) {
            return;
        }
        received.increment();
        try {
            receiver.receive(message.message());
        } catch (RuntimeException e) {
            log.atError().setCause(e).log("fan-out message failed");
        }
    }

    /** Pings the subscription; a connection that stays silent is cut so the subscriber reconnects. */
    private void watch() {
        while (open.get()) {
            try {
                Thread.sleep(PING_EVERY.toMillis());
            } catch (InterruptedException e) {
                return;
            }
            JedisPubSub pubsub;
            Jedis jedis;
            synchronized (this) {
                pubsub = listener;
                jedis = subscription;
            }
            if (pubsub == null || !subscribed.get()) {
                continue;
            }
            try {
                pubsub.ping();
            } catch (RuntimeException e) {
                log.atDebug().addKeyValue("error", e.toString()).log("fan-out ping failed");
            }
            if (System.nanoTime() - lastHeard.get() > SILENT_LIMIT.toNanos()) {
                log.atWarn().log("fan-out subscription silent; reconnecting");
                jedis.disconnect();
            }
        }
    }

    private Duration sleep(Duration backoff) {
        try {
            Thread.sleep(backoff.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        Duration next = backoff.multipliedBy(2);
        return next.compareTo(MAX_BACKOFF) > 0 ? MAX_BACKOFF : next;
    }

    @Override
    public void close() {
        if (!open.compareAndSet(true, false)) {
            return;
        }
        JedisPubSub pubsub;
        Jedis jedis;
        synchronized (this) {
            pubsub = listener;
            jedis = subscription;
        }
        try {
            if (pubsub != null && pubsub.isSubscribed()) {
                pubsub.unsubscribe();
            }
        } catch (RuntimeException e) {
            log.atDebug().addKeyValue("error", e.toString()).log("fan-out unsubscribe failed");
        }
        if (jedis != null) {
            jedis.disconnect();
        }
        join(publisher);
        if (subscriber != null) {
            join(subscriber);
        }
    }

    private static void join(Thread thread) {
        try {
            thread.join(Duration.ofSeconds(5));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
