// SPDX-License-Identifier: AGPL-3.0-or-later
package org.nexuslink.server.delivery;

import java.time.Instant;
import java.util.Objects;
import java.util.UUID;
import org.nexuslink.protocol.Bytes;
import org.nexuslink.server.auth.Principal;

/**
 * One direct-message copy waiting for its device.
 *
 * @param id the entry id the device acknowledges (0 before it is stored)
 */
public record QueueEntry(
        long id,
        UUID messageId,
        Principal recipient,
        Principal sender,
        int type,
        Bytes ciphertext,
        Instant createdAt,
        Instant expiresAt) {
    public QueueEntry {
        Objects.requireNonNull(messageId, "messageId");
        Objects.requireNonNull(recipient, "recipient");
        Objects.requireNonNull(sender, "sender");
        Objects.requireNonNull(ciphertext, "ciphertext");
        Objects.requireNonNull(createdAt, "createdAt");
        Objects.requireNonNull(expiresAt, "expiresAt");
    }

    QueueEntry withId(long newId) {
        return new QueueEntry(newId, messageId, recipient, sender, type, ciphertext, createdAt, expiresAt);
    }
}
