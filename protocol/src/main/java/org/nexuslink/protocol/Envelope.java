// SPDX-License-Identifier: AGPL-3.0-or-later
package org.nexuslink.protocol;

import java.util.Objects;
import java.util.Optional;

/**
 * One WebSocket frame: a command, its seq, an optional conversation and the command's body.
 *
 * <p>The protocol version {@code v} is not a field: this implementation writes
 * {@value #VERSION} and rejects anything else.
 *
 * @param command the command {@code cmd}
 * @param seq the sequence number {@code seq}
 * @param sid the conversation the envelope concerns, a routing hint; when the body is an event
 *     it must equal the event's cid
 * @param body the body; its type must be the command's {@link Command#bodyType()}
 * @param ext extensions carried unchanged
 */
public record Envelope(Command command, Seq seq, Optional<ConversationId> sid, Body body, Extensions ext) {

    /** The protocol version {@code v} this implementation speaks. */
    public static final int VERSION = 1;

    /** Checks the body against the command. */
    public Envelope {
        Objects.requireNonNull(command, "command");
        Objects.requireNonNull(seq, "seq");
        Objects.requireNonNull(sid, "sid");
        Objects.requireNonNull(body, "body");
        Objects.requireNonNull(ext, "ext");
        if (!command.bodyType().isInstance(body)) {
            throw new IllegalArgumentException(
                    command.wireName() + " carries a " + command.bodyType().getSimpleName() + " body, got "
                            + body.getClass().getSimpleName());
        }
        if (body instanceof Event event) {
            requireEventFits(command, event);
            if (sid.isPresent() && !sid.get().equals(event.cid())) {
                throw new IllegalArgumentException("sid " + sid.get() + " differs from the event's " + event.cid());
            }
        }
    }

    /** Returns an envelope without sid or extensions. */
    public static Envelope of(Command command, Seq seq, Body body) {
        return new Envelope(command, seq, Optional.empty(), body, Extensions.EMPTY);
    }

    /** Returns the error reply to the request with {@code seq}. */
    public static Envelope error(Seq seq, ErrorBody error) {
        return of(Command.ERROR, seq, error);
    }

    /** Returns this envelope with a conversation routing hint. */
    public Envelope withSid(ConversationId sid) {
        return new Envelope(command, seq, Optional.of(sid), body, ext);
    }

    /** Returns this envelope with other extensions. */
    public Envelope withExt(Extensions ext) {
        return new Envelope(command, seq, sid, body, ext);
    }

    private static void requireEventFits(Command command, Event event) {
        switch (command) {
            case SEND_EVENT -> {
                if (event.mid().isPresent() || event.time().isPresent()) {
                    throw new IllegalArgumentException("send_event must not carry mid or t: the server assigns them");
                }
            }
            case EVENT_PUSH -> {
                if (!event.isStored()) {
                    throw new IllegalArgumentException("event_push must carry mid and t");
                }
            }
            case HELLO, PING, PONG, ACK, ERROR, CATCH_UP, CATCH_UP_RESULT ->
                throw new IllegalStateException(command + " does not carry an event");
        }
    }
}
