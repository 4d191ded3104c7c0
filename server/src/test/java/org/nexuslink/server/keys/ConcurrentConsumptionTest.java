// SPDX-License-Identifier: AGPL-3.0-or-later
package org.nexuslink.server.keys;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.nexuslink.server.storage.Database;
import org.nexuslink.server.testing.DatabaseTest;
import org.nexuslink.server.testing.MutableClock;

/** Many fetches at once never get the same one-time key, on SQLite and PostgreSQL. */
class ConcurrentConsumptionTest {
    private static final int THREADS = 16;
    private static final int FETCHES_PER_THREAD = 5;
    private static final int KEYS = 50;

    private final MutableClock clock = new MutableClock();

    @DatabaseTest
    void concurrent_fetches_hand_out_each_one_time_key_at_most_once(Database database) throws Exception {
        PrekeyService service = new PrekeyService(
                database, PrekeySettings.DEFAULTS, clock, PrekeyStockListener.NONE, new SimpleMeterRegistry());
        SeededMember.Device bob = SeededMember.join(database, clock).device(1);
        service.upload(bob.principal, new DeviceKeys(bob.key).fullUpload(KEYS, KEYS));
        Queue<DeviceBundle> bundles = new ConcurrentLinkedQueue<>();
        CountDownLatch start = new CountDownLatch(1);

        ExecutorService pool = Executors.newFixedThreadPool(THREADS);
        try {
            List<Future<?>> done = new ArrayList<>();
            for (int t = 0; t < THREADS; t++) {
                done.add(pool.submit(() -> {
                    start.await();
                    for (int i = 0; i < FETCHES_PER_THREAD; i++) {
                        bundles.add(service.bundles(bob.principal.account(), Optional.empty())
                                .devices()
                                .get(0));
                    }
                    return null;
                }));
            }
            start.countDown();
            for (Future<?> f : done) {
                f.get(60, TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
        }

        assertThat(bundles).hasSize(THREADS * FETCHES_PER_THREAD);
        List<Integer> ec = bundles.stream()
                .flatMap(b -> b.oneTimePrekey().stream())
                .map(EcPrekey::keyId)
                .toList();
        assertThat(ec)
                .doesNotHaveDuplicates()
                .containsExactlyInAnyOrderElementsOf(
                        IntStream.rangeClosed(1, KEYS).boxed().toList());
        List<Integer> kyber = bundles.stream()
                .filter(b -> !b.kyberLastResort())
                .map(b -> b.kyberPrekey().keyId())
                .toList();
        assertThat(kyber).doesNotHaveDuplicates().hasSize(KEYS);
        assertThat(bundles.stream().filter(DeviceBundle::kyberLastResort)).hasSize(THREADS * FETCHES_PER_THREAD - KEYS);
        assertThat(service.counts(bob.principal).oneTimePrekeys()).isZero();
        assertThat(service.counts(bob.principal).kyberPrekeys()).isZero();
    }
}
