// SPDX-License-Identifier: AGPL-3.0-or-later
package org.nexuslink.client.transparency;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.locks.ReentrantLock;
import org.nexuslink.client.RefusedException;
import org.nexuslink.client.transparency.KeyTransparencyException.Reason;
import org.nexuslink.crypto.identity.AccountId;
import org.nexuslink.crypto.server.ServerPublicKey;
import org.nexuslink.crypto.transparency.InvalidProofException;
import org.nexuslink.crypto.transparency.KeyLogEntry;
import org.nexuslink.crypto.transparency.MerkleProofs;
import org.nexuslink.crypto.transparency.SignedTreeHead;
import org.nexuslink.crypto.transparency.TreeHash;
import org.nexuslink.protocol.api.PrekeysApi;

/**
 * The client's key-transparency checks (issue 21, docs/key-transparency.md): every head must be
 * signed by the pinned server key and extend the largest head seen before (checked with a
 * consistency proof); every key a bundle offers must be in the log under such a head.
 *
 * <p>Thread-safe: {@link #lock} guards the read-check-record of the largest head, so two
 * concurrent checks cannot both record and the largest head only ever grows.
 */
public final class KeyTransparencyVerifier {
    private final ServerPublicKey serverKey;
    private final SeenHeads seen;
    private final LogClient log;
    private final ReentrantLock lock = new ReentrantLock();

    /**
     * @param serverKey the key pinned at join
     * @param seen where the largest verified head is kept
     * @param log the server's key-transparency routes, for consistency proofs
     */
    public KeyTransparencyVerifier(ServerPublicKey serverKey, SeenHeads seen, LogClient log) {
        this.serverKey = Objects.requireNonNull(serverKey, "serverKey");
        this.seen = Objects.requireNonNull(seen, "seen");
        this.log = Objects.requireNonNull(log, "log");
    }

    /** The largest head verified so far. */
    public Optional<SignedTreeHead> largestHead() {
        lock.lock();
        try {
            return seen.largest();
        } finally {
            lock.unlock();
        }
    }

    /**
     * Accepts a head the server showed: signed by the pinned key, not older than the largest seen,
     * and consistent with it; records it when it is larger.
     *
     * @throws KeyTransparencyException {@code BAD_SIGNATURE}, {@code ROLLED_BACK} or
     *     {@code INCONSISTENT_LOG}; nothing is recorded then
     */
    public SignedTreeHead accept(SignedTreeHead head) throws IOException, InterruptedException {
        checkSignature(head);
        lock.lock();
        try {
            Optional<SignedTreeHead> known = seen.largest();
            if (known.isEmpty()) {
                seen.record(head);
                return head;
            }
            SignedTreeHead ours = known.get();
            if (head.treeSize() < ours.treeSize()) {
                throw new KeyTransparencyException(
                        Reason.ROLLED_BACK,
                        "the server shows a key log of "
                                + head.treeSize() + " entries after it showed " + ours.treeSize()
                                + ": it rolled its log back, and may hide later key changes");
            }
            checkConsistent(ours, head, "the server");
            if (head.treeSize() > ours.treeSize()) {
                seen.record(head);
            }
            return head;
        } finally {
            lock.unlock();
        }
    }

    /**
     * Checks a head a contact saw (exchanged inside an encrypted conversation) against the largest
     * this client saw: a server that shows two people two different logs is caught here. A larger
     * head is accepted as from the server; a smaller one must be a prefix of ours.
     *
     * @throws KeyTransparencyException {@code BAD_SIGNATURE} or {@code INCONSISTENT_LOG}
     */
    public void acceptFromContact(SignedTreeHead head, String contact) throws IOException, InterruptedException {
        checkSignature(head);
        lock.lock();
        try {
            Optional<SignedTreeHead> known = seen.largest();
            if (known.isEmpty() || head.treeSize() > known.get().treeSize()) {
                if (known.isPresent()) {
                    checkConsistent(known.get(), head, contact + "'s view of the server");
                }
                seen.record(head);
                return;
            }
            checkConsistent(head, known.get(), contact + "'s view of the server");
        } finally {
            lock.unlock();
        }
    }

    /** Checks that {@code older} is a prefix of {@code newer}, asking the server for the proof. */
    private void checkConsistent(SignedTreeHead older, SignedTreeHead newer, String whose)
            throws IOException, InterruptedException {
        if (older.treeSize() == newer.treeSize()) {
            if (!older.root().equals(newer.root())) {
                throw new KeyTransparencyException(
                        Reason.INCONSISTENT_LOG,
                        whose + " signed two different key logs of " + older.treeSize()
                                + " entries: the log was forked");
            }
            return;
        }
        if (older.treeSize() == 0) {
            return; // every log extends the empty one
        }
        List<TreeHash> proof;
        try {
            proof = log.consistency(older.treeSize(), newer.treeSize());
        } catch (RefusedException e) {
            throw new KeyTransparencyException(
                    Reason.INCONSISTENT_LOG,
                    "the server cannot prove that its key log of "
                            + newer.treeSize() + " entries extends the one of " + older.treeSize() + " (" + whose
                            + "): "
                            + e.getMessage());
        }
        try {
            MerkleProofs.verifyConsistency(older.treeSize(), newer.treeSize(), older.root(), newer.root(), proof);
        } catch (InvalidProofException e) {
            throw new KeyTransparencyException(
                    Reason.INCONSISTENT_LOG,
                    "the key log of " + newer.treeSize()
                            + " entries (" + whose + ") does not extend the one of " + older.treeSize()
                            + " seen before: "
                            + e.getMessage());
        }
    }

