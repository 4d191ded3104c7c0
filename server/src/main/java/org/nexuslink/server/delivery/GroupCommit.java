// SPDX-License-Identifier: AGPL-3.0-or-later
package org.nexuslink.server.delivery;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.nexuslink.protocol.ErrorCode;
import org.nexuslink.server.auth.Principal;
import org.nexuslink.server.http.ApiException;
import org.nexuslink.server.ops.MetricName;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes queue entries for many senders in one transaction: a single writer takes whatever
 * requests are waiting (up to {@link #MAX_BATCH}) and commits them together, so the cost of the
 * durable commit (an fsync) is shared instead of paid per message. A sender's future completes
 * only after its entries are committed, so an acknowledgement always follows durability.
 *
 * <p>If a batch fails (e.g. a device was removed between validation and commit), each request
 * of the batch is retried in a transaction of its own so one bad request fails alone.
 * Thread-safe; owns its writer thread and the thread that completes committed requests.
 */
final class GroupCommit implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(GroupCommit.class);
    static final int MAX_BATCH = 512;

    /** Work for the writer: store a message's entries, or delete an acknowledged entry. */
    private sealed interface Request {
        void fail(Throwable failure);
    }

    private static final class Insert implements Request {
        final List<QueueEntry> entries;
        final CompletableFuture<List<QueueEntry>> done = new CompletableFuture<>();

        Insert(List<QueueEntry> entries) {
            this.entries = List.copyOf(entries);
        }

        @Override
        public void fail(Throwable failure) {
            done.completeExceptionally(failure);
        }
    }

    private static final class Delete implements Request {
        final DeliveryQueueStore.Acknowledged ack;
        final CompletableFuture<Boolean> done = new CompletableFuture<>();

        Delete(org.nexuslink.server.auth.Principal device, long entry) {
            this.ack = new DeliveryQueueStore.Acknowledged(device, entry);
        }

        @Override
        public void fail(Throwable failure) {
            done.completeExceptionally(failure);
        }
    }

    private final DeliveryQueueStore store;
    private final BlockingQueue<Request> waiting = new LinkedBlockingQueue<>();
    private final Thread writer;
    /**
     * Runs the committed requests' completions (the sender's ack, the live pushes) in commit
     * order, so the writer starts the next transaction at once instead of waking event loops,
     * which would otherwise take most of its time.
     */
    private final ExecutorService completer = Executors.newSingleThreadExecutor(
            r -> Thread.ofPlatform().name("queue-complete").daemon(true).unstarted(r));
    /** How long each batch's transaction took, from its first statement to its commit. */
    private final Timer commits;

    private volatile boolean open = true;

    GroupCommit(DeliveryQueueStore store, MeterRegistry meters) {
        this.store = Objects.requireNonNull(store, "store");
        this.commits = Timer.builder(MetricName.MESSAGE_QUEUE_COMMIT.meterName())
                .description("Time to write and commit one batch of queue entries and acknowledgements")
                .serviceLevelObjectives(
                        Duration.ofMillis(1),
                        Duration.ofMillis(2),
                        Duration.ofMillis(5),
                        Duration.ofMillis(10),
                        Duration.ofMillis(20),
                        Duration.ofMillis(50),
                        Duration.ofMillis(100),
                        Duration.ofMillis(250),
                        Duration.ofSeconds(1))
                .register(Objects.requireNonNull(meters, "meters"));
        this.writer = Thread.ofPlatform().name("queue-writer").daemon().start(this::run);
    }

    /** Stores entries durably; the future completes with the stored entries after the commit. */
    CompletableFuture<List<QueueEntry>> submit(List<QueueEntry> entries) {
        Insert insert = new Insert(entries);
        enqueue(insert);
        return insert.done;
    }

    /**
     * Deletes an acknowledged entry of a device, batched like inserts (an acknowledgement per
     * delivered message would otherwise cost a commit of its own); completes with whether it existed.
     */
    CompletableFuture<Boolean> acknowledge(org.nexuslink.server.auth.Principal device, long entry) {
        Delete delete = new Delete(device, entry);
        enqueue(delete);
        return delete.done;
    }

    private void enqueue(Request request) {
        if (!open) {
            request.fail(new IllegalStateException("the delivery queue is closed"));
            return;
        }
        waiting.add(request);
    }

    private void run() {
        List<Request> batch = new ArrayList<>(MAX_BATCH);
        while (open || !waiting.isEmpty()) {
            try {
                Request first = waiting.poll(100, TimeUnit.MILLISECONDS);
                if (first == null) {
                    continue;
                }
                batch.add(first);
                waiting.drainTo(batch, MAX_BATCH - 1);
                commit(batch);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } finally {
                batch.clear();
            }
        }
    }

    private void commit(List<Request> batch) {
        try {
            long started = System.nanoTime();
            Runnable complete = apply(batch);
            commits.record(System.nanoTime() - started, TimeUnit.NANOSECONDS);
            completer.execute(complete);
        } catch (RuntimeException batchFailure) {
            if (batch.size() == 1) {
                Request only = batch.get(0);
                completer.execute(() -> only.fail(batchFailure));
                return;
            }
            log.atDebug()
                    .addKeyValue("size", batch.size())
                    .addKeyValue("error", batchFailure.toString())
                    .log("queue batch failed; retrying its requests one by one");
            for (Request request : batch) {
                try {
                    completer.execute(apply(List.of(request)));
                } catch (RuntimeException e) {
                    completer.execute(() -> request.fail(e));
                }
            }
        }
    }

    /**
     * Writes and commits a batch: every insert's entries and every acknowledgement in one write.
     *
     * @return completes the requests' futures; to run only after the commit
     */
    private Runnable apply(List<Request> batch) {
        List<Insert> inserts = new ArrayList<>();
        List<Delete> deletes = new ArrayList<>();
        List<QueueEntry> entries = new ArrayList<>();
        List<Integer> messages = new ArrayList<>();
        List<DeliveryQueueStore.Acknowledged> acks = new ArrayList<>();
        for (Request request : batch) {
            switch (request) {
                case Insert insert -> {
                    for (int i = 0; i < insert.entries.size(); i++) {
                        messages.add(inserts.size());
                    }
                    inserts.add(insert);
                    entries.addAll(insert.entries);
                }
                case Delete delete -> {
                    deletes.add(delete);
                    acks.add(delete.ack);
                }
            }
        }
        DeliveryQueueStore.Written written = store.write(
                entries, messages.stream().mapToInt(Integer::intValue).toArray(), acks);
        List<QueueEntry> stored = written.stored();
        boolean[] deleted = written.deleted();
        Map<Integer, Principal> full = written.full();
        return () -> {
            // stored is the entries in order, minus those already queued or refused: walk both lists together.
            int next = 0;
            for (int m = 0; m < inserts.size(); m++) {
                Insert insert = inserts.get(m);
                Principal fullDevice = full.get(m);
                if (fullDevice != null) {
                    insert.done.completeExceptionally(new ApiException(
                            ErrorCode.RECIPIENT_QUEUE_FULL,
                            "the queue of device " + fullDevice.account() + ":"
                                    + fullDevice.device().value() + " is full; nothing was stored"));
                    continue;
                }
                List<QueueEntry> mine = new ArrayList<>(insert.entries.size());
                for (QueueEntry wanted : insert.entries) {
                    if (next < stored.size() && sameCopy(stored.get(next), wanted)) {
                        mine.add(stored.get(next++));
                    }
                }
                insert.done.complete(mine);
            }
            for (int i = 0; i < deletes.size(); i++) {
                deletes.get(i).done.complete(deleted[i]);
            }
        };
    }

    private static boolean sameCopy(QueueEntry a, QueueEntry b) {
        return a.messageId().equals(b.messageId()) && a.recipient().equals(b.recipient());
    }

    @Override
    public void close() {
        open = false;
        try {
            writer.join(TimeUnit.SECONDS.toMillis(10));
            completer.shutdown();
            completer.awaitTermination(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        Request left;
        while ((left = waiting.poll()) != null) {
            left.fail(new IllegalStateException("the delivery queue is closed"));
        }
    }
}
