// SPDX-License-Identifier: AGPL-3.0-or-later
package org.nexuslink.client;

import java.util.Objects;
import java.util.Optional;
import org.nexuslink.client.store.StoredMessage;
import org.nexuslink.client.transparency.KeyTransparencyException;
import org.nexuslink.crypto.identity.AccountId;

/**
 * What a {@link NexusClient} tells the application, in the order it happened (see
 * {@link NexusClient#subscribe}). Handle it with an exhaustive {@code switch}: a new event then
 * fails to compile until it is handled.
 */
public sealed interface ClientEvent {
    /**
     * A message was decrypted and stored, received or sent by another device of this account;
     * never told twice for the same message.
     */
    record MessageReceived(StoredMessage message) implements ClientEvent {
        public MessageReceived {
            Objects.requireNonNull(message, "message");
        }
    }

    /**
     * A message was revoked; it stays in the store, marked, its content erased.
     *
     * @param revoker who revoked it; empty when a moderator deleted it on the server
     */
    record MessageRevoked(Conversation conversation, MessageRef ref, Optional<AccountId> revoker)
            implements ClientEvent {
        public MessageRevoked {
            Objects.requireNonNull(conversation, "conversation");
            Objects.requireNonNull(ref, "ref");
            Objects.requireNonNull(revoker, "revoker");
        }
    }

    /**
     * A message could not be accepted: it did not decrypt or authenticate, came from a device its
     * account revoked, or came with a changed device key that its account did not certify
     * ({@code identityChanged}). The reason quotes no content.
     */
    record MessageRejected(AccountId sender, String reason, boolean identityChanged) implements ClientEvent {
        public MessageRejected {
            Objects.requireNonNull(sender, "sender");
            Objects.requireNonNull(reason, "reason");
        }
    }

    /**
     * Warning, as Signal's "safety number changed": a known device of {@code account} (a contact
     * or this account) now uses another key, which the account's identity key certified (the
     * device was re-linked or restored). Messages go on with the new key; the user should verify
     * the contact again if the change is unexpected.
     */
    record SafetyNumberChanged(AccountId account, int device) implements ClientEvent {
        public SafetyNumberChanged {
            Objects.requireNonNull(account, "account");
        }
    }

    /**
     * This device was removed from its account (by itself, another device holding the identity
     * key, or an admin): the server closed the connection and the client stops reconnecting.
     */
    record DeviceRemoved(String detail) implements ClientEvent {
        public DeviceRemoved {
            Objects.requireNonNull(detail, "detail");
        }
    }

    /** The connection to the community opened ({@code true}) or dropped ({@code false}). */
    record ConnectionChanged(boolean connected) implements ClientEvent {}

    /**
     * Warning (key transparency, docs/key-transparency.md): the community server's key log does
     * not back what the server showed, and the client refused it. {@code account}'s keys are not in
     * the log (the server may be impersonating it: no message goes to them), a proof or head does
     * not verify, or the log was forked or rolled back, as the server showed it to this client or
     * to the contact {@code account} (whose messages carry the heads it saw).
     */
    record KeyLogRefused(AccountId account, KeyTransparencyException.Reason reason, String message)
            implements ClientEvent {
        public KeyLogRefused {
            Objects.requireNonNull(account, "account");
            Objects.requireNonNull(reason, "reason");
            Objects.requireNonNull(message, "message");
        }
    }

    /**
     * Warning (key-transparency monitoring): this account's key history in the server's log
     * changed in a way this device did not make: a device added or removed, the account joined
     * again, or this device's own key missing from the log. Checked on every connect and every
     * {@link NexusClient#KEY_MONITOR_INTERVAL}. If the user did not make the change, the identity
     * key or the server is compromised.
     */
    record OwnKeysChanged(String message) implements ClientEvent {
        public OwnKeysChanged {
            Objects.requireNonNull(message, "message");
        }
    }
}