    private void checkSignature(SignedTreeHead head) throws KeyTransparencyException {
        try {
            head.verify(serverKey);
        } catch (InvalidProofException e) {
            throw new KeyTransparencyException(Reason.BAD_SIGNATURE, e.getMessage());
        }
    }

    /**
     * Verifies an account's entries: the head is accepted, every entry is well formed, belongs to
     * the account and is included in the head's tree.
     *
     * @return the entries, oldest first, each with its leaf index
     */
    public List<Verified> verifyAccount(LogClient.AccountLog account) throws IOException, InterruptedException {
        SignedTreeHead head = accept(account.head());
        List<Verified> out = new ArrayList<>();
        for (LogClient.ProvenEntry e : account.entries()) {
            byte[] data = e.data().toByteArray();
            KeyLogEntry entry;
            try {
                entry = KeyLogEntry.decode(data);
                MerkleProofs.verifyInclusion(
                        e.index(), head.treeSize(), TreeHash.leaf(data), e.inclusionProof(), head.root());
            } catch (InvalidProofException ex) {
                throw new KeyTransparencyException(
                        Reason.BAD_PROOF,
                        "key-log entry " + e.index() + " of " + account.account() + " does not verify: "
                                + ex.getMessage());
            }
            if (!entry.account().equals(account.account())) {
                throw new KeyTransparencyException(
                        Reason.BAD_PROOF,
                        "key-log entry " + e.index() + " is for " + entry.account() + ", not " + account.account());
            }
            out.add(new Verified(e.index(), entry));
        }
        return out;
    }

    /** A verified entry and its leaf index. */
    public record Verified(long index, KeyLogEntry entry) {}

    /** What a bundle check found: the devices whose keys must not be used, and why. */
    public record BundleVerdict(Map<Integer, KeyTransparencyException> refused) {
        public BundleVerdict {
            refused = Map.copyOf(refused);
        }
    }

    /**
     * The check before a client trusts a prekey bundle answer ({@code GET /api/v1/prekeys/...}):
     * its {@code key_transparency} proof verifies and the account's identity key is in the log,
     * or nothing of the answer may be used; and each device certificate it offers was added in the
     * log and not removed since, or that device is refused (as a revoked one is).
     *
     * @return the refused devices, with the reason for each
     * @throws KeyTransparencyException when the answer as a whole must not be trusted
     */
    public BundleVerdict verifyBundle(AccountId account, PrekeysApi.Bundles answer)
            throws IOException, InterruptedException {
        List<Verified> entries = verifyAccount(LogClient.accountLog(account, answer.keyTransparency()));
        if (entries.stream().noneMatch(v -> v.entry() instanceof KeyLogEntry.IdentityKey)) {
            throw new KeyTransparencyException(
                    Reason.KEY_NOT_IN_LOG, "the identity key of " + account + " is not in the server's key log");
        }
        Map<Integer, KeyTransparencyException> refused = new TreeMap<>();
        for (PrekeysApi.DeviceBundle device : answer.devices()) {
            int id = device.deviceId();
            if (device.certificate() == null) {
                refused.put(
                        id,
                        new KeyTransparencyException(
                                Reason.BAD_PROOF, "device " + id + " of " + account + " carries no certificate"));
                continue;
            }
            byte[] certificate = device.certificate().toByteArray();
            Optional<Verified> added = entries.stream()
                    .filter(v -> v.entry() instanceof KeyLogEntry.DeviceAdded a
                            && Arrays.equals(a.certificate().toByteArray(), certificate))
                    .findFirst();
            if (added.isEmpty()) {
                refused.put(
                        id,
                        new KeyTransparencyException(
                                Reason.KEY_NOT_IN_LOG,
                                "device " + id + " of " + account
                                        + " offers a key that is not in the server's key log: refused (the server may be"
                                        + " impersonating the contact)"));
                continue;
            }
            byte[] key = ((KeyLogEntry.DeviceAdded) added.get().entry())
                    .parsedCertificate()
                    .devicePublicKeyBytes();
            boolean removed = entries.stream()
                    .anyMatch(v -> v.index() > added.get().index()
                            && v.entry() instanceof KeyLogEntry.DeviceRemoved r
                            && Arrays.equals(r.deviceKey().toByteArray(), key));
            if (removed) {
                refused.put(
                        id,
                        new KeyTransparencyException(
                                Reason.KEY_NOT_IN_LOG,
                                "device " + id + " of " + account
                                        + " offers a key the key log says was removed: refused"));
            }
        }
        return new BundleVerdict(refused);
    }
}
