// SPDX-License-Identifier: AGPL-3.0-or-later
package org.nexuslink.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.io.TempDir;
import org.nexuslink.client.community.CommunityApi;
import org.nexuslink.client.transparency.KeyTransparencyException;
import org.nexuslink.client.transparency.KeyTransparencyVerifier;
import org.nexuslink.client.transparency.LogClient;
import org.nexuslink.client.transparency.SeenHeads;
import org.nexuslink.crypto.server.ServerKeyPair;
import org.nexuslink.crypto.transparency.SignedTreeHead;
import org.nexuslink.crypto.transparency.TreeHash;
import org.nexuslink.server.storage.Database;
import org.nexuslink.server.storage.DatabaseUrl;
import org.nexuslink.server.testing.DatabaseTest;
import org.nexuslink.server.testing.MutableClock;
import org.signal.libsignal.protocol.SignalProtocolAddress;

/**
 * Issue 21's attacks by a deliberately malicious server: the real community server, whose
 * operator then edits its database behind the application's back (a key slipped into bundles
 * without a log entry, the log restored from an old backup, the log rewritten) or signs a head
 * of another log with the server key. The client detects each one, warns, and refuses.
 */
class KeyTransparencyAttackTest {
    private final MutableClock clock = new MutableClock();

    @TempDir
    Path dir;

    private static long logSize(Database database) {
        return database.jdbi()
                .withHandle(h -> h.createQuery("SELECT tree_size FROM kt_state")
                        .mapTo(Long.class)
                        .one());
    }

    /** What an operator restoring an old backup of the log does: drops every leaf from {@code size} on. */
    private static void truncateLog(Database database, long size) {
        database.inTransaction(h -> {
            h.createUpdate("DELETE FROM kt_leaves WHERE leaf_index >= :size")
                    .bind("size", size)
                    .execute();
            for (int level = 0; level < 40; level++) {
                // A node covers leaves [index * 2^level, (index + 1) * 2^level): drop those reaching past size.
                h.createUpdate("DELETE FROM kt_nodes WHERE level = :level AND (node_index + 1) * :width > :size")
                        .bind("level", level)
                        .bind("width", 1L << level)
                        .bind("size", size)
                        .execute();
            }
            h.createUpdate("DELETE FROM kt_heads WHERE tree_size > :size")
                    .bind("size", size)
                    .execute();
            return h.createUpdate("UPDATE kt_state SET tree_size = :size")
                    .bind("size", size)
                    .execute();
        });
    }

    private static long queuedFor(Database database, String account, int device) {
        return database.jdbi()
                .withHandle(h -> h.createQuery("SELECT COUNT(*) FROM message_queue "
                                + "WHERE recipient_account = :a AND recipient_device = :d")
                        .bind("a", account)
                        .bind("d", device)
                        .mapTo(Long.class)
                        .one());
    }

    private static String nextWarning(TestProfile profile) throws InterruptedException {
        String warning = profile.transparencyWarnings.poll(TestProfile.WAIT.toMillis(), TimeUnit.MILLISECONDS);
        assertThat(warning)
                .as("a key-transparency warning reached " + profile.id())
                .isNotNull();
        return warning;
    }

    @DatabaseTest
    void a_device_key_slipped_into_bundles_without_a_log_entry_is_refused(DatabaseUrl url, Database database)
            throws Exception {
        try (TwoMembers members = TwoMembers.joined(url, clock, dir, Map.of());
                TestProfile rogue = TestProfile.linked(dir.resolve("rogue"), members.bob(), 3)) {
            TestProfile alice = members.alice();
            TestProfile bob = members.bob();
            alice.client.sendText(bob.dm(), "hello bob", Optional.empty());
            assertThat(bob.next().text()).isEqualTo("hello bob");
            long before = logSize(database);

            // Someone holding Bob's identity key certifies a device of their own; the operator
            // serves its bundle but keeps it out of the log, so Bob's monitoring never sees it.
            bob.client.registerDevice(rogue.keys.certificate());
            rogue.joinAndConnect(members.community(), "");
            truncateLog(database, before);
            bob.transparencyWarnings.clear();

            assertThatThrownBy(() -> alice.client.sendText(bob.dm(), "for bob only", Optional.empty()))
                    .as("the server insists on the unlogged device; the client will not write to it");
            assertThat(nextWarning(alice))
                    .contains(bob.id())
                    .contains("key_not_in_log")
                    .contains("device 3");
            assertThat(alice.client.store().signal().containsSession(new SignalProtocolAddress(bob.id(), 3)))
                    .as("no session with the unlogged key")
                    .isFalse();
            assertThat(queuedFor(database, bob.id(), 3))
                    .as("no copy for the unlogged device")
                    .isZero();
        }
    }

