// SPDX-License-Identifier: AGPL-3.0-or-later
package org.nexuslink.client.store;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.signal.libsignal.protocol.IdentityKeyPair;
import org.sqlite.SQLiteConfig;

/**
 * One profile's encrypted local database: the libsignal stores, contacts, conversations,
 * messages, sync cursors and settings, in one SQLite file in which every sensitive column is
 * sealed with AES-256-GCM and every lookup column is a blind index (docs/client.md, "Local
 * store", lists what stays in the clear and why).
 *
 * <p>Opening checks a sealed check value first, so the wrong key is refused before anything is
 * written. SQLite runs in WAL mode, every write that returned is on disk (the log is synced
 * after each commit; {@link #transactionSyncedLater} is the one exception, and says when it is
 * on disk), and {@code secure_delete=ON} (deleted rows are overwritten, not left in free pages).
 *
 * <p>An open store holds its file alone ({@code locking_mode=EXCLUSIVE}): opening it again, from
 * another process or in this one, fails with {@link StoreException} until it is closed. Two
 * users of one profile would advance the same encryption sessions; and with the file to itself,
 * a transaction needs no file locks, and the rows kept in memory cannot go stale.
 *
 * <p>Thread-safe: one connection behind one lock; {@link #transaction(Runnable)} groups writes.
 */
public final class ProfileStore implements AutoCloseable {
    private static final String KEY_CHECK = "key_check";
    private static final String LOCAL_IDENTITY = "local_identity";
    private static final byte[] KEY_CHECK_VALUE =
            "nexuslink local store key check v1".getBytes(StandardCharsets.US_ASCII);
    /** How long opening waits for a store another connection holds (it may be closing). */
    private static final int BUSY_TIMEOUT_MS = 1_000;

    private final StoreDatabase db;
    private final SignalStore signal;
    private final Contacts contacts;
    private final Conversations conversations;
    private final Messages messages;
    private final Cursors cursors;
    private final Settings settings;
    private final SeenMessages seen;

    private ProfileStore(StoreDatabase db, IdentityKeyPair localIdentity) {
        this.db = db;
        this.signal = new SignalStore(db, localIdentity);
        this.contacts = new Contacts(db);
        this.conversations = new Conversations(db);
        this.messages = new Messages(db);
        this.cursors = new Cursors(db);
        this.settings = new Settings(db);
        this.seen = new SeenMessages(db);
    }

    /**
     * Opens the store in {@code file}, creating it (owner-only permissions) if it does not exist
     * or is empty, and migrating it to this client's schema.
     *
     * @param file the database file; its directory must exist
     * @param key the store key derived from this device's key
     * @param localIdentity this device's libsignal identity
     * @throws StoreException if the key does not open the store (nothing is changed then), the
     *     store belongs to another identity, the file is not a profile store, it is newer than
     *     this client, or it is open elsewhere (another process, or another connection here)
     */
    public static ProfileStore open(Path file, StoreKey key, IdentityKeyPair localIdentity) {
        Objects.requireNonNull(file, "file");
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(localIdentity, "localIdentity");
        Path path = file.toAbsolutePath();
        Path dir = path.getParent();
        if (dir == null || !Files.isDirectory(dir)) {
            throw new StoreException(
                    "cannot open the profile store " + path + ": directory " + dir + " does not exist");
        }
        createOwnerOnly(path);
        String name = path.toString();
        StoreDatabase db;
        try {
            SQLiteConfig config = new SQLiteConfig();
            config.setBusyTimeout(BUSY_TIMEOUT_MS);
            config.setLockingMode(SQLiteConfig.LockingMode.EXCLUSIVE);
            Connection connection = DriverManager.getConnection("jdbc:sqlite:" + path, config.toProperties());
            try {
                db = new StoreDatabase(connection, key, path);
            } catch (SQLException | RuntimeException e) {
                connection.close();
                throw e;
            }
        } catch (SQLException e) {
            throw new StoreException("cannot open the profile store " + name + ": " + e.getMessage(), e);
        }
        try {
            // Read-only until the key is proven: a wrong key must leave the file as it was.
            boolean fresh = db.read(ProfileStore::isEmpty);
            if (!fresh) {
                db.read(c -> verify(db, c, localIdentity, name));
            }
            db.read(ProfileStore::configure);
            List<Integer> applied = db.write(c -> {
                boolean hasMeta = hasTable(c, "meta");
                List<Integer> migrated = SchemaMigrator.migrate(c, name);
                if (hasMeta) {
                    if (fresh) {
                        verify(db, c, localIdentity, name); // another process created it meanwhile
                    }
                } else {
                    putMeta(db, c, KEY_CHECK, KEY_CHECK_VALUE);
                    putMeta(db, c, LOCAL_IDENTITY, localIdentity.getPublicKey().serialize());
                }
                return migrated;
            });
            ProfileStore store = new ProfileStore(db, localIdentity);
            if (!fresh && applied.contains(SeenMessages.SCHEMA_VERSION)) {
                store.seen.adoptLegacy(store.settings, Instant.now());
            }
            return store;
        } catch (RuntimeException e) {
            try {
                db.close();
            } catch (RuntimeException closing) {
                e.addSuppressed(closing);
            }
            throw e;
        }
    }

