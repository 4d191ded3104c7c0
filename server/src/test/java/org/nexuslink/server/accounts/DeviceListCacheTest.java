// SPDX-License-Identifier: AGPL-3.0-or-later
package org.nexuslink.server.accounts;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.nexuslink.crypto.identity.AccountId;
import org.nexuslink.crypto.identity.AccountIdentity;
import org.nexuslink.crypto.identity.DeviceId;

/** The device-list cache keeps what it loaded, forgets on invalidation and after its TTL, and never keeps a raced load. */
class DeviceListCacheTest {
    private final AtomicLong now = new AtomicLong();
    private final DeviceListCache cache = new DeviceListCache(now::get, Duration.ofSeconds(5));
    private final AccountId alice = AccountIdentity.generate().accountId();
    private final AccountId bob = AccountIdentity.generate().accountId();

    @Test
    void a_loaded_list_is_served_until_its_account_is_invalidated() {
        cache.put(alice, Set.of(new DeviceId(1), new DeviceId(2)), cache.generation());
        cache.put(bob, Set.of(new DeviceId(1)), cache.generation());

        assertThat(cache.get(alice)).contains(Set.of(new DeviceId(1), new DeviceId(2)));
        cache.invalidate(alice);

        assertThat(cache.get(alice)).isEmpty();
        assertThat(cache.get(bob)).contains(Set.of(new DeviceId(1)));
    }

    @Test
    void a_load_that_started_before_an_invalidation_is_not_kept() {
        long before = cache.generation();
        cache.invalidate(alice); // e.g. a device registered while the query ran

        cache.put(alice, Set.of(new DeviceId(1)), before);

        assertThat(cache.get(alice)).isEmpty();
        cache.put(alice, Set.of(new DeviceId(1), new DeviceId(2)), cache.generation());
        assertThat(cache.get(alice)).contains(Set.of(new DeviceId(1), new DeviceId(2)));
    }

    @Test
    void an_entry_expires_after_the_ttl_which_bounds_other_nodes_changes() {
        cache.put(alice, Set.of(new DeviceId(1)), cache.generation());

        now.addAndGet(Duration.ofSeconds(5).toNanos());
        assertThat(cache.get(alice)).isPresent();
        now.incrementAndGet();

        assertThat(cache.get(alice)).isEmpty();
        assertThat(cache.size()).isZero();
    }

    @Test
    void cached_lists_are_sorted_and_unmodifiable() {
        cache.put(alice, Set.of(new DeviceId(3), new DeviceId(1), new DeviceId(2)), cache.generation());

        Set<DeviceId> devices = cache.get(alice).orElseThrow();

        assertThat(devices).containsExactly(new DeviceId(1), new DeviceId(2), new DeviceId(3));
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> devices.add(new DeviceId(4)))
                .isInstanceOf(UnsupportedOperationException.class);
    }
}
