// SPDX-License-Identifier: AGPL-3.0-or-later
package org.nexuslink.cli.p2p;

import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import org.nexuslink.crypto.file.AtomicFile;
import org.nexuslink.p2p.MalformedDataException;
import org.nexuslink.p2p.PeerKeyPair;

/**
 * The profile's libp2p key ({@code p2p.key}: the peer-ids spec's PrivateKey protobuf), created
 * on first use with owner-only permissions so the PeerId stays the same across runs. It is
 * created whole or not at all ({@link AtomicFile#create}): a crash cannot leave an empty key file,
 * and of two commands starting at once on a new profile both end up with the one key on disk. An
 * empty file, which only a crash of an older version could leave, is replaced.
 */
final class P2pKeyFile {
    static final String NAME = "p2p.key";

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
