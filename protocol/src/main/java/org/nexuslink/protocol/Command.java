// SPDX-License-Identifier: AGPL-3.0-or-later
package org.nexuslink.protocol;

import java.util.Arrays;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * The command registry: what an envelope's {@code cmd} asks for and which body it carries.
 *
 * <p>The registry is open: later versions add commands with new codes and never reuse one. A
 * receiver answers a code it does not know with an {@link ErrorCode#UNKNOWN_COMMAND} error.
 */
public enum Command {
    /** Client to server, first on a connection: authenticate with a token. Answer: ack or error. */
    HELLO(1, "hello", Hello.class),
    /** Either way: check the connection is alive. Answer: pong with the same seq. */
    PING(2, "ping", Body.Empty.class),
    /** Either way: the answer to a ping. */
    PONG(3, "pong", Body.Empty.class),
    /** Client to server: store and deliver an event (no mid, no t). Answer: ack with mid and t. */
    SEND_EVENT(4, "send_event", Event.class),
    /** Server to client: a stored event (mid and t set). Answer: ack with the push's seq. */
    EVENT_PUSH(5, "event_push", Event.class),
    /** Either way: a request succeeded or a push was received; echoes the seq it answers. */
    ACK(6, "ack", Ack.class),
    /** Either way: a request failed; echoes its seq, or 0 if the seq could not be read. */
    ERROR(7, "error", ErrorBody.class),
    /** Client to server: ask for stored events of a conversation after a cursor. */
    CATCH_UP(8, "catch_up", CatchUpRequest.class),
    /** Server to client: the answer to catch_up, one page of stored events. */
    CATCH_UP_RESULT(9, "catch_up_result", CatchUpResult.class),
    /** Server to client: something about the device's own state it must act on. No answer. */
    NOTICE(10, "notice", Notice.class),
    /** Client to server: a direct message, one ciphertext per device. Answer: ack with t, or error. */
    SEND_DIRECT(11, "send_direct", DirectSend.class),
    /** Server to client: one queued direct-message copy. Answer: ack with mid = the entry id. */
    DIRECT_PUSH(12, "direct_push", DirectPush.class);

    /** Largest command code. */
    public static final int MAX_CODE = 0xFFFF;

    private static final Map<Integer, Command> BY_CODE =
            Arrays.stream(values()).collect(Collectors.toUnmodifiableMap(Command::code, Function.identity()));

    private final int code;
    private final String wireName;
    private final Class<? extends Body> bodyType;

    Command(int code, String wireName, Class<? extends Body> bodyType) {
        this.code = code;
        this.wireName = wireName;
        this.bodyType = bodyType;
    }

    /** Returns the integer sent as {@code cmd}. */
    public int code() {
        return code;
    }

    /** Returns the snake_case name used in docs and logs. */
    public String wireName() {
        return wireName;
    }

    /** Returns the body type this command carries. */
    public Class<? extends Body> bodyType() {
        return bodyType;
    }

    /** Returns the command with this code, if this version defines it. */
    public static Optional<Command> fromCode(int code) {
        return Optional.ofNullable(BY_CODE.get(code));
    }
}
