// SPDX-License-Identifier: AGPL-3.0-or-later
package org.nexuslink.client.content;

import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
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
 * @param channel for a channel event: the channel it was written for. Inside the Sender Keys
 *     ciphertext it is authenticated with the content, so a reader refuses an event whose
 *     ciphertext was copied into another channel; empty in direct messages and sender keys (a
 *     {@link Content.SenderKey} names its channel itself)
 * @param keyLogHead for a direct message: the largest key-transparency tree head the sender has
 *     verified for its server, as {@code HeadGossip} bytes, so that contacts can tell whether the
 *     server shows them the same key log (docs/key-transparency.md, "Gossip"); empty otherwise
 */
public record Payload(
        Content content,
        Instant sentAt,
        Optional<String> peer,
        Optional<Bytes> certificate,
        Optional<UUID> channel,
        Optional<Bytes> keyLogHead) {
    public Payload {
        Objects.requireNonNull(keyLogHead, "keyLogHead");
        Objects.requireNonNull(content, "content");
        Objects.requireNonNull(sentAt, "sentAt");
        Objects.requireNonNull(peer, "peer");
        Objects.requireNonNull(certificate, "certificate");
        Objects.requireNonNull(channel, "channel");
        if (channel.isPresent() && content instanceof Content.SenderKey) {
            throw new IllegalArgumentException("a sender key names its channel in its content, not beside it");
        }
    }

    /** A payload without a gossiped tree head. */
    public Payload(
            Content content,
            Instant sentAt,
            Optional<String> peer,
            Optional<Bytes> certificate,
            Optional<UUID> channel) {
        this(content, sentAt, peer, certificate, channel, Optional.empty());
    }

    /** A payload bound to no channel: a direct message's. */
    public Payload(Content content, Instant sentAt, Optional<String> peer, Optional<Bytes> certificate) {
        this(content, sentAt, peer, certificate, Optional.empty());
    }

    /** This payload carrying {@code head} (encoded {@code HeadGossip}). */
    public Payload withKeyLogHead(Bytes head) {
        return new Payload(content, sentAt, peer, certificate, channel, Optional.of(head));
    }

    /** This payload carrying the sending device's certificate. */
    public Payload withCertificate(Bytes deviceCertificate) {
        return new Payload(content, sentAt, peer, Optional.of(deviceCertificate), channel, keyLogHead);
    }

    /** A channel payload: content and time; {@link #inChannel} binds it before it is encrypted. */
    public static Payload of(Content content, Instant sentAt) {
        return new Payload(content, sentAt, Optional.empty(), Optional.empty());
    }

    /** This payload bound to {@code channel}, as every channel event's payload is. */
    public Payload inChannel(UUID channel) {
        return new Payload(content, sentAt, peer, certificate, Optional.of(channel), keyLogHead);
    }
}
