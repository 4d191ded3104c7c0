// SPDX-License-Identifier: AGPL-3.0-or-later
package org.nexuslink.server.delivery;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.nexuslink.server.storage.Database;
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
 * Thread-safe; owns its writer thread.
 */
final class GroupCommit implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(GroupCommit.class);
    static final int MAX_BATCH = 512;

    private record Request(List<QueueEntry> entries, CompletableFuture<List<QueueEntry>> done) {}

    private final Database database;
    private final DeliveryQueueStore store;
    private final BlockingQueue<Request> waiting = new LinkedBlockingQueue<>();
    private final Thread writer;
    private volatile boolean open = true;

    GroupCommit(Database database, DeliveryQueueStore store) {
        this.database = Objects.requireNonNull(database, "database");
        this.store = Objects.requireNonNull(store, "store");
        this.writer = Thread.ofPlatform().name("queue-writer").daemon().start(this::run);
    }

    /** Stores entries durably; the future completes with the stored entries after the commit. */
    CompletableFuture<List<QueueEntry>> submit(List<QueueEntry> entries) {
        CompletableFuture<List<QueueEntry>> done = new CompletableFuture<>();
        if (!open) {
            done.completeExceptionally(new IllegalStateException("the delivery queue is closed"));
            return done;
        }
        waiting.add(new Request(List.copyOf(entries), done));
        return done;
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
            List<List<QueueEntry>> stored = database.inTransaction(h -> {
                List<List<QueueEntry>> results = new ArrayList<>(batch.size());
                for (Request request : batch) {
                    results.add(store.insert(h, request.entries()));
                }
                return results;
            });
            for (int i = 0; i < batch.size(); i++) {
                batch.get(i).done().complete(stored.get(i));
            }
        } catch (RuntimeException batchFailure) {
            if (batch.size() == 1) {
                batch.get(0).done().completeExceptionally(batchFailure);
                return;
            }
            log.atDebug().addKeyValue("size", batch.size()).addKeyValue("error", batchFailure.toString())
                    .log("queue batch failed; retrying its requests one by one");
            for (Request request : batch) {
                try {
                    request.done().complete(database.inTransaction(h -> store.insert(h, request.entries())));
                } catch (RuntimeException e) {
                    request.done().completeExceptionally(e);
                }
            }
        }
    }

    @Override
    public void close() {
        open = false;
        try {
            writer.join(TimeUnit.SECONDS.toMillis(10));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        Request left;
        while ((left = waiting.poll()) != null) {
            left.done().completeExceptionally(new IllegalStateException("the delivery queue is closed"));
        }
    }
}
