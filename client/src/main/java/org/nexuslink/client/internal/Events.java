// SPDX-License-Identifier: AGPL-3.0-or-later
package org.nexuslink.client.internal;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import org.nexuslink.client.ClientEvent;
import org.nexuslink.client.store.ProfileStore;

/**
 * Tells the application's subscribers what happened, never before it is durable: what a batch of
 * received messages produced is held until the batch commits and the store syncs
 * ({@link #inBatch}, {@link #takeUnsynced}). Subscribers are called on the worker thread; the
 * pending lists are touched only there.
 */
public final class Events {
    private final List<Consumer<ClientEvent>> subscribers = new CopyOnWriteArrayList<>();
    /** While a batch's transaction is open: what to tell once it commits. */
    private List<ClientEvent> untold;
    /** Received and committed, not yet synced: what to tell after the sync. */
    private final List<ClientEvent> unsynced = new ArrayList<>();

    /** Adds a subscriber (any thread). */
    public void subscribe(Consumer<ClientEvent> subscriber) {
        subscribers.add(Objects.requireNonNull(subscriber, "subscriber"));
    }

    /** Tells every subscriber now, or after the open batch commits and syncs. */
    public void tell(ClientEvent event) {
        if (untold != null) {
            untold.add(event);
        } else {
            tellNow(event);
        }
    }

    /** Tells every subscriber now, whatever batch is open (connection changes). */
    public void tellNow(ClientEvent event) {
        subscribers.forEach(s -> s.accept(event));
    }

    /**
     * Runs {@code body} in one store transaction, committed without waiting for the disk
     * ({@link ProfileStore#transactionSyncedLater}), and keeps what it told to tell after the next
     * sync; if it fails, nothing is told (nothing was stored).
     */
    public void inBatch(ProfileStore store, Runnable body) {
        untold = new ArrayList<>();
        List<ClientEvent> told;
        try {
            store.transactionSyncedLater(body);
            told = untold;
        } finally {
            untold = null;
        }
        unsynced.addAll(told);
    }

    /** Whether committed batches wait for a sync before they are told. */
    public boolean hasUnsynced() {
        return !unsynced.isEmpty();
    }

    /** What committed batches told, taken to be told after the sync. */
    public List<ClientEvent> takeUnsynced() {
        List<ClientEvent> taken = List.copyOf(unsynced);
        unsynced.clear();
        return taken;
    }
}
