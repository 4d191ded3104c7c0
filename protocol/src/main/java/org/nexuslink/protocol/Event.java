// SPDX-License-Identifier: AGPL-3.0-or-later
package org.nexuslink.protocol;

import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * An event, the one unit of messaging: a message or a control action in a conversation.
 *
 * <p>A client sends it without {@code mid} and {@code t}; the server assigns both, stores it and
 * pushes it ("stored"). {@code data} is ciphertext wherever the conversation is end-to-end
 * encrypted, so the server sees only the other fields.
 *
 * @param cid the conversation
 * @param kind the kind {@code k}, possibly one this version does not know
 * @param mid the message id, present once the server has stored the event
 * @param time the server's timestamp {@code t}, whole seconds, present once stored
 * @param flags the {@code flg} bitmap
 * @param tags the tags in wire order
 * @param data the content, usually ciphertext; may be empty
 * @param signature the optional {@code sig}, never empty when present
 * @param ext extensions carried unchanged
 */
public record Event(
        ConversationId cid,
        Kind kind,
        Optional<MessageId> mid,
        Optional<Instant> time,
        Flags flags,
        List<Tag> tags,
        Bytes data,
        Optional<Bytes> signature,
        Extensions ext)
        implements Body {

    /** The event version {@code ev_v} this implementation reads and writes. */
    public static final int VERSION = 1;

    /** Validates every field and copies the tags. */
    public Event {
        Objects.requireNonNull(cid, "cid");
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(mid, "mid");
        Objects.requireNonNull(time, "time");
        Objects.requireNonNull(flags, "flags");
        tags = List.copyOf(tags);
        Objects.requireNonNull(data, "data");
        Objects.requireNonNull(signature, "signature");
        Objects.requireNonNull(ext, "ext");
        time.ifPresent(Event::requireWireTime);
        if (signature.isPresent() && signature.get().isEmpty()) {
            throw new IllegalArgumentException("sig must not be empty when present");
        }
    }

    /**
     * Returns an event as a client sends it: no mid, no time, no flags, tags, signature or ext.
     */
    public static Event of(ConversationId cid, Kind kind, Bytes data) {
        return new Event(
                cid,
                kind,
                Optional.empty(),
                Optional.empty(),
                Flags.NONE,
                List.of(),
                data,
                Optional.empty(),
                Extensions.EMPTY);
    }

    /** Returns true if the server has assigned {@code mid} and {@code t}. */
    public boolean isStored() {
        return mid.isPresent() && time.isPresent();
    }

    /** Returns this event as stored under {@code mid} at {@code time}. */
    public Event stored(MessageId mid, Instant time) {
        return new Event(cid, kind, Optional.of(mid), Optional.of(time), flags, tags, data, signature, ext);
    }

    /** Returns this event with other flags. */
    public Event withFlags(Flags flags) {
        return new Event(cid, kind, mid, time, flags, tags, data, signature, ext);
    }

    /** Returns this event with other tags. */
    public Event withTags(List<Tag> tags) {
        return new Event(cid, kind, mid, time, flags, tags, data, signature, ext);
    }

    /** Returns this event with a signature. */
    public Event withSignature(Bytes signature) {
        return new Event(cid, kind, mid, time, flags, tags, data, Optional.of(signature), ext);
    }

    /** Returns this event with other extensions. */
    public Event withExt(Extensions ext) {
        return new Event(cid, kind, mid, time, flags, tags, data, signature, ext);
    }

    static void requireWireTime(Instant time) {
        if (time.getNano() != 0 || time.getEpochSecond() < 0) {
            throw new IllegalArgumentException("time must be whole seconds at or after the epoch, got " + time);
        }
    }
}
