// SPDX-License-Identifier: AGPL-3.0-or-later
package org.nexuslink.protocol;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The golden vectors: the values here, the hex in docs/protocol.md. The test reads the hex from
 * the document itself, so the specification and the test cannot drift apart.
 */
final class GoldenVectors {

    /** The specification, relative to the module directory surefire runs in. */
    static final Path PROTOCOL_DOC = Path.of("../docs/protocol.md");

    static final ConversationId CID = ConversationId.of(UUID.fromString("00112233-4455-6677-8899-aabbccddeeff"));
    static final Instant T = Instant.parse("2026-01-01T00:00:00Z");
    static final Bytes CIPHERTEXT = Bytes.fromHex("c0ffee01");
    static final Bytes MESSAGE_ID = Bytes.fromHex("0102030405060708090a0b0c0d0e0f10");

    private GoldenVectors() {}

    /** Returns every vector's value by name, in document order. */
    static Map<String, Envelope> values() {
        Map<String, Envelope> v = new LinkedHashMap<>();
        v.put("hello", Envelope.of(Command.HELLO, new Seq(1), new Hello("tok")));
        v.put("ping", Envelope.of(Command.PING, new Seq(2), Body.Empty.INSTANCE));
        v.put("send_text", Envelope.of(Command.SEND_EVENT, new Seq(3), Event.of(CID, Kind.TEXT, CIPHERTEXT)));
        v.put("ack_send", Envelope.of(Command.ACK, new Seq(3), Ack.stored(new MessageId(42), T)));
        v.put(
                "push_text_reply",
                Envelope.of(
                                Command.EVENT_PUSH,
                                new Seq(1),
                                Event.of(CID, Kind.TEXT, CIPHERTEXT)
                                        .withFlags(Flags.SILENT)
                                        .withTags(List.of(new Tag.Reply(new MessageId(41))))
                                        .withSignature(Bytes.fromHex("5157"))
                                        .stored(new MessageId(42), T))
                        .withSid(CID));
        v.put(
                "push_file",
                Envelope.of(
                        Command.EVENT_PUSH,
                        new Seq(2),
                        Event.of(CID, Kind.FILE, CIPHERTEXT).stored(new MessageId(43), T.plusSeconds(1))));
        v.put(
                "send_revoke",
                Envelope.of(
                        Command.SEND_EVENT,
                        new Seq(4),
                        Event.of(CID, Kind.REVOKE, CIPHERTEXT).withTags(List.of(new Tag.Revoke(new MessageId(42))))));
        SortedMap<Integer, RawValue> ext = new TreeMap<>(Map.of(0, RawValue.ofString("x")));
        v.put(
                "push_unknown_kind",
                Envelope.of(
                        Command.EVENT_PUSH,
                        new Seq(3),
                        Event.of(CID, new Kind(300), CIPHERTEXT)
                                .withTags(List.of(new Tag.Unknown(9, List.of(RawValue.ofString("a")))))
                                .withExt(new Extensions(ext))
                                .stored(new MessageId(0x1_0000_0000L), T)));
        v.put(
                "catch_up",
                Envelope.of(
                        Command.CATCH_UP, new Seq(5), new CatchUpRequest(CID, Optional.of(new MessageId(41)), 100)));
        v.put(
                "catch_up_result",
                Envelope.of(
                        Command.CATCH_UP_RESULT,
                        new Seq(5),
                        new CatchUpResult(
                                List.of(Event.of(CID, Kind.TEXT, CIPHERTEXT).stored(new MessageId(42), T)), true)));
        v.put(
                "error_unknown_command",
                Envelope.error(
                        new Seq(6), ErrorBody.of(ErrorCode.UNKNOWN_COMMAND, "envelope.cmd: unknown command 99")));
        v.put(
                "send_direct",
                Envelope.of(
                        Command.SEND_DIRECT,
                        new Seq(8),
                        new DirectSend(
                                MESSAGE_ID,
                                List.of(
                                        new DirectSend.Copy("nxl:bob", 1, 3, Bytes.of(new byte[] {
                                            (byte) 0xc0, (byte) 0xff, (byte) 0xee
                                        })),
                                        new DirectSend.Copy("nxl:alice", 2, 2, Bytes.of(new byte[] {0x01}))))));
        v.put(
                "direct_push",
                Envelope.of(
                        Command.DIRECT_PUSH,
                        new Seq(4),
                        new DirectPush(77, MESSAGE_ID, "nxl:alice", 1, T, 3, Bytes.of(new byte[] {
                            (byte) 0xc0, (byte) 0xff, (byte) 0xee
                        }))));
        v.put(
                "notice_prekeys_low",
                Envelope.of(Command.NOTICE, new Seq(7), new Notice(Notice.PREKEYS_LOW, "ec=5,kyber=19")));
        return v;
    }

    /** Returns every vector's bytes by name, read from docs/protocol.md. */
    static Map<String, byte[]> hexFromDoc() {
        Pattern vector = Pattern.compile("#### Vector `([a-z_]+)`\\R(?:(?!```).*\\R)*?```hex\\R((?:[^`].*\\R)+?)```");
        Matcher m = vector.matcher(readDoc());
        Map<String, byte[]> vectors = new LinkedHashMap<>();
        while (m.find()) {
            StringBuilder hex = new StringBuilder();
            for (String line : m.group(2).split("\\R")) {
                int comment = line.indexOf('#');
                hex.append(comment >= 0 ? line.substring(0, comment) : line);
            }
            if (vectors.put(m.group(1), Bytes.fromHex(hex.toString()).toByteArray()) != null) {
                throw new IllegalStateException("vector " + m.group(1) + " appears twice in " + PROTOCOL_DOC);
            }
        }
        return vectors;
    }

    static String readDoc() {
        try {
            return Files.readString(PROTOCOL_DOC);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
