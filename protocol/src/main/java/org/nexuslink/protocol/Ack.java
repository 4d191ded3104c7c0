// SPDX-License-Identifier: AGPL-3.0-or-later
package org.nexuslink.protocol;

import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * Body of {@code ack}: a request succeeded, or a pushed envelope was received.
 *
 * <p>The server's ack of {@code send_event} names the {@code mid} and {@code t} it assigned; other
 * acks carry neither.
 *
 * @param mid the message id assigned to a sent event
 * @param time the timestamp assigned to a sent event, whole seconds
 */
public record Ack(Optional<MessageId> mid, Optional<Instant> time) implements Body {

    /** An ack without fields. */
    public static final Ack EMPTY = new Ack(Optional.empty(), Optional.empty());

    /** Validates the time. */
    public Ack {
        Objects.requireNonNull(mid, "mid");
        Objects.requireNonNull(time, "time");
        time.ifPresent(Event::requireWireTime);
    }

    /** Returns the ack of a stored event. */
    public static Ack stored(MessageId mid, Instant time) {
        return new Ack(Optional.of(mid), Optional.of(time));
    }
}
