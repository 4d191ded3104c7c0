// SPDX-License-Identifier: AGPL-3.0-or-later
package org.nexuslink.p2p;

/**
 * Bytes or text from a peer (or a user) that do not follow the libp2p format they claim to be:
 * a bad varint, multiaddr, PeerId, protobuf field or frame.
 *
 * <p>Every decoder of the p2p module throws this and nothing else for malformed input, so a
 * hostile peer can at worst get its stream or connection closed.
 */
public final class MalformedDataException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public MalformedDataException(String message) {
        super(message);
    }

    public MalformedDataException(String message, Throwable cause) {
        super(message, cause);
    }
}
