// SPDX-License-Identifier: AGPL-3.0-or-later
package org.nexuslink.server.transparency;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import org.nexuslink.crypto.identity.AccountId;
import org.nexuslink.crypto.identity.AccountIdentity;
import org.nexuslink.crypto.server.ServerKeyPair;
import org.nexuslink.crypto.transparency.KeyLogEntry;
import org.nexuslink.crypto.transparency.MerkleProofs;
import org.nexuslink.crypto.transparency.MerkleTree;
import org.nexuslink.crypto.transparency.TreeHash;
import org.nexuslink.server.storage.Database;
import org.nexuslink.server.storage.DatabaseSettings;
import org.nexuslink.server.storage.DatabaseUrl;
import org.nexuslink.server.testing.PostgresDatabaseExtension;

/**
 * Issue 21's benchmark (not a test): appends per second, and proof generation and proof sizes in
 * a log of {@code leaves} entries, on SQLite or a fresh PostgreSQL schema. docs/benchmarks.md
 * gives the command and the figures.
 *
 * <p>Arguments: {@code sqlite|postgres leaves [single-appends]}.
 */
public final class KeyLogBenchmark {
    private KeyLogBenchmark() {}

    public static void main(String[] args) throws Exception {
        String dialect = args.length > 0 ? args[0] : "sqlite";
        long leaves = args.length > 1 ? Long.parseLong(args[1]) : 1_000_000;
        int singles = args.length > 2 ? Integer.parseInt(args[2]) : 2_000;
        DatabaseUrl url;
        Runnable cleanup;
        if (dialect.equals("postgres")) {
            DatabaseUrl.Postgres server = PostgresDatabaseExtension.serverUrl();
            String schema = "nxl_ktbench_" + HexFormat.of().formatHex(new SecureRandom().generateSeed(4));
            PostgresDatabaseExtension.execute(server, "CREATE SCHEMA " + schema);
            url = server.withSchema(schema);
            cleanup = () -> PostgresDatabaseExtension.execute(server, "DROP SCHEMA IF EXISTS " + schema + " CASCADE");
        } else {
            Path dir = Files.createTempDirectory("ktbench");
            url = new DatabaseUrl.Sqlite(dir.resolve("kt.db"));
            cleanup = () -> {};
        }
        try (Database database = Database.open(url, new DatabaseSettings(8, Duration.ofSeconds(10)))) {
            database.migrate();
            run(database, dialect, leaves, singles);
        } finally {
            cleanup.run();
        }
    }

    private static void run(Database database, String dialect, long leaves, int singles) {
        KeyLogStore store = new KeyLogStore(database);
        KeyTransparency log =
                new KeyTransparency(database, store, ServerKeyPair.generate(new SecureRandom()), Clock.systemUTC());
        List<AccountId> accounts = new ArrayList<>();
        for (int i = 0; i < 1000; i++) {
            accounts.add(AccountIdentity.generate().accountId());
        }
        // Accounts with one entry each, spread over the log, as real accounts are (2 to 5 entries).
        List<AccountId> sampled = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            sampled.add(AccountIdentity.generate().accountId());
        }
        long spread = Math.max(1, (leaves - singles) / 200);
        Instant t0 = Instant.ofEpochSecond(1_800_000_000L);
        System.out.printf("database %s, target %,d leaves%n", dialect, leaves);

        // Appends as the server makes them: one key change, one transaction, durably committed.
        long start = System.nanoTime();
        for (int i = 0; i < singles; i++) {
            KeyLogEntry e = new KeyLogEntry.IdentityKey(accounts.get(i % 1000), t0.plusSeconds(i));
            database.inTransaction(h -> log.append(h, e));
        }
        double singleRate = singles / seconds(start);
        System.out.printf("appends, one per transaction: %,.0f/s (%,d appends)%n", singleRate, singles);

        // Building the large log: many appends per transaction.
        start = System.nanoTime();
        long size = store.size();
        int batch = 5_000;
        while (size < leaves) {
            long from = size;
            int n = (int) Math.min(batch, leaves - size);
            List<KeyLogEntry> entries = new ArrayList<>(n);
            for (int i = 0; i < n; i++) {
                long k = from + i;
                long sample = (k - singles) / spread;
                AccountId who = (k - singles) % spread == 0 && sample < sampled.size()
                        ? sampled.get((int) sample)
                        : accounts.get((int) (k % 1000));
                entries.add(new KeyLogEntry.IdentityKey(who, t0.plusSeconds(k)));
            }
            database.inTransaction(h -> store.appendAll(h, entries, Instant.now()));
            size += n;
            if (size % 100_000 == 0) {
                System.out.printf("  %,d leaves, %,.0f appends/s%n", size, (size - singles) / seconds(start));
            }
        }
        System.out.printf(
                "appends, %d per transaction (appendAll): %,.0f/s%n", batch, (leaves - singles) / seconds(start));

        long treeSize = store.size();
        start = System.nanoTime();
        TreeHash root = MerkleTree.root(treeSize, store.nodes());
        System.out.printf("root of %,d leaves: %.2f ms%n", treeSize, seconds(start) * 1000);

        Random random = new Random(1);
        int proofs = 1_000;
        long[] inclusion = new long[proofs];
        int maxInclusion = 0;
        for (int i = 0; i < proofs; i++) {
            long index = Math.floorMod(random.nextLong(), treeSize);
            long s = System.nanoTime();
            List<TreeHash> proof = MerkleTree.inclusionProof(index, treeSize, store.nodes());
            inclusion[i] = System.nanoTime() - s;
            maxInclusion = Math.max(maxInclusion, proof.size());
            if (i < 20) {
                byte[] data = store.leaves(index, 1).getFirst().entry().toByteArray();
                try {
                    MerkleProofs.verifyInclusion(index, treeSize, TreeHash.leaf(data), proof, root);
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            }
        }
        report("inclusion proof", inclusion, maxInclusion);

        long[] consistency = new long[proofs];
        int maxConsistency = 0;
        for (int i = 0; i < proofs; i++) {
            long from = 1 + Math.floorMod(random.nextLong(), treeSize - 1);
            long s = System.nanoTime();
            List<TreeHash> proof = MerkleTree.consistencyProof(from, treeSize, store.nodes());
            consistency[i] = System.nanoTime() - s;
            maxConsistency = Math.max(maxConsistency, proof.size());
        }
        report("consistency proof", consistency, maxConsistency);

        // What /kt/proof answers: the head, the account's entries and a proof for each.
        long[] account = new long[200];
        int entries = 0;
        for (int i = 0; i < account.length; i++) {
            long s = System.nanoTime();
            entries = log.proof(sampled.get(i)).leaves().size();
            account[i] = System.nanoTime() - s;
        }
        Arrays.sort(account);
        System.out.printf(
                "account proof (%,d entries each): median %.2f ms, p99 %.2f ms%n",
                entries, account[account.length / 2] / 1e6, account[account.length * 99 / 100] / 1e6);
    }

    private static void report(String what, long[] nanos, int maxHashes) {
        Arrays.sort(nanos);
        System.out.printf(
                "%s: median %.3f ms, p99 %.3f ms, at most %d hashes (%d bytes)%n",
                what,
                nanos[nanos.length / 2] / 1e6,
                nanos[nanos.length * 99 / 100] / 1e6,
                maxHashes,
                maxHashes * TreeHash.LENGTH);
    }

    private static double seconds(long startNanos) {
        return (System.nanoTime() - startNanos) / 1e9;
    }
}