    /** The libsignal stores: identities, sessions, prekeys, signed and Kyber prekeys, sender keys. */
    public SignalStore signal() {
        return signal;
    }

    public Contacts contacts() {
        return contacts;
    }

    public Messages messages() {
        return messages;
    }

    public Conversations conversations() {
        return conversations;
    }

    public Cursors cursors() {
        return cursors;
    }

    /** The direct messages already taken, to drop copies delivered again. */
    public SeenMessages seen() {
        return seen;
    }

    public Settings settings() {
        return settings;
    }

    /**
     * Runs {@code body} as one transaction: every store write it makes, on any of this store's
     * views and from libsignal callbacks on this thread, commits together, or none does if it
     * throws (the exception is rethrown). Other threads wait until it ends; keep network I/O out.
     */
    public void transaction(Runnable body) {
        Objects.requireNonNull(body, "body");
        db.transaction(body);
    }

    /**
     * Like {@link #transaction(Runnable)}, but returns once the transaction is committed, without
     * waiting for the disk: it is durable after the next {@link #sync()}, or the next transaction
     * that is synced (which makes everything committed before it durable too). Until then a power
     * loss or a crash of the machine may undo it (whole, with what was committed after it); a
     * crash of this process alone cannot. For work nobody outside learns of until that sync:
     * {@code NexusClient} receives the messages that arrive in a row in transactions like this,
     * and acknowledges them to the server after one sync for all of them.
     *
     * <p>Work inside that calls {@link #transaction(Runnable)} (which joins this transaction)
     * makes this one synced at its commit too.
     */
    public void transactionSyncedLater(Runnable body) {
        Objects.requireNonNull(body, "body");
        db.transactionSyncedLater(body);
    }

    /**
     * {@link #transactionSyncedLater} for work that returns a value or throws a checked exception,
     * as {@link #inTransaction} is for {@link #transaction}.
     */
    public <T, E extends Exception> T inTransactionSyncedLater(Work<T, E> body) throws E {
        return runChecked(db::transactionSyncedLater, body);
    }

    /**
     * Makes every transaction committed so far durable: syncs the store's log to the disk if a
     * {@link #transactionSyncedLater} commit has not been synced yet, else returns at once.
     *
     * @throws StoreException if the disk refused the sync; the commits stand, but are not known to
     *     be on disk
     */
    public void sync() {
        db.sync();
    }

    /**
     * Write transactions this store has committed since it was opened: a statistic, for tests and
     * benchmarks of how writes are grouped.
     */
    public long commits() {
        return db.commits();
    }

    /** Syncs of the store's log to the disk since it was opened: a statistic, like {@link #commits()}. */
    public long syncs() {
        return db.syncs();
    }

    /** Work that returns a value and may fail with a checked exception. */
    @FunctionalInterface
    public interface Work<T, E extends Exception> {
        T run() throws E;
    }

    /**
     * Like {@link #transaction(Runnable)}, for work that returns a value or throws a checked
     * exception: the exception rolls everything back and is rethrown as it was.
     */
    public <T, E extends Exception> T inTransaction(Work<T, E> body) throws E {
        return runChecked(db::transaction, body);
    }

    /**
     * Runs {@code body} inside the current transaction as a unit of its own: if it throws, its
     * writes are undone and the exception rethrown as it was, while the transaction's other
     * writes stay and commit with it. For batches: one commit for many messages, a failed one
     * undone alone.
     *
     * @throws IllegalStateException if this thread has no transaction open on this store
     */
    public <T, E extends Exception> T inSavepoint(Work<T, E> body) throws E {
        return runChecked(db::savepoint, body);
    }

    /** {@link #inSavepoint} for work without a result or checked exception. */
    public void savepoint(Runnable body) {
        Objects.requireNonNull(body, "body");
        db.savepoint(body);
    }

