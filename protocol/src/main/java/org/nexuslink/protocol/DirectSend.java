// SPDX-License-Identifier: AGPL-3.0-or-later
package org.nexuslink.protocol;

import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * Body of {@code send_direct}: one direct message, encrypted by the sender once per recipient
 * device and once per the sender's own other devices. The server stores one queue entry per
 * copy, or none if the copies do not match the accounts' current devices.
 *
 * @param messageId the sender's 16-byte id of the message; copies of one message share it, and
 *     a resend after a lost ack reuses it so recipients can drop duplicates
 * @param copies one ciphertext per device, at most one per (account, device)
 */
public record DirectSend(Bytes messageId, List<Copy> copies) implements Body {
    /** Length of a message id. */
    public static final int MESSAGE_ID_LENGTH = 16;

    /** Validates the id length and that no device appears twice. */
    public DirectSend {
        Objects.requireNonNull(messageId, "messageId");
        copies = List.copyOf(copies);
        if (messageId.length() != MESSAGE_ID_LENGTH) {
            throw new IllegalArgumentException("message id must have 16 bytes, got " + messageId.length());
        }
        if (copies.isEmpty()) {
            throw new IllegalArgumentException("a direct message needs at least one copy");
        }
        Set<String> seen = new HashSet<>();
        for (Copy copy : copies) {
            if (!seen.add(copy.account() + ":" + copy.device())) {
                throw new IllegalArgumentException(
                        "device " + copy.device() + " of " + copy.account() + " appears twice");
            }
        }
    }

    /**
     * One device's ciphertext.
     *
     * @param account the recipient account id ({@code nxl:...})
     * @param device the recipient device id, 1..127
     * @param type the libsignal message type (e.g. 3 PreKeySignalMessage, 2 SignalMessage), opaque to servers
     * @param ciphertext the encrypted message, opaque to servers
     */
    public record Copy(String account, int device, int type, Bytes ciphertext) {
        /** Largest libsignal message type value carried. */
        public static final int MAX_TYPE = 255;

        /** Validates ranges. */
        public Copy {
            Objects.requireNonNull(account, "account");
            Objects.requireNonNull(ciphertext, "ciphertext");
            if (account.isEmpty() || account.length() > 60) {
                throw new IllegalArgumentException("account must have 1 to 60 characters");
            }
            if (device < 1 || device > 127) {
                throw new IllegalArgumentException("device must be 1..127, got " + device);
            }
            if (type < 0 || type > MAX_TYPE) {
                throw new IllegalArgumentException("type must be 0..255, got " + type);
            }
            if (ciphertext.length() == 0) {
                throw new IllegalArgumentException("ciphertext must not be empty");
            }
        }
    }
}
