// SPDX-License-Identifier: AGPL-3.0-or-later
package org.nexuslink.client.transparency;

import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.Objects;
import org.nexuslink.crypto.server.ServerPublicKey;
import org.nexuslink.crypto.transparency.SignedTreeHead;

/**
 * A tree head one contact shows another inside their end-to-end encrypted conversation, so that
 * a server showing them different logs is caught (docs/key-transparency.md, "Gossip"). Encoded as
 * version {@code 0x01}, the 32-byte server key whose log it is, and the 113-byte encoded head:
 * 146 bytes. Immutable.
 */
public record HeadGossip(ServerPublicKey server, SignedTreeHead head) {
    public static final int VERSION = 1;
    public static final int LENGTH = 1 + ServerPublicKey.LENGTH + 113;

    public HeadGossip {
        Objects.requireNonNull(server, "server");
        Objects.requireNonNull(head, "head");
    }

    public byte[] encode() {
        return ByteBuffer.allocate(LENGTH)
                .put((byte) VERSION)
                .put(server.bytes())
                .put(head.encoded())
                .array();
    }

    /**
     * Parses a gossiped head; the head is verified by {@link KeyTransparencyVerifier#acceptFromContact}.
     *
     * @throws IllegalArgumentException when the bytes are not a gossiped head
     */
    public static HeadGossip decode(byte[] bytes) {
        Objects.requireNonNull(bytes, "bytes");
        if (bytes.length != LENGTH || bytes[0] != VERSION) {
            throw new IllegalArgumentException("a gossiped tree head has " + LENGTH + " bytes and version " + VERSION);
        }
        return new HeadGossip(
                ServerPublicKey.of(Arrays.copyOfRange(bytes, 1, 1 + ServerPublicKey.LENGTH)),
                SignedTreeHead.decode(Arrays.copyOfRange(bytes, 1 + ServerPublicKey.LENGTH, LENGTH)));
    }
}