    @DatabaseTest
    void a_log_rolled_back_to_an_old_backup_is_refused(DatabaseUrl url, Database database) throws Exception {
        try (TwoMembers members = TwoMembers.joined(url, clock, dir, Map.of());
                TestProfile carol = TestProfile.create(dir.resolve("carol"), clock)) {
            TestProfile alice = members.alice();
            long backup = logSize(database);
            carol.joinAndConnect(members.community(), "carol");
            alice.client.sendText(carol.dm(), "hello carol", Optional.empty());
            assertThat(carol.next().text()).isEqualTo("hello carol");
            SignedTreeHead seen = largestHead(alice, members);
            assertThat(seen.treeSize()).isGreaterThan(backup);

            truncateLog(database, backup);
            alice.transparencyWarnings.clear();
            alice.client.close();
            alice.reopen();
            alice.client.connect(); // monitoring checks the account's history on connect

            assertThat(nextWarning(alice)).contains("rolled_back");
            assertThat(largestHead(alice, members))
                    .as("the largest head seen never shrinks")
                    .isEqualTo(seen);
        }
    }

    @DatabaseTest
    void a_rewritten_log_is_refused(DatabaseUrl url, Database database) throws Exception {
        try (TwoMembers members = TwoMembers.joined(url, clock, dir, Map.of());
                TestProfile carol = TestProfile.create(dir.resolve("carol"), clock);
                TestProfile dave = TestProfile.create(dir.resolve("dave"), clock);
                TestProfile tablet = TestProfile.linked(dir.resolve("bob-tablet"), members.bob(), 2)) {
            TestProfile alice = members.alice();
            TestProfile bob = members.bob();
            long backup = logSize(database);
            carol.joinAndConnect(members.community(), "carol");
            alice.client.sendText(carol.dm(), "hello carol", Optional.empty());
            assertThat(carol.next().text()).isEqualTo("hello carol");
            long seen = largestHead(alice, members).treeSize();

            // The operator forks: back to an old log, then other entries past what Alice saw.
            truncateLog(database, backup);
            dave.joinAndConnect(members.community(), "dave");
            bob.client.registerDevice(tablet.keys.certificate());
            tablet.joinAndConnect(members.community(), "");
            assertThat(logSize(database)).isGreaterThan(seen);
            alice.transparencyWarnings.clear();

            assertThatThrownBy(() -> alice.client.sendText(bob.dm(), "to every device of bob", Optional.empty()))
                    .satisfies(e -> assertThat(causes(e)).anyMatch(KeyTransparencyException.class::isInstance));
            assertThat(nextWarning(alice)).contains("inconsistent_log");
            assertThat(largestHead(alice, members).treeSize()).isEqualTo(seen);
        }
    }

    @DatabaseTest
    void contacts_comparing_heads_catch_a_server_showing_them_different_logs(DatabaseUrl url) throws Exception {
        try (TwoMembers members = TwoMembers.joined(url, clock, dir, Map.of())) {
            CommunityApi api = new CommunityApi(members.community()).trustOnFirstUse();
            ServerKeyPair serverKey =
                    ServerKeyPair.loadOrCreate(dir.resolve("server").resolve("server.key"), new SecureRandom());
            KeyTransparencyVerifier alice =
                    new KeyTransparencyVerifier(serverKey.publicKey(), SeenHeads.inMemory(), new LogClient(api));
            SignedTreeHead honest = alice.accept(new LogClient(api).head());

            // What the server showed Bob instead: a head of the same size over another log.
            SignedTreeHead split = SignedTreeHead.sign(
                    serverKey, honest.treeSize(), honest.timestamp(), TreeHash.leaf(new byte[] {1}));
            // And a larger one whose tree does not extend Alice's.
            SignedTreeHead larger = SignedTreeHead.sign(
                    serverKey, honest.treeSize() + 1, honest.timestamp(), TreeHash.leaf(new byte[] {2}));

            assertThatThrownBy(() -> alice.acceptFromContact(split, "bob"))
                    .isInstanceOf(KeyTransparencyException.class)
                    .satisfies(e -> assertThat(((KeyTransparencyException) e).reason())
                            .isEqualTo(KeyTransparencyException.Reason.INCONSISTENT_LOG));
            assertThatThrownBy(() -> alice.acceptFromContact(larger, "bob"))
                    .isInstanceOf(KeyTransparencyException.class)
                    .satisfies(e -> assertThat(((KeyTransparencyException) e).reason())
                            .isEqualTo(KeyTransparencyException.Reason.INCONSISTENT_LOG));
            // Signed by another key: not this server's head at all.
            SignedTreeHead foreign = SignedTreeHead.sign(
                    ServerKeyPair.generate(new SecureRandom()), honest.treeSize(), honest.timestamp(), honest.root());
            assertThatThrownBy(() -> alice.acceptFromContact(foreign, "bob"))
                    .satisfies(e -> assertThat(((KeyTransparencyException) e).reason())
                            .isEqualTo(KeyTransparencyException.Reason.BAD_SIGNATURE));
            assertThat(alice.largestHead()).contains(honest);

            // Bob's honest head, seen later, extends Alice's and is taken.
            try (TestProfile second = TestProfile.linked(dir.resolve("bob-2"), members.bob(), 2)) {
                members.bob().client.registerDevice(second.keys.certificate());
            }
            SignedTreeHead bobs = new LogClient(api).head();
            alice.acceptFromContact(bobs, "bob");
            assertThat(alice.largestHead()).contains(bobs);
        }
    }

