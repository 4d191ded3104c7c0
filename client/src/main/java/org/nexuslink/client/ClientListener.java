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
     * A message could not be accepted: it did not decrypt or authenticate, came from a device its
     * account revoked, or came with a changed device key that its account did not certify
     * ({@code identityChanged}).
     */
    default void onRejected(String sender, String reason, boolean identityChanged) { }

    /**
     * Warning, as Signal's "safety number changed": a known device of {@code account} (a contact
     * or this account) now uses another key, which the account's identity key certified (the
     * device was re-linked or restored). Messages go on with the new key; the user should verify
     * the contact again if the change is unexpected.
     */
    default void onSafetyNumberChanged(String account, int device) { }

    /**
     * Warning: the community server's key-transparency log does not back what it showed
     * ({@code account}'s keys were refused, the log was forked or rolled back), or this account's
     * own key history changed in a way this device did not make (issue 21). {@code reason} is
     * {@code key_not_in_log}, {@code missing_proof}, {@code bad_signature}, {@code bad_proof},
     * {@code inconsistent_log}, {@code rolled_back} or {@code own_keys_changed}.
     */
    default void onKeyTransparencyWarning(String account, String reason, String message) { }

    /** A server notice ({@code prekeys_low}, {@code device_removed}, ...). */
    default void onNotice(String type, String detail) { }

    /** The connection opened ({@code true}) or dropped ({@code false}). */
    default void onConnection(boolean connected) { }
}
