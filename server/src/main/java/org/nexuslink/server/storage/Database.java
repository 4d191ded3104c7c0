// SPDX-License-Identifier: AGPL-3.0-or-later
package org.nexuslink.server.storage;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import com.zaxxer.hikari.HikariPoolMXBean;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.ToIntFunction;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.FlywayException;
import org.flywaydb.core.api.MigrationInfo;
import org.flywaydb.core.api.configuration.FluentConfiguration;
import org.flywaydb.core.api.output.MigrateResult;
import org.jdbi.v3.core.HandleCallback;
import org.jdbi.v3.core.Jdbi;
import org.nexuslink.server.ops.MetricName;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.sqlite.SQLiteConfig;
import org.sqlite.SQLiteDataSource;

/**
 * The server's database: connection pools, migrations and transactions over SQLite or PostgreSQL.
 *
 * <p>On SQLite there are two pools: a read-only pool of {@code maxConnections} connections behind
 * {@link #jdbi()}, and a single write connection behind {@link #inTransaction}, whose transactions
 * start with {@code BEGIN IMMEDIATE} and which an in-process lock hands to one writer at a time.
 * So writers queue in Java instead of failing with {@code SQLITE_BUSY}, and readers never wait for
 * writers (WAL mode). On PostgreSQL one pool serves both.
 *
 * <p>Thread-safe. Owns its pools: {@link #close()} closes them.
 */
public final class Database implements AutoCloseable {

    /** The longest {@link #isReachable()} waits for an answer. */
    public static final Duration REACHABILITY_TIMEOUT = Duration.ofSeconds(2);

    private static final Logger LOG = LoggerFactory.getLogger(Database.class);
    private static final String MIGRATIONS = "classpath:db/migration";
    /** The directory role's schema: shared files, then a folder per dialect (full-text search). */
    private static final String DIRECTORY_MIGRATIONS = "classpath:db/directory";

    private final DatabaseUrl url;
    private final HikariDataSource writePool;
    /** The same pool as {@link #writePool} on PostgreSQL. */
    private final HikariDataSource readPool;

    private final Jdbi readJdbi;
    private final Jdbi writeJdbi;
    /** SQLite only: the one writer at a time holds it for its whole transaction. */
    private final ReentrantLock writeLock = new ReentrantLock(true);
    /** Guards against a nested write transaction, which would deadlock on SQLite's one connection. */
    private final ThreadLocal<Boolean> inWriteTransaction = ThreadLocal.withInitial(() -> false);

    private final AtomicBoolean lastReachable = new AtomicBoolean(true);
    private final AtomicBoolean closed = new AtomicBoolean();

    private Database(DatabaseUrl url, HikariDataSource writePool, HikariDataSource readPool) {
        this.url = url;
        this.writePool = writePool;
        this.readPool = readPool;
        this.readJdbi = jdbi(readPool, url.dialect());
        this.writeJdbi = readPool == writePool ? readJdbi : jdbi(writePool, url.dialect());
    }

    private static Jdbi jdbi(DataSource source, Dialect dialect) {
        Jdbi jdbi = Jdbi.create(source);
        ColumnTypes.install(jdbi, dialect);
        return jdbi;
    }

    /**
     * Opens the connection pools; does not migrate.
     *
     * @param url where the database is; a relative SQLite path is taken relative to the working
     *     directory, so resolve it against the data directory first
     * @param settings pool size and connect timeout
     * @return the open database
     * @throws StorageException if the database cannot be reached or opened, naming it and the cause
     */
    public static Database open(DatabaseUrl url, DatabaseSettings settings) {
        Objects.requireNonNull(url, "url");
        Objects.requireNonNull(settings, "settings");
        Database database = switch (url) {
            case DatabaseUrl.Sqlite sqlite -> openSqlite(sqlite, settings);
            case DatabaseUrl.Postgres postgres -> openPostgres(postgres, settings);
        };
        LOG.atInfo()
                .setMessage("database opened")
                .addKeyValue("dialect", url.dialect())
                .addKeyValue("url", database.url)
                .addKeyValue("max_connections", settings.maxConnections())
                .log();
        return database;
    }

