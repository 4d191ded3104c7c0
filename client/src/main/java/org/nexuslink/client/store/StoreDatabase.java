// SPDX-License-Identifier: AGPL-3.0-or-later
package org.nexuslink.client.store;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.locks.ReentrantLock;
import java.util.regex.Pattern;
import org.sqlite.SQLiteConnection;
import org.sqlite.core.DB;

/**
 * The one SQLite connection of a profile store, with the sealer and blind index that work on
 * its values. Every use holds one fair {@link ReentrantLock}: writes from many threads are
 * serialized in-process, the JCA objects are never shared between threads, and a thread inside
 * {@link #transaction(Runnable)} can call any store method (libsignal calls back into the store
 * on the caller's thread).
 *
 * <p>The connection holds SQLite's exclusive lock from its first write (the store's opening)
 * until it closes ({@code locking_mode=EXCLUSIVE}): no other connection, in this process or
 * another, can read or write the file meanwhile. So a row kept in memory is always the row in
 * the file, and a transaction takes no file locks and asks nothing of SQLite before it starts.
 *
 * <p>SQLite runs with {@code synchronous=NORMAL}: a commit writes the log (WAL) but does not wait
 * for the disk. This class syncs the log itself right after each commit, which is what
 * {@code synchronous=FULL} does, except for the transactions run with
 * {@link #transactionSyncedLater}: those are made durable by the next {@link #sync()} or the next
 * synced commit (a sync of the log makes every commit before it durable too, since the log is
 * one file written in order). A power loss can take back only commits not yet synced, and
 * SQLite's recovery then keeps the commits before them, whole.
 *
 * <p>Tables may keep rows in memory ({@link TransactionCache}, registered with
 * {@link #addCache}): their writes held in a transaction are flushed just before its
 * {@code COMMIT}; a rolled-back savepoint resets them to what they held when it began; and they
 * are cleared when a transaction rolls back and on close.
 */
final class StoreDatabase implements AutoCloseable {
    /** Statements that change the file: inside a unit of work they need its savepoint made first. */
    private static final Pattern WRITES = Pattern.compile("(?i)\\s*(INSERT|UPDATE|DELETE|REPLACE)\\b");

    /** Rows a table keeps in memory, told of the transactions; every method runs under the lock. */
    interface TransactionCache {
        /** Writes the rows held for the open transaction into the file; called before its commit. */
        void flush() throws SQLException;

        /** A snapshot of the rows held for the open transaction, taken as a savepoint begins. */
        Object mark();

        /** Back to {@code mark}: the savepoint it was taken at rolled back. */
        void reset(Object mark);

        /** Forgets everything: the file may hold other rows. */
        void clear();
    }

    /** Work on the connection, run under the lock. */
    @FunctionalInterface
    interface Work<T> {
        T run(Connection connection) throws SQLException;
    }

    private final ReentrantLock lock = new ReentrantLock(true);
    private final Connection connection; // guarded by lock
    private final DB sqlite; // guarded by lock: the connection's native handle, for its change count
    private final Sealer sealer; // guarded by lock
    private final BlindIndex index; // guarded by lock
    private final String name;
    private final Path log; // the WAL file, synced after commits
    private FileChannel logChannel; // guarded by lock: opened at the first sync
    private boolean unsynced; // guarded by lock: a commit since the last sync
    private boolean syncAtCommit; // guarded by lock: the open transaction is synced when it commits
    private final Map<String, CachedStatement> statements = new HashMap<>(); // guarded by lock
    private final List<TransactionCache> caches = new ArrayList<>(); // guarded by lock
    private int depth; // guarded by lock: nesting of open write transactions
    private final List<String> savepoints = new ArrayList<>(); // guarded by lock: the units running, outermost first
    private int openSavepoints; // guarded by lock: how many of them have their SQL savepoint made
    private long commits; // guarded by lock
    private long syncs; // guarded by lock
    private boolean closed; // guarded by lock

    /**
     * @param file the database file; its log, {@code file-wal}, is what {@link #sync()} syncs, so
     *     the connection must be in WAL mode
     */
    StoreDatabase(Connection connection, StoreKey key, Path file) throws SQLException {
        this.connection = connection;
        this.sqlite = connection.unwrap(SQLiteConnection.class).getDatabase();
        this.sealer = new Sealer(key);
        this.index = new BlindIndex(key);
        this.name = file.toString();
        this.log = Path.of(file + "-wal");
    }

    Sealer sealer() {
        requireLocked();
        return sealer;
    }

