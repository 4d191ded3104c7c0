// SPDX-License-Identifier: AGPL-3.0-or-later
package org.nexuslink.server.transparency;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.locks.ReentrantLock;
import org.jdbi.v3.core.Handle;
import org.nexuslink.crypto.identity.AccountId;
import org.nexuslink.crypto.identity.DeviceCertificate;
import org.nexuslink.crypto.identity.InvalidCertificateException;
import org.nexuslink.crypto.server.ServerKeyPair;
import org.nexuslink.crypto.transparency.KeyLogEntry;
import org.nexuslink.crypto.transparency.MerkleTree;
import org.nexuslink.crypto.transparency.SignedTreeHead;
import org.nexuslink.crypto.transparency.TreeHash;
import org.nexuslink.protocol.ErrorCode;
import org.nexuslink.server.auth.Principal;
import org.nexuslink.server.http.ApiException;
import org.nexuslink.server.storage.Database;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The server's key-transparency log (issue 21, docs/key-transparency.md): appends an entry for
 * every change of an account's keys in the transaction that makes the change, signs tree heads
 * with the server key, and answers proofs.
 *
 * <p>A head is signed on demand, whenever one is asked for and the log has grown past the latest
 * signed head, and every {@link #HEAD_INTERVAL} by the server's scheduler; so every answer
 * carries a head that covers every committed entry. Thread-safe: {@link #signing} keeps one node
 * from signing the same size twice at once; {@link KeyLogStore#saveHead} settles races between
 * nodes (the first head of a size stays).
 */
public final class KeyTransparency {
    /** How often the scheduler signs a head when the log has grown. */
    public static final Duration HEAD_INTERVAL = Duration.ofMinutes(1);
    /** Most leaves one {@code GET /api/v1/kt/leaves} returns. */
    public static final int MAX_LEAVES_PER_PAGE = 1000;

    private static final Logger log = LoggerFactory.getLogger(KeyTransparency.class);

    /** A leaf with its inclusion proof in the tree of {@code head}'s size. */
    public record ProvenLeaf(KeyLogStore.Leaf leaf, List<TreeHash> inclusionProof) {
        public ProvenLeaf {
            Objects.requireNonNull(leaf, "leaf");
            inclusionProof = List.copyOf(inclusionProof);
        }
    }

    /** An account's entries, each proven in the tree of the signed head. */
    public record AccountProof(AccountId account, SignedTreeHead head, List<ProvenLeaf> leaves) {
        public AccountProof {
            Objects.requireNonNull(account, "account");
            Objects.requireNonNull(head, "head");
            leaves = List.copyOf(leaves);
        }
    }

    private final Database database;
    private final KeyLogStore store;
    private final ServerKeyPair serverKey;
    private final Clock clock;
    /** Held while one node checks and signs a head; guards no state of its own. */
    private final ReentrantLock signing = new ReentrantLock();

    public KeyTransparency(Database database, KeyLogStore store, ServerKeyPair serverKey, Clock clock) {
        this.database = Objects.requireNonNull(database, "database");
        this.store = Objects.requireNonNull(store, "store");
        this.serverKey = Objects.requireNonNull(serverKey, "serverKey");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /** Appends {@code entry} in the caller's transaction (the one that changes the keys). */
    public long append(Handle h, KeyLogEntry entry) {
        return store.append(h, entry, clock.instant());
    }

    /**
     * Logs the keys of members and devices that joined before the log existed, when the log is
     * empty: an identity entry per member and a device entry per active device. Returns how many
     * entries it appended.
     */
    public int backfill() {
        int appended = database.inTransaction(h -> {
            // Locked: nodes of a cluster starting together backfill once.
            if (store.lockedSize(h) > 0) {
                return 0;
            }
            // The one read of the accounts tables outside their stores: a one-off, read-only copy
            // of what they held before the log began.
            List<String> accounts = h.createQuery("SELECT account_id FROM members ORDER BY joined_at, account_id")
                    .mapTo(String.class)
                    .list();
            List<byte[]> certificates = h.createQuery("SELECT certificate FROM devices WHERE revoked_at IS NULL "
                            + "ORDER BY registered_at, account_id, device_id")
                    .mapTo(byte[].class)
                    .list();
            Instant now = clock.instant();
            List<KeyLogEntry> entries = new ArrayList<>();
            for (String account : accounts) {
                entries.add(new KeyLogEntry.IdentityKey(Principal.storedAccount(account), now));
            }
            for (byte[] bytes : certificates) {
                try {
                    // Logged at its creation time, when the certificate was valid, so auditors can
                    // check it as they check any other entry.
                    DeviceCertificate certificate = DeviceCertificate.decodeUnverified(bytes);
                    entries.add(KeyLogEntry.DeviceAdded.of(certificate, certificate.createdAt()));
                } catch (InvalidCertificateException e) {
                    throw new IllegalStateException("a stored device certificate does not parse: " + e.getMessage(), e);
                }
            }
            store.appendAll(h, entries, now);
            return entries.size();
        });
        if (appended > 0) {
            log.atInfo().addKeyValue("entries", appended).log("key log started from existing members");
        }
        return appended;
    }

    /** The latest signed head, signing one now when the log has grown past it. */
    public SignedTreeHead head() {
        long size = store.size();
        Optional<SignedTreeHead> latest = store.latestHead();
        if (latest.isPresent() && latest.get().treeSize() >= size) {
            return latest.get();
        }
        return signHead();
    }

    /** Signs a head for the current size when the log has grown; what the scheduler calls. */
    public SignedTreeHead signHead() {
        signing.lock();
        try {
            long size = store.size();
            Optional<SignedTreeHead> latest = store.latestHead();
            if (latest.isPresent() && latest.get().treeSize() >= size) {
                return latest.get();
            }
            TreeHash root = MerkleTree.root(size, store.nodes());
            SignedTreeHead head = store.saveHead(SignedTreeHead.sign(serverKey, size, clock.instant(), root));
            log.atDebug().addKeyValue("size", head.treeSize()).log("tree head signed");
            return head;
        } finally {
            signing.unlock();
        }
    }

    /**
     * The account's entries with inclusion proofs under the latest head.
     *
     * @throws ApiException {@code not_found} when the log holds nothing for the account
     */
    public AccountProof proof(AccountId account) {
        return findProof(account)
                .orElseThrow(() -> new ApiException(ErrorCode.NOT_FOUND, "the key log holds no entry for " + account));
    }

    /** As {@link #proof}, empty when the log holds nothing for the account. */
    public Optional<AccountProof> findProof(AccountId account) {
        SignedTreeHead head = head();
        List<KeyLogStore.Leaf> leaves = store.leaves(account, head.treeSize());
        if (leaves.isEmpty()) {
            return Optional.empty();
        }
        List<ProvenLeaf> proven = new ArrayList<>(leaves.size());
        for (KeyLogStore.Leaf leaf : leaves) {
            proven.add(new ProvenLeaf(leaf, MerkleTree.inclusionProof(leaf.index(), head.treeSize(), store.nodes())));
        }
        return Optional.of(new AccountProof(account, head, proven));
    }

    /**
     * The consistency proof between two tree sizes.
     *
     * @throws ApiException {@code invalid_field} unless {@code 0 < from <= to <= } the log's size
     */
    public List<TreeHash> consistency(long from, long to) {
        long size = store.size();
        if (from <= 0 || from > to || to > size) {
            throw new ApiException(
                    ErrorCode.INVALID_FIELD,
                    "consistency needs 0 < from <= to <= " + size + " (the log's size), got from=" + from + " to="
                            + to);
        }
        return MerkleTree.consistencyProof(from, to, store.nodes());
    }

    /**
     * A page of leaves, for auditors.
     *
     * @throws ApiException {@code invalid_field} for a negative start or a count outside 1..1000
     */
    public List<KeyLogStore.Leaf> leaves(long start, int count) {
        if (start < 0 || count < 1 || count > MAX_LEAVES_PER_PAGE) {
            throw new ApiException(
                    ErrorCode.INVALID_FIELD,
                    "leaves needs start >= 0 and count 1.." + MAX_LEAVES_PER_PAGE + ", got start=" + start + " count="
                            + count);
        }
        return store.leaves(start, count);
    }

    /** Signs a head if the log grew; errors are logged, for the scheduler. */
    public void signOnSchedule() {
        try {
            signHead();
        } catch (RuntimeException e) {
            log.atWarn().addKeyValue("error", e.toString()).log("tree head signing failed; retrying");
        }
    }
}
