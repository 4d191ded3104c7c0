// SPDX-License-Identifier: AGPL-3.0-or-later
package org.nexuslink.protocol;

import java.time.Instant;
import java.util.Objects;

/**
 * Body of {@code direct_push}: one queued direct-message copy for the receiving device. The device
 * acknowledges it with an {@code ack} whose {@code mid} is {@link #entry()}, after storing it;
 * until then the server keeps it and pushes it again on the next connection.
 *
 * @param entry the server's id of this queue entry (uint64, not zero)
 * @param messageId the sender's message id, shared by all copies and by resends
 * @param sender the sending account
 * @param senderDevice the sending device, 1..127
 * @param time when the server accepted the message
 * @param type the libsignal message type the sender gave
 * @param ciphertext the encrypted message
 */
public record DirectPush(
        long entry, Bytes messageId, String sender, int senderDevice, Instant time, int type, Bytes ciphertext)
        implements Body {
    /** Validates the fields. */
    public DirectPush {
        Objects.requireNonNull(messageId, "messageId");
        Objects.requireNonNull(sender, "sender");
        Objects.requireNonNull(time, "time");
        Objects.requireNonNull(ciphertext, "ciphertext");
        if (entry == 0) {
            throw new IllegalArgumentException("entry must not be 0");
        }
        if (messageId.length() != DirectSend.MESSAGE_ID_LENGTH) {
            throw new IllegalArgumentException("message id must have 16 bytes, got " + messageId.length());
        }
        new DirectSend.Copy(sender, senderDevice, type, ciphertext);
    }
}