    BlindIndex index() {
        requireLocked();
        return index;
    }

    /**
     * The statement for {@code sql}, compiled on first use and kept until close. Call only from
     * work running under the lock; {@code sql} is a constant of this package, never input.
     */
    CachedStatement prepare(String sql) throws SQLException {
        requireLocked();
        CachedStatement statement = statements.get(sql);
        if (statement == null) {
            statement = new CachedStatement(
                    connection.prepareStatement(sql), WRITES.matcher(sql).lookingAt());
            statements.put(sql, statement);
        }
        if (statement.writes() && openSavepoints < savepoints.size()) {
            openSavepoints();
        }
        return statement;
    }

    /** Write transactions committed through this connection since it opened. */
    long commits() {
        lock.lock();
        try {
            return commits;
        } finally {
            lock.unlock();
        }
    }

    /** Syncs of the log to the disk since the store opened. */
    long syncs() {
        lock.lock();
        try {
            return syncs;
        } finally {
            lock.unlock();
        }
    }

    /** Registers {@code cache} to be told of transactions (see the class comment). */
    void addCache(TransactionCache cache) {
        lock.lock();
        try {
            caches.add(cache);
        } finally {
            lock.unlock();
        }
    }

    /** Runs read-only work under the lock (inside the current transaction if there is one). */
    <T> T read(Work<T> work) {
        lock.lock();
        try {
            requireOpen();
            return work.run(connection);
        } catch (SQLException e) {
            throw translate(e);
        } finally {
            lock.unlock();
        }
    }

    /**
     * Runs work in a write transaction, joining the current one when called inside it; a
     * transaction of its own is on disk when this returns.
     */
    <T> T write(Work<T> work) {
        return write(work, true, false);
    }

    /**
     * @param syncNow whether a transaction of its own is synced at its commit
     * @param durable whether the caller counts on the work being on disk when this returns, so
     *     that joining a transaction not to be synced makes it synced at its commit (the store's
     *     own writes, which join whatever their caller opened, are not: their caller decides)
     */
    private <T> T write(Work<T> work, boolean syncNow, boolean durable) {
        lock.lock();
        try {
            requireOpen();
            if (depth > 0) {
                syncAtCommit |= durable;
                depth++;
                try {
                    return work.run(connection);
                } finally {
                    depth--;
                }
            }
            execute("BEGIN IMMEDIATE");
            depth = 1;
            syncAtCommit = syncNow;
            long changesBefore = sqlite.total_changes();
            T result;
            try {
                result = work.run(connection);
                for (TransactionCache cache : caches) {
                    cache.flush();
                }
                execute("COMMIT");
                commits++;
            } catch (RuntimeException | SQLException | Error e) {
                rollback(e);
                throw e;
            } finally {
                depth = 0;
            }
            // A transaction that changed no row wrote nothing to the log (the schema changes only
            // in migrations, which also record themselves in a row): nothing to sync, as SQLite's
            // own synchronous=FULL would not.
            if (sqlite.total_changes() != changesBefore) {
                unsynced = true;
            }
            if (syncAtCommit && unsynced) {
                syncLog();
            }
            return result;
        } catch (SQLException e) {
            throw translate(e);
        } finally {
            lock.unlock();
        }
    }

    /**
     * Makes every commit so far durable: syncs the log if a commit since the last sync has not
     * been. Returns at once if none has.
     */
    void sync() {
        lock.lock();
        try {
            requireOpen();
            if (unsynced) {
                syncLog();
            }
        } finally {
            lock.unlock();
        }
    }

    private void syncLog() {
        try {
            if (logChannel == null) {
                logChannel = FileChannel.open(log, StandardOpenOption.READ);
            }
            logChannel.force(false);
            unsynced = false;
            syncs++;
        } catch (IOException e) {
            // The commit stands (and the rows kept in memory with it); what failed is knowing it
            // is on disk, so the caller must not act as if it were.
            throw new StoreException("the profile store " + name + " could not sync its log to disk: " + e, e);
        }
    }

    /**
     * Runs {@code body} as one transaction: all its store writes commit together or none do, and
     * are on disk when this returns. Inside a transaction synced later, it joins it and has it
     * synced at its commit.
     */
    void transaction(Runnable body) {
        write(
                c -> {
                    body.run();
                    return null;
                },
                true,
                true);
    }

