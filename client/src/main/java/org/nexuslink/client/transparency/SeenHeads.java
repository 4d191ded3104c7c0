// SPDX-License-Identifier: AGPL-3.0-or-later
package org.nexuslink.client.transparency;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.Objects;
import java.util.Optional;
import org.nexuslink.client.store.Settings;
import org.nexuslink.crypto.server.ServerPublicKey;
import org.nexuslink.crypto.transparency.SignedTreeHead;

/**
 * Where a client keeps the largest tree head it has verified for one server (per pinned server
 * key): in its encrypted profile, or in a file for {@code nexuslink kt audit --state}. Not
 * thread-safe: {@link KeyTransparencyVerifier} is its one owner and locks around it.
 */
public interface SeenHeads {
    Optional<SignedTreeHead> largest();

    void record(SignedTreeHead head);

    /** In the profile's sealed settings, under {@code kt-head:<server key>}. */
    static SeenHeads in(Settings settings, ServerPublicKey server) {
        Objects.requireNonNull(settings, "settings");
        String key = "kt-head:" + server.base64();
        return new SeenHeads() {
            @Override
            public Optional<SignedTreeHead> largest() {
                return settings.get(key).map(SignedTreeHead::decode);
            }

            @Override
            public void record(SignedTreeHead head) {
                settings.put(key, head.encoded());
            }
        };
    }

    /** In a file of one line, {@code nexuslink-kt-head-v1 <base64 of the encoded head>}. */
    static SeenHeads inFile(Path file) {
        Objects.requireNonNull(file, "file");
        String prefix = "nexuslink-kt-head-v1 ";
        return new SeenHeads() {
            @Override
            public Optional<SignedTreeHead> largest() {
                if (!Files.exists(file)) {
                    return Optional.empty();
                }
                try {
                    String text =
                            Files.readString(file, StandardCharsets.US_ASCII).strip();
                    if (!text.startsWith(prefix)) {
                        throw new IllegalArgumentException(file + " is not a key-transparency state file");
                    }
                    return Optional.of(
                            SignedTreeHead.decode(Base64.getDecoder().decode(text.substring(prefix.length()))));
                } catch (IOException e) {
                    throw new UncheckedIOException("cannot read " + file, e);
                }
            }

            @Override
            public void record(SignedTreeHead head) {
                try {
                    Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
                    Files.writeString(
                            tmp,
                            prefix + Base64.getEncoder().encodeToString(head.encoded()) + "\n",
                            StandardCharsets.US_ASCII);
                    Files.move(
                            tmp,
                            file,
                            java.nio.file.StandardCopyOption.REPLACE_EXISTING,
                            java.nio.file.StandardCopyOption.ATOMIC_MOVE);
                } catch (IOException e) {
                    throw new UncheckedIOException("cannot write " + file, e);
                }
            }
        };
    }

    /** Kept in memory only, for one run. */
    static SeenHeads inMemory() {
        return new SeenHeads() {
            private SignedTreeHead head;

            @Override
            public Optional<SignedTreeHead> largest() {
                return Optional.ofNullable(head);
            }

            @Override
            public void record(SignedTreeHead h) {
                head = h;
            }
        };
    }
}
