// SPDX-License-Identifier: AGPL-3.0-or-later
package org.nexuslink.server.accounts;

import java.time.Duration;
import java.util.Collections;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;
import org.nexuslink.crypto.identity.AccountId;
import org.nexuslink.crypto.identity.DeviceId;

/**
 * Members' active device lists, kept in memory so that a direct message does not cost two
 * queries to check its copies against the recipients' devices.
 *
 * <p>This node drops an account's entry whenever it registers or removes one of its devices or
 * deletes the member (see {@link DeviceStore} and {@link MemberStore}). A load that raced such a
 * change is never kept: every invalidation bumps a generation, and a load stores its result only
 * if no invalidation happened since it began (checked again after the store, so an invalidation
 * between the check and the store still wins).
 *
 * <p>Other nodes' changes (several servers on one PostgreSQL) are not seen here until the entry
 * expires after {@link #TTL}: that bounds how long this node may accept a send to a device removed
 * elsewhere or miss one registered elsewhere. A send that does not match the cached list is checked
 * again against the database before it is refused, so stale entries never cause a wrong refusal.
 * Thread-safe.
 */
final class DeviceListCache {
    /** How long an entry is trusted: the bound on staleness from other nodes' changes. */
    static final Duration TTL = Duration.ofSeconds(5);
    /** Above this many accounts the cache starts over, so memory stays bounded. */
    static final int MAX_ACCOUNTS = 200_000;

    private record Entry(Set<DeviceId> devices, long loadedAt) {}

    private final ConcurrentHashMap<AccountId, Entry> entries = new ConcurrentHashMap<>();
    private final AtomicLong generation = new AtomicLong();
    private final LongSupplier nanoTime;
    private final long ttlNanos;

    DeviceListCache(LongSupplier nanoTime, Duration ttl) {
        this.nanoTime = nanoTime;
        this.ttlNanos = ttl.toNanos();
    }

    /** The cached active devices of a member, if loaded within the TTL. */
    Optional<Set<DeviceId>> get(AccountId account) {
        Entry entry = entries.get(account);
        if (entry == null) {
            return Optional.empty();
        }
        if (nanoTime.getAsLong() - entry.loadedAt() > ttlNanos) {
            entries.remove(account, entry);
            return Optional.empty();
        }
        return Optional.of(entry.devices());
    }

    /** Take this before reading the database; pass it to {@link #put}. */
    long generation() {
        return generation.get();
    }

    /** Keeps a loaded list unless something was invalidated since {@code readGeneration}. */
    void put(AccountId account, Set<DeviceId> devices, long readGeneration) {
        if (generation.get() != readGeneration) {
            return;
        }
        if (entries.size() >= MAX_ACCOUNTS) {
            entries.clear();
        }
        Entry entry = new Entry(Collections.unmodifiableSortedSet(new TreeSet<>(devices)), nanoTime.getAsLong());
        entries.put(account, entry);
        if (generation.get() != readGeneration) {
            entries.remove(account, entry);
        }
    }

    /** Forgets an account's list: its devices or membership changed. */
    void invalidate(AccountId account) {
        generation.incrementAndGet();
        entries.remove(account);
    }

    int size() {
        return entries.size();
    }
}
