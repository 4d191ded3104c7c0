// SPDX-License-Identifier: AGPL-3.0-or-later
package org.nexuslink.client.store;

import java.time.Instant;
import java.util.Arrays;
import java.util.Objects;
import java.util.Optional;

/**
 * A message as the profile keeps it, decrypted from the wire and sealed again in the store.
 * Equality compares the attachment bytes by content.
 *
 * @param conversationId the conversation, {@code "dm:..."} or {@code "ch:..."}
 * @param ref unique in the conversation: a channel message's mid in decimal, or the hex of a
 *     direct message's 16-byte id
 * @param senderAccount the sender's account id
 * @param senderDevice the sender's device id
 * @param direction received or sent
 * @param kind the event kind: 1 text, 3 file, 5 revoke (an open registry)
 * @param sentAt the sender's time; orders history
 * @param receivedAt when this device stored it
 * @param text the text (empty for a file without caption, or once revoked)
 * @param replyTo the ref of the message this one answers
 * @param attachment the sealed file descriptor of a kind-3 message, opaque here
 * @param revoked true once revoked; its text and attachment are then erased
 */
public record StoredMessage(
        String conversationId,
        String ref,
        String senderAccount,
        int senderDevice,
        Direction direction,
        int kind,
        Instant sentAt,
        Instant receivedAt,
        String text,
        Optional<String> replyTo,
        Optional<byte[]> attachment,
        boolean revoked) {

    public StoredMessage {
        Objects.requireNonNull(conversationId, "conversationId");
        Objects.requireNonNull(ref, "ref");
        Objects.requireNonNull(senderAccount, "senderAccount");
        Objects.requireNonNull(direction, "direction");
        Objects.requireNonNull(sentAt, "sentAt");
        Objects.requireNonNull(receivedAt, "receivedAt");
        Objects.requireNonNull(text, "text");
        Objects.requireNonNull(replyTo, "replyTo");
        Objects.requireNonNull(attachment, "attachment");
        if (conversationId.isEmpty() || ref.isEmpty()) {
            throw new IllegalArgumentException("a stored message needs a conversation id and a ref");
        }
        if (kind < 0) {
            throw new IllegalArgumentException("a message kind is not negative, got " + kind);
        }
        RowCodec.epochNanos(sentAt);
        attachment = attachment.map(byte[]::clone);
    }

    /** A copy of the attachment bytes. */
    @Override
    public Optional<byte[]> attachment() {
        return attachment.map(byte[]::clone);
    }

    /** This message with another ref. */
    public StoredMessage withRef(String newRef) {
        return new StoredMessage(
                conversationId,
                newRef,
                senderAccount,
                senderDevice,
                direction,
                kind,
                sentAt,
                receivedAt,
                text,
                replyTo,
                attachment,
                revoked);
    }

    /** This message revoked: flagged, its text and attachment erased. */
    public StoredMessage asRevoked() {
        return new StoredMessage(
                conversationId,
                ref,
                senderAccount,
                senderDevice,
                direction,
                kind,
                sentAt,
                receivedAt,
                "",
                replyTo,
                Optional.empty(),
                true);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof StoredMessage m
                && conversationId.equals(m.conversationId)
                && ref.equals(m.ref)
                && senderAccount.equals(m.senderAccount)
                && senderDevice == m.senderDevice
                && direction == m.direction
                && kind == m.kind
                && sentAt.equals(m.sentAt)
                && receivedAt.equals(m.receivedAt)
                && text.equals(m.text)
                && replyTo.equals(m.replyTo)
                && attachment.isPresent() == m.attachment.isPresent()
                && (attachment.isEmpty() || Arrays.equals(attachment.get(), m.attachment.get()))
                && revoked == m.revoked;
    }

    @Override
    public int hashCode() {
        return Objects.hash(conversationId, ref, sentAt);
    }

    /** Shows ids and times, never the text or the attachment. */
    @Override
    public String toString() {
        return "StoredMessage[" + conversationId + " " + ref + " kind=" + kind + " " + direction
                + " from=" + senderAccount + ":" + senderDevice + " sentAt=" + sentAt
                + (revoked ? " revoked" : "") + "]";
    }
}
