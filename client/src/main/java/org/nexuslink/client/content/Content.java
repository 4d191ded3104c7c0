// SPDX-License-Identifier: AGPL-3.0-or-later
package org.nexuslink.client.content;

import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import org.nexuslink.protocol.Bytes;

/**
 * What one end-to-end encrypted message says, as the sender wrote it: the plaintext inside a
 * direct message's libsignal ciphertext or a channel event's Sender Keys ciphertext. Servers
 * never see it. The kinds are seed 001's (text 1, file 3, revoke 5) plus the control messages a
 * client sends its peers.
 *
 * <p>References to other messages ({@code replyTo}, a revoke's {@code target}) are the
 * conversation-local refs of docs/client.md: a channel event's {@code mid} in decimal, or the
 * hex of a direct message's 16-byte id.
 */
public sealed interface Content {

    /** The kind code on the wire and in the local store. */
    int kind();

    /** Kind 1: a text message, possibly a reply. */
    record Text(String text, Optional<String> replyTo) implements Content {
        public Text {
            Objects.requireNonNull(text, "text");
            Objects.requireNonNull(replyTo, "replyTo");
        }

        @Override
        public int kind() {
            return 1;
        }

        @Override
        public String toString() {
            return "Text[" + text.length() + " chars, replyTo=" + replyTo.orElse("-") + "]";
        }
    }

    /**
     * Kind 3: a file. {@code descriptor} is the encoded {@code FileDescriptor} (media id, name,
     * size, MIME, digests and the file's key), so it too only travels encrypted.
     */
    record File(Bytes descriptor, Optional<String> caption, Optional<String> replyTo) implements Content {
        public File {
            Objects.requireNonNull(descriptor, "descriptor");
            Objects.requireNonNull(caption, "caption");
            Objects.requireNonNull(replyTo, "replyTo");
        }

        @Override
        public int kind() {
            return 3;
        }

        @Override
        public String toString() {
            return "File[" + descriptor.length() + " descriptor bytes, replyTo=" + replyTo.orElse("-") + "]";
        }
    }

    /** Kind 5: withdraws an earlier message of the same conversation. */
    record Revoke(String target) implements Content {
        public Revoke {
            Objects.requireNonNull(target, "target");
        }

        @Override
        public int kind() {
            return 5;
        }
    }

    /**
     * Control kind 100: the sender's Sender Keys distribution message for a channel, sent over
     * the 1:1 sessions to each member device so it can read the sender's channel events.
     */
    record SenderKey(UUID channel, Bytes distribution) implements Content {
        public static final int KIND = 100;

        public SenderKey {
            Objects.requireNonNull(channel, "channel");
            Objects.requireNonNull(distribution, "distribution");
        }

        @Override
        public int kind() {
            return KIND;
        }

        @Override
        public String toString() {
            return "SenderKey[channel=" + channel + ", redacted]";
        }
    }
}
