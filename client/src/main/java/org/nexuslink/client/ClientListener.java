// SPDX-License-Identifier: AGPL-3.0-or-later
package org.nexuslink.client;

import org.nexuslink.client.store.StoredMessage;

/**
 * What a {@link NexusClient} tells its user interface. Called on the client's worker thread, in
 * the order things happened; keep it short. Every method does nothing by default.
 */
public interface ClientListener {
    /** A new message was decrypted and stored (never called twice for the same message). */
    default void onMessage(StoredMessage message) { }

    /** A message was revoked by {@code by}; it stays in the store, marked. */
    default void onRevoked(String conversationId, String ref, String by) { }

    /**
     * A message could not be accepted: it did not decrypt or authenticate, or the sender's device
     * key changed ({@code identityChanged}), which is never accepted silently.
     */
    default void onRejected(String sender, String reason, boolean identityChanged) { }

    /** A server notice ({@code prekeys_low}, {@code device_removed}, ...). */
    default void onNotice(String type, String detail) { }

    /** The connection opened ({@code true}) or dropped ({@code false}). */
    default void onConnection(boolean connected) { }
}
