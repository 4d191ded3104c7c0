// SPDX-License-Identifier: AGPL-3.0-or-later
package org.nexuslink.client.content;

import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import org.nexuslink.protocol.Bytes;

/**
 * The plaintext a client encrypts: the content, when the sender wrote it, and what a direct
 * message needs besides.
 *
 * @param content what the message says
 * @param sentAt the sender's clock when it was written (milliseconds kept)
 * @param peer for a direct message: the conversation's other account as the sender sees it, so
 *     the sender's own other devices file their copy under the right conversation; empty in
 *     channels
 * @param certificate for a direct message that starts a session: the sending device's
 *     certificate, so the recipient can check that the session's identity key is certified by
 *     the sending account
 */
public record Payload(Content content, Instant sentAt, Optional<String> peer, Optional<Bytes> certificate) {
    public Payload {
        Objects.requireNonNull(content, "content");
        Objects.requireNonNull(sentAt, "sentAt");
        Objects.requireNonNull(peer, "peer");
        Objects.requireNonNull(certificate, "certificate");
    }

    /** A channel payload: content and time only. */
    public static Payload of(Content content, Instant sentAt) {
        return new Payload(content, sentAt, Optional.empty(), Optional.empty());
    }
}
