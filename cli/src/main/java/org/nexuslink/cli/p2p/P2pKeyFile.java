// SPDX-License-Identifier: AGPL-3.0-or-later
package org.nexuslink.cli.p2p;

import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.Optional;
import org.nexuslink.client.store.ProfileStore;
import org.nexuslink.crypto.file.AtomicFile;
import org.nexuslink.p2p.MalformedDataException;
import org.nexuslink.p2p.PeerKeyPair;

/**
 * Where a profile keeps its libp2p key (the peer-ids spec's PrivateKey protobuf), so its PeerId
 * stays the same across runs. A profile with an identity keeps it sealed in its encrypted store
 * (setting {@value #SETTING}), unlocked by the keystore's passphrase like every other key; a key
 * file left by an older version is moved in there and deleted. A profile without an identity (a
 * bare node) has nothing to encrypt with and keeps {@code p2p.key}, owner-only, created whole or
 * not at all ({@link AtomicFile#create}): a crash cannot leave an empty key file, and of two
 * commands starting at once on a new profile both end up with the one key on disk. An empty
 * file, which only a crash of an older version could leave, is replaced.
 */
final class P2pKeyFile {
    static final String NAME = "p2p.key";
    static final String SETTING = "p2p.private_key";

    /**
     * The key of a profile with an identity, from its store; moved there from {@code p2p.key} if
     * that exists, made there otherwise.
     *
     * @throws IOException if the stored key or the old file is not a libp2p private key
     */
    static PeerKeyPair loadOrCreate(Path profile, ProfileStore store) throws IOException {
        Optional<byte[]> stored = store.settings().get(SETTING);
        if (stored.isPresent()) {
            try {
                return PeerKeyPair.decodePrivateKey(stored.get());
            } catch (MalformedDataException e) {
                throw new IOException("the libp2p key in profile " + profile + " is not a libp2p private key", e);
            }
        }
        Path file = profile.resolve(NAME);
        PeerKeyPair key = Files.exists(file) && Files.size(file) > 0
                ? loadOrCreate(profile)
                : PeerKeyPair.generate(new SecureRandom());
        store.settings().put(SETTING, key.encodedPrivateKey()); // committed, durably, before the file goes
        Files.deleteIfExists(file);
        return key;
    }

    private P2pKeyFile() {}

    static PeerKeyPair loadOrCreate(Path profile) throws IOException {
        Path file = profile.resolve(NAME);
        if (Files.exists(file) && Files.size(file) > 0) {
            try {
                return PeerKeyPair.decodePrivateKey(Files.readAllBytes(file));
            } catch (MalformedDataException e) {
                throw new IOException("not a libp2p private key: " + file, e);
            }
        }
        PeerKeyPair key = PeerKeyPair.generate(new SecureRandom());
        if (Files.exists(file)) {
            AtomicFile.write(file, key.encodedPrivateKey());
            return key;
        }
        try {
            AtomicFile.create(file, key.encodedPrivateKey());
        } catch (FileAlreadyExistsException raced) {
            return loadOrCreate(profile);
        }
        return key;
    }
}
