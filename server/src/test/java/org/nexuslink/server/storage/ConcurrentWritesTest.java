// SPDX-License-Identifier: AGPL-3.0-or-later
package org.nexuslink.server.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.jdbi.v3.core.Handle;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.nexuslink.server.testing.DatabaseTest;
import org.nexuslink.server.testing.SqliteDatabaseExtension;

/** Many writers at once all commit: on SQLite they queue for the one write connection, never SQLITE_BUSY. */
class ConcurrentWritesTest {

    static final int THREADS = 8;
    static final int WRITES_PER_THREAD = 200;

    private static void insertEntry(Handle handle, int thread, int index) {
        handle.createUpdate("INSERT INTO audit_log (action, created_at) VALUES ('kick', :t)")
                .bind("t", (long) thread * 1_000_000 + index)
                .execute();
    }

    private static List<Throwable> runConcurrently(int threads, ThrowingTask task) throws InterruptedException {
        List<Throwable> failures = Collections.synchronizedList(new ArrayList<>());
        CountDownLatch start = new CountDownLatch(1);
        try (ExecutorService executor = Executors.newFixedThreadPool(threads)) {
            List<Future<?>> futures = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                int thread = t;
                futures.add(executor.submit(() -> {
                    try {
                        start.await();
                        task.run(thread);
                    } catch (Throwable e) {
                        failures.add(e);
                    }
                    return null;
                }));
            }
            start.countDown();
            executor.shutdown();
            assertThat(executor.awaitTermination(60, TimeUnit.SECONDS))
                    .as("writers finished")
                    .isTrue();
        }
        return failures;
    }

    @FunctionalInterface
    interface ThrowingTask {
        void run(int thread) throws Exception;
    }

    private static long count(Database database) {
        return database.jdbi()
                .withHandle(handle -> handle.createQuery("SELECT COUNT(*) FROM audit_log")
                        .mapTo(Long.class)
                        .one());
    }

    @DatabaseTest
    void eight_threads_of_two_hundred_writes_all_commit_while_readers_read(Database database) throws Exception {
        AtomicBoolean writing = new AtomicBoolean(true);
        AtomicLong reads = new AtomicLong();
        Thread reader = Thread.ofPlatform().start(() -> {
            while (writing.get()) {
                count(database);
                reads.incrementAndGet();
            }
        });

        List<Throwable> failures = runConcurrently(THREADS, thread -> {
            for (int i = 0; i < WRITES_PER_THREAD; i++) {
                int index = i;
                database.inTransaction(handle -> {
                    insertEntry(handle, thread, index);
                    return null;
                });
            }
        });
        writing.set(false);
        reader.join();

        assertThat(failures).isEmpty();
        assertThat(count(database)).isEqualTo((long) THREADS * WRITES_PER_THREAD);
        assertThat(reads.get()).isPositive();
    }

    @DatabaseTest
    void refuses_a_nested_write_transaction(Database database) {
        assertThatThrownBy(() -> database.inTransaction(
                        outer -> database.inTransaction(inner -> inner.execute("DELETE FROM audit_log"))))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("inside another write transaction");
        assertThatThrownBy(() -> database.inTransaction(outer -> database.migrate()))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("inside another write transaction");

        int deleted = database.inTransaction(handle -> handle.execute("DELETE FROM audit_log"));
        assertThat(deleted).isZero();
    }

    @Nested
    @ExtendWith(SqliteDatabaseExtension.class)
    class OnSqlite {

        @Test
        void serializes_writers_so_that_read_modify_write_never_loses_an_update(Database database) throws Exception {
            database.inTransaction(
                    handle -> handle.execute("INSERT INTO event_counters (cid, last_mid) VALUES ('c', 0)"));

            List<Throwable> failures = runConcurrently(THREADS, thread -> {
                for (int i = 0; i < WRITES_PER_THREAD; i++) {
                    database.inTransaction(handle -> {
                        long last = handle.createQuery("SELECT last_mid FROM event_counters WHERE cid = 'c'")
                                .mapTo(Long.class)
                                .one();
                        return handle.execute("UPDATE event_counters SET last_mid = ? WHERE cid = 'c'", last + 1);
                    });
                }
            });

            long last = database.jdbi()
                    .withHandle(handle -> handle.createQuery("SELECT last_mid FROM event_counters WHERE cid = 'c'")
                            .mapTo(Long.class)
                            .one());
            assertThat(failures).isEmpty();
            assertThat(last).isEqualTo((long) THREADS * WRITES_PER_THREAD);
        }

        @Test
        void a_second_database_on_the_same_file_writes_beside_the_first_without_busy_errors(
                Database database, DatabaseUrl.Sqlite url) throws Exception {
            try (Database other = Database.open(url, new DatabaseSettings(2, Duration.ofSeconds(10)))) {
                List<Throwable> failures = runConcurrently(4, thread -> {
                    Database target = thread % 2 == 0 ? database : other;
                    for (int i = 0; i < 100; i++) {
                        int index = i;
                        target.inTransaction(handle -> {
                            insertEntry(handle, thread, index);
                            return null;
                        });
                    }
                });

                assertThat(failures).isEmpty();
                assertThat(count(other)).isEqualTo(400);
            }
        }

        @Test
        void refuses_writes_through_the_read_jdbi(Database database) {
            assertThatThrownBy(() -> database.jdbi()
                            .useHandle(handle ->
                                    handle.execute("INSERT INTO event_counters (cid, last_mid) VALUES ('c', 0)")))
                    .hasMessageContaining("readonly");

            long rows = database.jdbi()
                    .withHandle(handle -> handle.createQuery("SELECT COUNT(*) FROM event_counters")
                            .mapTo(Long.class)
                            .one());
            assertThat(rows).isZero();
        }

        @Test
        void runs_in_wal_mode_with_full_sync_and_foreign_keys_on_every_connection(Database database) {
            String pragmas = "SELECT (SELECT journal_mode FROM pragma_journal_mode) || ' '"
                    + " || (SELECT synchronous FROM pragma_synchronous) || ' '"
                    + " || (SELECT foreign_keys FROM pragma_foreign_keys) || ' '"
                    + " || (SELECT timeout FROM pragma_busy_timeout)";

            String read = database.jdbi()
                    .withHandle(handle ->
                            handle.createQuery(pragmas).mapTo(String.class).one());
            String written = database.inTransaction(
                    handle -> handle.createQuery(pragmas).mapTo(String.class).one());

            // synchronous 2 = FULL; the busy timeout is the test settings' 5 s connect timeout.
            assertThat(read).isEqualTo("wal 2 1 5000");
            assertThat(written).isEqualTo("wal 2 1 5000");
        }
    }
}