    /**
     * Like {@link #transaction(Runnable)}, but committed without waiting for the disk: durable
     * only after the next {@link #sync()} (or synced commit). Until then a power loss may undo it,
     * whole, with whatever was committed after it. For work whose result nobody outside learns of
     * before that sync (received messages, acknowledged after it).
     */
    void transactionSyncedLater(Runnable body) {
        write(
                c -> {
                    body.run();
                    return null;
                },
                false,
                false);
    }

    /**
     * Runs {@code body} inside the current transaction as a unit of its own: if it throws, its
     * writes are undone (and the exception rethrown) while the transaction's other writes stay.
     *
     * <p>The SQL {@code SAVEPOINT} is made only when the body first writes to the file: most units
     * (a message in the ratchet) write only to the tables kept in memory, which undo themselves.
     *
     * @throws IllegalStateException if no transaction is open on this thread
     */
    void savepoint(Runnable body) {
        lock.lock();
        try {
            requireOpen();
            if (depth == 0) {
                throw new IllegalStateException("a savepoint needs an open transaction");
            }
            int level = savepoints.size();
            String name = "level" + level; // one name per nesting level: the statements stay few
            List<Object> marks = new ArrayList<>(caches.size());
            for (TransactionCache cache : caches) {
                marks.add(cache.mark());
            }
            savepoints.add(name);
            depth++;
            try {
                body.run();
                if (openSavepoints > level) {
                    execute("RELEASE " + name);
                }
            } catch (RuntimeException | Error e) {
                if (openSavepoints > level) {
                    try {
                        execute("ROLLBACK TO " + name);
                        execute("RELEASE " + name);
                    } catch (SQLException undo) {
                        // The savepoint's writes may still be there: fail the whole transaction.
                        StoreException failure = translate(undo);
                        failure.addSuppressed(e);
                        throw failure;
                    }
                }
                for (int i = 0; i < caches.size(); i++) {
                    caches.get(i).reset(marks.get(i));
                }
                throw e;
            } finally {
                savepoints.removeLast();
                openSavepoints = Math.min(openSavepoints, level);
                depth--;
            }
        } catch (SQLException e) {
            throw translate(e);
        } finally {
            lock.unlock();
        }
    }

    /** Makes the SQL savepoints of the units running now that have none yet, outermost first. */
    private void openSavepoints() throws SQLException {
        while (openSavepoints < savepoints.size()) {
            execute("SAVEPOINT " + savepoints.get(openSavepoints));
            openSavepoints++;
        }
    }

    private void clearCaches() {
        caches.forEach(TransactionCache::clear);
    }

    private void rollback(Throwable cause) {
        clearCaches();
        try {
            execute("ROLLBACK");
        } catch (SQLException e) {
            // SQLite rolls back by itself on some errors (disk full, I/O error); then there is
            // nothing left to roll back and that is not a second failure.
            if (!String.valueOf(e.getMessage()).contains("no transaction is active")) {
                cause.addSuppressed(e);
            }
        }
    }

    private void execute(String sql) throws SQLException {
        try (CachedStatement s = prepare(sql)) {
            s.execute();
        }
    }

    private void requireOpen() {
        if (closed) {
            throw new StoreException("the profile store " + name + " is closed");
        }
    }

    private void requireLocked() {
        if (!lock.isHeldByCurrentThread()) {
            throw new IllegalStateException("store crypto used outside the database lock");
        }
    }

    StoreException translate(SQLException e) {
        String message = e.getMessage() == null ? "" : e.getMessage();
        if (message.contains("SQLITE_BUSY") || message.contains("database is locked")) {
            return new StoreException(
                    "the profile store " + name + " is open in another process (or another connection)", e);
        }
        if (message.contains("SQLITE_NOTADB")) {
            return new StoreException(name + " is not a NexusLink profile store: it is not a SQLite database", e);
        }
        return new StoreException("the profile store " + name + " failed: " + message, e);
    }

    @Override
    public void close() {
        lock.lock();
        try {
            if (closed) {
                return;
            }
            closed = true;
            clearCaches();
            SQLException failure = null;
            if (logChannel != null) {
                try {
                    logChannel.close();
                } catch (IOException e) {
                    failure = new SQLException("closing the log's handle failed", e);
                }
            }
            for (CachedStatement statement : statements.values()) {
                try {
                    statement.closeStatement();
                } catch (SQLException e) {
                    failure = e;
                }
            }
            statements.clear();
            connection.close();
            if (failure != null) {
                throw failure;
            }
        } catch (SQLException e) {
            throw translate(e);
        } finally {
            lock.unlock();
        }
    }
}