    private static Database openSqlite(DatabaseUrl.Sqlite sqlite, DatabaseSettings settings) {
        Path file = sqlite.file().toAbsolutePath();
        DatabaseUrl.Sqlite absolute = new DatabaseUrl.Sqlite(file);
        try {
            Files.createDirectories(file.getParent());
        } catch (IOException e) {
            throw new StorageException("cannot create the directory of SQLite database " + file + ": " + e, e);
        }
        if (Files.isDirectory(file)) {
            throw new StorageException("cannot open SQLite database " + file + ": it is a directory");
        }
        HikariDataSource write = null;
        try {
            // The write pool opens first: its connection creates the file and switches it to WAL,
            // which the read-only connections cannot do.
            write = pool("nexuslink-sqlite-write", sqliteSource(file, settings, false), 1, settings);
            requireWal(write, file);
            HikariConfig readConfig = poolConfig("nexuslink-sqlite-read", settings.maxConnections(), settings);
            readConfig.setDataSource(sqliteSource(file, settings, true));
            // HikariCP sets every new connection's read-only flag; sqlite-jdbc refuses to change it.
            readConfig.setReadOnly(true);
            HikariDataSource read = new HikariDataSource(readConfig);
            return new Database(absolute, write, read);
        } catch (RuntimeException | SQLException e) {
            if (write != null) {
                write.close();
            }
            if (e instanceof StorageException storage) {
                throw storage;
            }
            throw new StorageException("cannot open SQLite database " + file + ": " + rootMessage(e), e);
        }
    }

    private static DataSource sqliteSource(Path file, DatabaseSettings settings, boolean readOnly) {
        SQLiteConfig config = new SQLiteConfig();
        config.enforceForeignKeys(true);
        config.setBusyTimeout(Math.toIntExact(settings.connectTimeout().toMillis()));
        // FULL: a commit is on disk (WAL fsynced) before we acknowledge it; NORMAL could lose the
        // last commits on power loss.
        config.setSynchronous(SQLiteConfig.SynchronousMode.FULL);
        if (readOnly) {
            config.setReadOnly(true);
        } else {
            config.setJournalMode(SQLiteConfig.JournalMode.WAL);
            // Take the write lock at BEGIN: a deferred transaction that later upgrades can fail
            // with SQLITE_BUSY at once, whatever the busy timeout, if another process writes.
            config.setTransactionMode(SQLiteConfig.TransactionMode.IMMEDIATE);
        }
        SQLiteDataSource source = new SQLiteDataSource(config);
        source.setUrl("jdbc:sqlite:" + file);
        return source;
    }

    private static void requireWal(HikariDataSource write, Path file) throws SQLException {
        try (Connection connection = write.getConnection();
                Statement statement = connection.createStatement();
                ResultSet result = statement.executeQuery("PRAGMA journal_mode")) {
            String mode = result.next() ? result.getString(1) : "";
            if (!"wal".equalsIgnoreCase(mode)) {
                throw new StorageException("SQLite database " + file + " is in journal mode '" + mode
                        + "', not WAL; its file system may not support shared memory");
            }
        }
    }

    private static Database openPostgres(DatabaseUrl.Postgres postgres, DatabaseSettings settings) {
        HikariConfig config = poolConfig("nexuslink-postgres", settings.maxConnections(), settings);
        config.setJdbcUrl(postgres.jdbcUrl());
        config.setUsername(postgres.user());
        if (!postgres.password().isEmpty()) {
            config.setPassword(postgres.password());
        }
        int seconds = (int) Math.max(1, (settings.connectTimeout().toMillis() + 999) / 1000);
        config.addDataSourceProperty("connectTimeout", seconds);
        config.addDataSourceProperty("loginTimeout", seconds);
        config.addDataSourceProperty("tcpKeepAlive", true);
        if (!postgres.parameters().containsKey("application_name")) {
            config.addDataSourceProperty("ApplicationName", "nexuslink");
        }
        try {
            HikariDataSource pool = new HikariDataSource(config);
            return new Database(postgres, pool, pool);
        } catch (RuntimeException e) {
            throw new StorageException("cannot connect to PostgreSQL " + postgres + ": " + rootMessage(e), e);
        }
    }