    @DatabaseTest
    void a_server_showing_two_contacts_different_logs_is_caught_by_the_heads_they_exchange(
            DatabaseUrl url, Database database) throws Exception {
        try (TwoMembers members = TwoMembers.joined(url, clock, dir, Map.of());
                TestProfile carol = TestProfile.create(dir.resolve("carol"), clock);
                TestProfile dave = TestProfile.create(dir.resolve("dave"), clock)) {
            TestProfile alice = members.alice();
            TestProfile bob = members.bob();
            alice.client.sendText(bob.dm(), "hi bob", Optional.empty());
            assertThat(bob.next().text()).isEqualTo("hi bob");
            long backup = logSize(database);
            // Bob sees the log grow with Carol; Alice does not look meanwhile.
            carol.joinAndConnect(members.community(), "carol");
            bob.client.sendText(carol.dm(), "hi carol", Optional.empty());
            assertThat(carol.next().text()).isEqualTo("hi carol");
            SignedTreeHead bobs = largestHead(bob, members);

            // The operator forks: Alice is shown a log where Dave, not Carol, came after the backup.
            truncateLog(database, backup);
            dave.joinAndConnect(members.community(), "dave");
            alice.client.sendText(dave.dm(), "hi dave", Optional.empty());
            assertThat(dave.next().text()).isEqualTo("hi dave");
            SignedTreeHead alices = largestHead(alice, members);
            assertThat(alices.treeSize()).isEqualTo(bobs.treeSize());
            assertThat(alices.root()).as("two views of one size").isNotEqualTo(bobs.root());
            assertThat(alice.transparencyWarnings)
                    .as("alone, Alice cannot tell")
                    .isEmpty();

            // Bob writes to Alice; his message carries the head he saw.
            bob.client.sendText(alice.dm(), "what log do you see?", Optional.empty());
            assertThat(alice.next().text()).isEqualTo("what log do you see?");
            alice.client.close();
            alice.reopen();
            alice.client.connect(); // nothing kept across the restart: gossip is checked in memory
            bob.client.sendText(alice.dm(), "and now?", Optional.empty());
            assertThat(alice.next().text()).isEqualTo("and now?");
            // A bundle fetch checks the gossip first. (Carol is not in Alice's view of the log, so the
            // message itself is refused too.)
            assertThatThrownBy(() -> alice.client.sendText(carol.dm(), "hi carol", Optional.empty()))
                    .satisfies(e -> assertThat(causes(e)).anyMatch(KeyTransparencyException.class::isInstance));

            assertThat(nextWarning(alice)).contains(bob.id()).contains("inconsistent_log");
            assertThat(nextWarning(alice)).contains(carol.id()).contains("missing_proof");
        }
    }

    @DatabaseTest
    void a_device_added_with_a_stolen_identity_key_is_reported_to_the_owner(DatabaseUrl url) throws Exception {
        try (TwoMembers members = TwoMembers.joined(url, clock, dir, Map.of());
                TestProfile laptop = TestProfile.linked(dir.resolve("bob-laptop"), members.bob(), 2);
                TestProfile rogue = TestProfile.linked(dir.resolve("rogue"), members.bob(), 3)) {
            TestProfile bob = members.bob();
            // Bob links his laptop from his phone: a change the phone made, not reported to it.
            bob.client.registerDevice(laptop.keys.certificate());
            laptop.joinAndConnect(members.community(), "");
            // A thief with the laptop's token and Bob's identity key adds a device of their own.
            laptop.client.registerDevice(rogue.keys.certificate());
            bob.transparencyWarnings.clear();

            bob.client.close();
            bob.reopen();
            bob.client.connect(); // monitoring checks the account's history on connect
            assertThat(nextWarning(bob))
                    .contains("own_keys_changed")
                    .contains("device 3")
                    .doesNotContain("device 2");
            assertThat(bob.transparencyWarnings.poll(500, TimeUnit.MILLISECONDS))
                    .as("one warning")
                    .isNull();

            // The next check reports nothing new.
            bob.client.close();
            bob.reopen();
            bob.client.connect();
            assertThat(bob.transparencyWarnings.poll(500, TimeUnit.MILLISECONDS))
                    .isNull();
        }
    }

    private static List<Throwable> causes(Throwable e) {
        List<Throwable> out = new ArrayList<>();
        for (Throwable t = e; t != null && !out.contains(t); t = t.getCause()) {
            out.add(t);
        }
        return out;
    }

    private static SignedTreeHead largestHead(TestProfile profile, TwoMembers members) throws Exception {
        CommunityApi api = new CommunityApi(members.community()).trustOnFirstUse();
        return SeenHeads.in(profile.client.store().settings(), api.pinnedKey().orElseThrow())
                .largest()
                .orElseThrow();
    }
}
