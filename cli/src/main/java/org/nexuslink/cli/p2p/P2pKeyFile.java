// SPDX-License-Identifier: AGPL-3.0-or-later
package org.nexuslink.cli.p2p;

import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import org.nexuslink.p2p.MalformedDataException;
import org.nexuslink.p2p.PeerKeyPair;

/**
 * The profile's libp2p key ({@code p2p.key}: the peer-ids spec's PrivateKey protobuf), created
 * on first use with owner-only permissions so the PeerId stays the same across runs.
 */
final class P2pKeyFile {
    static final String NAME = "p2p.key";

    private P2pKeyFile() {}

    static PeerKeyPair loadOrCreate(Path profile) throws IOException {
        Path file = profile.resolve(NAME);
        if (Files.exists(file)) {
            try {
                return PeerKeyPair.decodePrivateKey(Files.readAllBytes(file));
            } catch (MalformedDataException e) {
                throw new IOException("not a libp2p private key: " + file, e);
            }
        }
        Files.createDirectories(profile);
        PeerKeyPair key = PeerKeyPair.generate(new SecureRandom());
        try {
            Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        } catch (FileAlreadyExistsException raced) {
            return loadOrCreate(profile);
        } catch (UnsupportedOperationException notPosix) {
            Files.createFile(file);
        }
        Files.write(file, key.encodedPrivateKey(), StandardOpenOption.TRUNCATE_EXISTING);
        return key;
    }
}