    private static HikariDataSource pool(String name, DataSource source, int size, DatabaseSettings settings) {
        HikariConfig config = poolConfig(name, size, settings);
        config.setDataSource(source);
        return new HikariDataSource(config);
    }

    private static HikariConfig poolConfig(String name, int size, DatabaseSettings settings) {
        HikariConfig config = new HikariConfig();
        config.setPoolName(name);
        config.setMaximumPoolSize(size);
        config.setMinimumIdle(1);
        long timeout = settings.connectTimeout().toMillis();
        config.setConnectionTimeout(timeout);
        config.setValidationTimeout(Math.min(timeout, 5_000));
        return config;
    }

    private static String rootMessage(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return root.getMessage() == null ? root.getClass().getSimpleName() : root.getMessage();
    }

    /** Where this database is (for a relative SQLite path, the absolute file); its toString hides the password. */
    public DatabaseUrl url() {
        return url;
    }

    /** SQLITE or POSTGRES. */
    public Dialect dialect() {
        return url.dialect();
    }

    /**
     * Applies pending Flyway migrations from {@code db/migration}, forward only. On PostgreSQL with
     * {@code ?schema=}, the schema is created if missing and the tables go there.
     *
     * @return the versions applied by this call (none when the schema is current)
     * @throws StorageException if a migration fails (it is rolled back) or an applied one changed
     * @throws IllegalStateException if called inside {@link #inTransaction} or after {@link #close()}
     */
    public MigrationResult migrate() {
        return migrate(Schema.COMMUNITY);
    }

    /**
     * Applies pending Flyway migrations of one role's schema, forward only; each schema keeps its
     * own history table, so the two roles' version numbers never collide.
     *
     * @return the versions applied by this call (none when the schema is current)
     * @throws StorageException if a migration fails (it is rolled back) or an applied one changed
     * @throws IllegalStateException if called inside {@link #inTransaction} or after {@link #close()}
     */
    public MigrationResult migrate(Schema target) {
        Objects.requireNonNull(target, "target");
        requireOpen();
        FluentConfiguration config = Flyway.configure(Database.class.getClassLoader())
                .dataSource(writePool)
                .placeholders(dialect().migrationPlaceholders())
                .failOnMissingLocations(true)
                .validateMigrationNaming(true)
                .cleanDisabled(true);
        switch (target) {
            case COMMUNITY ->
                config.locations(MIGRATIONS)
                        .javaMigrations(
                                new QueueWriteFunction(dialect()),
                                new LimitsMigration(dialect()),
                                new QueueCountersFirstMigration(dialect()));
            case DIRECTORY ->
                config.locations(
                                DIRECTORY_MIGRATIONS + "/common",
                                DIRECTORY_MIGRATIONS + "/" + dialect().name().toLowerCase(java.util.Locale.ROOT))
                        .table("directory_schema_history");
        }
        if (url instanceof DatabaseUrl.Postgres postgres && postgres.schema().isPresent()) {
            String schema = postgres.schema().get();
            config.schemas(schema).defaultSchema(schema).createSchemas(true);
        }
        Flyway flyway = config.load();
        try {
            MigrateResult result = writingAlone(flyway::migrate);
            List<String> applied = result.migrations.stream()
                    .map(migration -> migration.version)
                    .toList();
            MigrationInfo current = flyway.info().current();
            String version = current == null ? "none" : current.getVersion().getVersion();
            LOG.atInfo()
                    .setMessage("database migrated")
                    .addKeyValue("applied", applied)
                    .addKeyValue("version", version)
                    .log();
            return new MigrationResult(applied, version);
        } catch (FlywayException e) {
            throw new StorageException("migrating " + url + " failed: " + e.getMessage(), e);
        }
    }

