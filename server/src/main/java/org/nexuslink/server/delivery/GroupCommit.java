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

    /** Work for the writer: store a message's entries, or delete an acknowledged entry. */
    private sealed interface Request {
        void apply(org.jdbi.v3.core.Handle h, DeliveryQueueStore store);

        void fail(Throwable failure);

        void complete();
    }

    private static final class Insert implements Request {
        final List<QueueEntry> entries;
        final CompletableFuture<List<QueueEntry>> done = new CompletableFuture<>();
        List<QueueEntry> stored = List.of();

        Insert(List<QueueEntry> entries) {
            this.entries = List.copyOf(entries);
        }

        @Override
        public void apply(org.jdbi.v3.core.Handle h, DeliveryQueueStore store) {
            stored = store.insert(h, entries);
        }

        @Override
        public void fail(Throwable failure) {
            done.completeExceptionally(failure);
        }

        @Override
        public void complete() {
            done.complete(stored);
        }
    }

    private static final class Delete implements Request {
        final org.nexuslink.server.auth.Principal device;
        final long entry;
        final CompletableFuture<Boolean> done = new CompletableFuture<>();
        boolean deleted;

        Delete(org.nexuslink.server.auth.Principal device, long entry) {
            this.device = device;
            this.entry = entry;
        }

        @Override
        public void apply(org.jdbi.v3.core.Handle h, DeliveryQueueStore store) {
            deleted = store.delete(h, device, entry);
        }

        @Override
        public void fail(Throwable failure) {
            done.completeExceptionally(failure);
        }

        @Override
        public void complete() {
            done.complete(deleted);
        }
    }

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
            database.inTransaction(h -> {
                store.beginWrite(h);
                for (Request request : batch) {
                    request.apply(h, store);
                }
                return null;
            });
            batch.forEach(Request::complete);
        } catch (RuntimeException batchFailure) {
            if (batch.size() == 1) {
                batch.get(0).fail(batchFailure);
                return;
            }
            log.atDebug().addKeyValue("size", batch.size()).addKeyValue("error", batchFailure.toString())
                    .log("queue batch failed; retrying its requests one by one");
            for (Request request : batch) {
                try {
                    database.inTransaction(h -> {
                        store.beginWrite(h);
                        request.apply(h, store);
                        return null;
                    });
                    request.complete();
                } catch (RuntimeException e) {
                    request.fail(e);
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
            left.fail(new IllegalStateException("the delivery queue is closed"));
        }
    }
}
