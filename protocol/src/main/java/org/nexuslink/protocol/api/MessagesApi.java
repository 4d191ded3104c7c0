// SPDX-License-Identifier: AGPL-3.0-or-later
package org.nexuslink.protocol.api;

import java.util.List;
import org.nexuslink.protocol.Bytes;

/** The bodies of {@code /api/v1/messages}, the REST form of direct messages (docs/api.md). */
public final class MessagesApi {
    private MessagesApi() {}

    /** One device's sealed copy of a direct message. */
    public record Copy(String account, int device, int type, Bytes ciphertext) {}

    /** {@code POST /api/v1/messages/send}. */
    public record SendRequest(Bytes messageId, List<Copy> copies) {}

    /** When the server accepted the message and how many copies it queued. */
    public record SendResponse(String time, int queued) {}

    /** A queued copy waiting for this device. */
    public record Pending(
            long entry, Bytes messageId, String sender, int senderDevice, String time, int type, Bytes ciphertext) {}

    /** {@code GET /api/v1/messages/pending}: a page, and whether more wait. */
    public record PendingPage(List<Pending> messages, boolean more) {
        public PendingPage {
            messages = messages == null ? List.of() : List.copyOf(messages);
        }
    }
}