    /**
     * Whether the database answers a trivial query within {@link #REACHABILITY_TIMEOUT}, for
     * {@code /health}. On PostgreSQL the configured schema must still exist; on SQLite the file.
     * A change of state is logged (warn when lost, info when back). Never throws.
     */
    public boolean isReachable() {
        if (closed.get()) {
            return false;
        }
        FutureTask<Boolean> check = new FutureTask<>(this::answersQuery);
        Thread.ofVirtual().name("nexuslink-db-reachable").start(check);
        boolean reachable;
        Throwable failure = null;
        try {
            reachable = check.get(REACHABILITY_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            check.cancel(true);
            reachable = false;
            failure = e;
        } catch (ExecutionException e) {
            reachable = false;
            failure = e.getCause();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
        if (lastReachable.getAndSet(reachable) != reachable) {
            if (reachable) {
                LOG.atInfo()
                        .setMessage("database reachable again")
                        .addKeyValue("url", url)
                        .log();
            } else {
                LOG.atWarn()
                        .setMessage("database unreachable")
                        .addKeyValue("url", url)
                        .addKeyValue("cause", failure == null ? missingPart() : rootMessage(failure))
                        .log();
            }
        }
        return reachable;
    }

    private String missingPart() {
        return switch (url) {
            case DatabaseUrl.Sqlite sqlite -> "database file is missing";
            case DatabaseUrl.Postgres postgres ->
                "schema " + postgres.schema().orElse("of the search path") + " is missing";
        };
    }

    private boolean answersQuery() throws SQLException {
        if (url instanceof DatabaseUrl.Sqlite sqlite && !Files.isRegularFile(sqlite.file())) {
            return false;
        }
        // current_schema() is NULL once the search path's schema is gone.
        String query = dialect() == Dialect.POSTGRES ? "SELECT current_schema() IS NOT NULL" : "SELECT 1 = 1";
        try (Connection connection = readPool.getConnection();
                Statement statement = connection.createStatement()) {
            statement.setQueryTimeout((int) REACHABILITY_TIMEOUT.toSeconds());
            try (ResultSet result = statement.executeQuery(query)) {
                return result.next() && result.getBoolean(1);
            }
        }
    }

    /**
     * The Jdbi for reads. On SQLite its connections are read-only (writes fail); on PostgreSQL
     * writes would work but belong in {@link #inTransaction}. Thread-safe.
     */
    public Jdbi jdbi() {
        return readJdbi;
    }

    /**
     * Runs {@code work} in one write transaction: committed if it returns, rolled back if it throws.
     * On SQLite, writers run one at a time (waiting in turn, never failing with SQLITE_BUSY); keep
     * the work short and free of network I/O. Not re-entrant: pass the {@code Handle} you have.
     *
     * @param work the transaction's statements
     * @return what {@code work} returns
     * @throws X what {@code work} throws
     * @throws IllegalStateException if called inside another {@code inTransaction} on this thread
     */
    public <R, X extends Exception> R inTransaction(HandleCallback<R, X> work) throws X {
        Objects.requireNonNull(work, "work");
        requireOpen();
        return writingAlone(() -> writeJdbi.inTransaction(work));
    }

    /**
     * Runs {@code work} on a write connection in auto-commit mode: each statement it sends is a
     * transaction of its own, committed before the statement returns. For a write that one
     * statement can do whole (on PostgreSQL, the delivery queue's call of its write function, which
     * inserts and deletes), this saves the round trip of a separate {@code COMMIT}. Waits for
     * SQLite's write lock like {@link #inTransaction}.
     *
     * @throws IllegalStateException if called inside a write transaction on this thread
     */
    public <R, X extends Exception> R autoCommitted(HandleCallback<R, X> work) throws X {
        Objects.requireNonNull(work, "work");
        requireOpen();
        return writingAlone(() -> writeJdbi.withHandle(work));
    }

    /** Runs a write under SQLite's in-process write lock (on PostgreSQL, just runs it). */
    private <R, X extends Exception> R writingAlone(ThrowingSupplier<R, X> write) throws X {
        if (inWriteTransaction.get()) {
            throw new IllegalStateException("write called inside another write transaction; use its Handle");
        }
        boolean locked = dialect() == Dialect.SQLITE;
        if (locked) {
            try {
                writeLock.lockInterruptibly();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new StorageException("interrupted while waiting to write to " + url, e);
            }
        }
        inWriteTransaction.set(true);
        try {
            return write.get();
        } finally {
            inWriteTransaction.set(false);
            if (locked) {
                writeLock.unlock();
            }
        }
    }

    /**
     * On SQLite, copies every committed page of the write-ahead log into the database file and
     * truncates the log to zero bytes, so earlier page images (deleted content among them) leave
     * the disk; run it after a deletion that must not linger. Waits for the write lock like a
     * write transaction. On PostgreSQL it does nothing.
     *
     * @return false if a reader still held an older snapshot, so the log could not be emptied
     *     (SQLite reuses it from the start later; a later call finishes the job)
     * @throws IllegalStateException if called inside a write transaction on this thread
     */
    public boolean truncateWriteAheadLog() {
        requireOpen();
        if (dialect() != Dialect.SQLITE) {
            return true;
        }
        return writingAlone(() -> {
            try (Connection connection = writePool.getConnection();
                    Statement statement = connection.createStatement();
                    ResultSet result = statement.executeQuery("PRAGMA wal_checkpoint(TRUNCATE)")) {
                // One row: busy (0 or 1), frames in the log, frames checkpointed.
                return result.next() && result.getInt(1) == 0;
            } catch (SQLException e) {
                throw new StorageException(
                        "cannot checkpoint the write-ahead log of " + url + ": " + e.getMessage(), e);
            }
        });
    }

    @FunctionalInterface
    private interface ThrowingSupplier<R, X extends Exception> {
        R get() throws X;
    }

    /**
     * Registers the gauge {@code nexuslink_db_pool_connections} with {@code state=active|idle|total|pending},
     * summed over the pools (on SQLite the write connection is counted with the readers).
     *
     * @param registry where to register
     */
    public void bindMetrics(MeterRegistry registry) {
        Objects.requireNonNull(registry, "registry");
        gauge(registry, "active", HikariPoolMXBean::getActiveConnections);
        gauge(registry, "idle", HikariPoolMXBean::getIdleConnections);
        gauge(registry, "total", HikariPoolMXBean::getTotalConnections);
        gauge(registry, "pending", HikariPoolMXBean::getThreadsAwaitingConnection);
    }

    private void gauge(MeterRegistry registry, String state, ToIntFunction<HikariPoolMXBean> value) {
        Gauge.builder(MetricName.DB_POOL_CONNECTIONS.meterName(), this, database -> database.sumOverPools(value))
                .tag("state", state)
                .description("Database connection pool connections by state")
                .register(registry);
    }

    private double sumOverPools(ToIntFunction<HikariPoolMXBean> value) {
        if (closed.get()) {
            return 0;
        }
        int sum = value.applyAsInt(writePool.getHikariPoolMXBean());
        if (readPool != writePool) {
            sum += value.applyAsInt(readPool.getHikariPoolMXBean());
        }
        return sum;
    }

    private void requireOpen() {
        if (closed.get()) {
            throw new IllegalStateException("database " + url + " is closed");
        }
    }

    /**
     * Closes the pools (HikariCP gives borrowed connections a short grace period, then aborts
     * them). Afterwards {@link #isReachable()} is false and writes fail. Idempotent.
     */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        if (readPool != writePool) {
            readPool.close();
        }
        writePool.close();
        LOG.atInfo().setMessage("database closed").addKeyValue("url", url).log();
    }

    @Override
    public String toString() {
        return "Database[" + url + "]";
    }
}
