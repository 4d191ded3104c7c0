// SPDX-License-Identifier: AGPL-3.0-or-later
package org.nexuslink.client.session;

import java.time.Instant;
import java.util.Objects;
import org.nexuslink.client.content.Payload;

/**
 * A message decrypted and authenticated: who sent it (as the server authenticated the sender
 * and, for direct messages, as the sender's certified session key proves), its conversation-local
 * ref and the payload.
 *
 * @param conversationId {@code dm:<account>} or {@code ch:<uuid>}
 * @param ref the channel event's mid in decimal, or the hex of the direct message id
 * @param serverTime when the server stored it
 */
public record Received(
        String conversationId,
        String ref,
        String senderAccount,
        int senderDevice,
        Instant serverTime,
        Payload payload) {
    public Received {
        Objects.requireNonNull(conversationId, "conversationId");
        Objects.requireNonNull(ref, "ref");
        Objects.requireNonNull(senderAccount, "senderAccount");
        Objects.requireNonNull(serverTime, "serverTime");
        Objects.requireNonNull(payload, "payload");
    }
}