    @SuppressWarnings("unchecked")
    private static <T, E extends Exception> T runChecked(java.util.function.Consumer<Runnable> unit, Work<T, E> body)
            throws E {
        Objects.requireNonNull(body, "body");
        List<T> result = new java.util.ArrayList<>(1);
        try {
            unit.accept(() -> {
                try {
                    result.add(body.run());
                } catch (RuntimeException e) {
                    throw e;
                } catch (Exception e) {
                    throw new CheckedFailure(e);
                }
            });
        } catch (CheckedFailure failure) {
            throw (E) failure.getCause();
        }
        return result.getFirst();
    }

    /** Carries a checked exception out of a {@link Runnable} transaction body. */
    private static final class CheckedFailure extends RuntimeException {
        CheckedFailure(Exception cause) {
            super(cause);
        }
    }

    /** Closes the database; later calls fail with {@link StoreException}. Idempotent. */
    @Override
    public void close() {
        db.close();
    }

    private static void createOwnerOnly(Path path) {
        if (Files.exists(path)) {
            return;
        }
        try {
            if (path.getFileSystem().supportedFileAttributeViews().contains("posix")) {
                Files.createFile(
                        path, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            } else {
                Files.createFile(path);
            }
        } catch (FileAlreadyExistsException e) {
            // another process created it first; it is opened as an existing store
        } catch (IOException e) {
            throw new StoreException("cannot create the profile store " + path + ": " + e.getMessage(), e);
        }
    }

    private static boolean isEmpty(Connection c) throws SQLException {
        try (Statement s = c.createStatement();
                ResultSet r = s.executeQuery("SELECT count(*) FROM sqlite_master")) {
            r.next();
            return r.getInt(1) == 0;
        }
    }

    private static boolean hasTable(Connection c, String table) throws SQLException {
        try (PreparedStatement s =
                c.prepareStatement("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?")) {
            s.setString(1, table);
            try (ResultSet r = s.executeQuery()) {
                return r.next();
            }
        }
    }

    private static Void configure(Connection c) throws SQLException {
        try (Statement s = c.createStatement()) {
            try (ResultSet r = s.executeQuery("PRAGMA journal_mode = WAL")) {
                if (!r.next() || !"wal".equalsIgnoreCase(r.getString(1))) {
                    throw new StoreException("SQLite refused WAL mode for the profile store");
                }
            }
            // StoreDatabase syncs the log after each commit itself (or, for transactionSyncedLater,
            // at the next sync): together that is synchronous=FULL, with the sync's time chosen.
            s.execute("PRAGMA synchronous = NORMAL");
            s.execute("PRAGMA secure_delete = ON");
        }
        return null;
    }

    private static Void verify(StoreDatabase db, Connection c, IdentityKeyPair localIdentity, String name)
            throws SQLException {
        if (!hasTable(c, "meta")) {
            throw new StoreException(name + " is not a NexusLink profile store: it holds other tables");
        }
        byte[] check = getMeta(c, KEY_CHECK)
                .orElseThrow(() -> new StoreException(name + " is not a NexusLink profile store: it has no key check"));
        byte[] opened;
        try {
            opened = db.sealer().open("meta", "value", KEY_CHECK.getBytes(StandardCharsets.US_ASCII), check);
        } catch (StoreException e) {
            throw new StoreException(
                    "the profile store " + name
                            + " cannot be opened with this key: it belongs to another device key, or the file was altered",
                    e);
        }
        if (!MessageDigest.isEqual(opened, KEY_CHECK_VALUE)) {
            throw new StoreException("the profile store " + name + " has a damaged key check");
        }
        byte[] identity = getMeta(c, LOCAL_IDENTITY)
                .map(v -> db.sealer().open("meta", "value", LOCAL_IDENTITY.getBytes(StandardCharsets.US_ASCII), v))
                .orElseThrow(() -> new StoreException("the profile store " + name + " has no local identity"));
        if (!MessageDigest.isEqual(identity, localIdentity.getPublicKey().serialize())) {
            throw new StoreException(
                    "the profile store " + name + " belongs to another device identity than the one given");
        }
        return null;
    }

    private static Optional<byte[]> getMeta(Connection c, String metaName) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("SELECT value FROM meta WHERE name = ?")) {
            s.setString(1, metaName);
            try (ResultSet r = s.executeQuery()) {
                return r.next() ? Optional.of(r.getBytes(1)) : Optional.empty();
            }
        }
    }

    private static void putMeta(StoreDatabase db, Connection c, String metaName, byte[] value) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("INSERT INTO meta (name, value) VALUES (?, ?)")) {
            s.setString(1, metaName);
            s.setBytes(2, db.sealer().seal("meta", "value", metaName.getBytes(StandardCharsets.US_ASCII), value));
            s.executeUpdate();
        }
    }
}
