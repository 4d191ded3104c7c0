// SPDX-License-Identifier: AGPL-3.0-or-later
package org.nexuslink.protocol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.nexuslink.protocol.MsgPack.map;
import static org.nexuslink.protocol.MsgPack.pack;

import java.math.BigInteger;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;

/** One test per way a frame can be bad, each expecting its error code and field. */
class MalformedFrameTest {

    private static final byte[] CID = GoldenVectors.CID.value().toByteArray();
    private static final byte[] DATA = {1, 2, 3};

    private final EnvelopeCodec codec = new EnvelopeCodec();

    private ProtocolException decodeFails(byte[] frame) {
        ProtocolException e = catchThrowableOfType(ProtocolException.class, () -> codec.decode(frame));
        assertThat(e).as("decoding %s must fail", Bytes.of(frame)).isNotNull();
        return e;
    }

    private static byte[] envelope(int cmd, Object body) {
        return pack(map(0, 1, 1, cmd, 2, 7, 4, body));
    }

    private static MsgPack.Entries sentEvent(Object... extra) {
        Object[] base = {0, 1, 1, CID, 2, 1, 7, DATA};
        Object[] all = new Object[base.length + extra.length];
        System.arraycopy(base, 0, all, 0, base.length);
        System.arraycopy(extra, 0, all, base.length, extra.length);
        return map(all);
    }

    private static void assertError(ProtocolException e, ErrorCode code, String message) {
        assertThat(e.code()).isEqualTo(code);
        assertThat(e.getMessage()).isEqualTo(message);
    }

    @Test
    void rejects_empty_frame() {
        assertError(decodeFails(new byte[0]), ErrorCode.MALFORMED_FRAME, "empty frame");
    }

    @Test
    void rejects_reserved_byte_c1() {
        assertError(
                decodeFails(Bytes.fromHex("81 00 c1").toByteArray()),
                ErrorCode.MALFORMED_FRAME,
                "reserved byte 0xc1 at offset 2");
    }

    @Test
    void rejects_truncated_envelope() {
        byte[] frame = pack(map(0, 1, 1, 2, 2, 7));
        byte[] truncated = java.util.Arrays.copyOf(frame, frame.length - 1);
        assertThat(decodeFails(truncated).code()).isEqualTo(ErrorCode.MALFORMED_FRAME);
    }

    @Test
    void rejects_trailing_bytes() {
        byte[] frame = Bytes.fromHex("83 00 01 01 02 02 07 c0 c0").toByteArray();
        assertError(decodeFails(frame), ErrorCode.MALFORMED_FRAME, "2 trailing bytes after the value");
    }

    @Test
    void rejects_frame_longer_than_the_maximum() {
        EnvelopeCodec small = new EnvelopeCodec(CodecLimits.DEFAULT.withMaxFrameBytes(8));
        byte[] frame = envelope(1, map(0, "token"));
        ProtocolException e = catchThrowableOfType(ProtocolException.class, () -> small.decode(frame));
        assertError(e, ErrorCode.FRAME_TOO_LARGE, "frame of 16 bytes exceeds the limit of 8");
    }

    @Test
    void rejects_frame_of_64_kib_plus_one_with_default_limits() {
        byte[] frame = envelope(4, sentEvent(7, new byte[65536]));
        assertThat(decodeFails(frame).code()).isEqualTo(ErrorCode.FRAME_TOO_LARGE);
    }

    @Test
    void rejects_array_with_more_entries_than_the_limit() {
        byte[] frame = envelope(4, sentEvent(6, Collections.nCopies(1025, List.of(9, 0))));
        assertError(decodeFails(frame), ErrorCode.LIMIT_EXCEEDED, "array of 1025 entries exceeds the limit of 1024");
    }

    @Test
    void rejects_string_longer_than_the_limit() {
        byte[] frame = envelope(1, map(0, "x".repeat(4097)));
        assertError(decodeFails(frame), ErrorCode.LIMIT_EXCEEDED, "string of 4097 bytes exceeds the limit of 4096");
    }

    @Test
    void rejects_nesting_deeper_than_the_limit() {
        Object nested = 0;
        for (int i = 0; i < 16; i++) {
            nested = List.of(nested);
        }
        byte[] frame = pack(map(0, 1, 1, 2, 2, 7, 15, map(0, nested)));
        assertError(decodeFails(frame), ErrorCode.LIMIT_EXCEEDED, "array nested 17 deep exceeds the limit of 16");
    }

    @Test
    void rejects_array_header_claiming_more_elements_than_bytes_remain() {
        byte[] frame = Bytes.fromHex("83 00 01 01 02 02 dc 03 e8 00").toByteArray();
        assertError(
                decodeFails(frame),
                ErrorCode.MALFORMED_FRAME,
                "truncated: array of 1000 entries at offset 9 but only 1 bytes remain");
    }

    @Test
    void rejects_map_header_claiming_four_billion_entries() {
        byte[] frame = Bytes.fromHex("df ff ff ff ff 00").toByteArray();
        ProtocolException e = decodeFails(frame);
        assertThat(e.code()).isEqualTo(ErrorCode.MALFORMED_FRAME);
        assertThat(e.getMessage()).isEqualTo("truncated: value at offset 0 declares a length of 2^31 or more");
    }

    @Test
    void rejects_binary_longer_than_the_frame() {
        byte[] frame = Bytes.fromHex("81 03 c6 7f ff ff ff 00").toByteArray();
        assertError(
                decodeFails(frame),
                ErrorCode.MALFORMED_FRAME,
                "truncated: binary of 2147483647 bytes at offset 7 but only 1 bytes remain");
    }

    @Test
    void rejects_envelope_that_is_not_a_map() {
        assertError(decodeFails(pack(List.of(1, 2, 7))), ErrorCode.INVALID_FIELD, "envelope: expected map, got array");
    }

    @Test
    void rejects_seq_of_wrong_type() {
        ProtocolException e = decodeFails(pack(map(0, 1, 1, 2, 2, "7")));
        assertError(e, ErrorCode.INVALID_FIELD, "envelope.seq: expected unsigned integer, got string");
        assertThat(e.field()).contains("envelope.seq");
        assertThat(e.seq()).isEmpty();
    }

    @Test
    void rejects_negative_seq() {
        assertError(
                decodeFails(pack(map(0, 1, 1, 2, 2, -1))),
                ErrorCode.INVALID_FIELD,
                "envelope.seq: expected unsigned integer, got -1");
    }

    @Test
    void rejects_float_where_an_integer_belongs() {
        assertError(
                decodeFails(pack(map(0, 1, 1, 2, 2, 7.0))),
                ErrorCode.INVALID_FIELD,
                "envelope.seq: expected unsigned integer, got float");
    }

    @Test
    void rejects_missing_seq() {
        assertError(
                decodeFails(pack(map(0, 1, 1, 2))),
                ErrorCode.INVALID_FIELD,
                "envelope.seq: required field 2 is missing");
    }

    @Test
    void rejects_missing_cmd() {
        ProtocolException e = decodeFails(pack(map(0, 1, 2, 7)));
        assertError(e, ErrorCode.INVALID_FIELD, "envelope.cmd: required field 1 is missing");
        assertThat(e.seq()).contains(new Seq(7));
    }

    @Test
    void rejects_duplicate_key() {
        assertError(
                decodeFails(pack(map(0, 1, 1, 2, 2, 7, 2, 8))), ErrorCode.INVALID_FIELD, "envelope: duplicate key 2");
    }

    @Test
    void rejects_string_key() {
        assertError(
                decodeFails(pack(map(0, 1, 1, 2, 2, 7, "x", 1))),
                ErrorCode.INVALID_FIELD,
                "envelope: map key must be an unsigned integer, got string");
    }

    @Test
    void rejects_negative_key() {
        assertError(
                decodeFails(pack(map(0, 1, 1, 2, 2, 7, -3, 1))),
                ErrorCode.INVALID_FIELD,
                "envelope: expected unsigned integer, got -3");
    }

    @Test
    void rejects_unsupported_protocol_version_and_keeps_the_seq() {
        ProtocolException e = decodeFails(pack(map(0, 2, 1, 2, 2, 7)));
        assertError(e, ErrorCode.UNSUPPORTED_VERSION, "envelope.v: version 2 is not supported; this peer speaks 1");
        assertThat(e.seq()).contains(new Seq(7));
    }

    @Test
    void reports_unsupported_version_before_a_bad_seq() {
        assertThat(decodeFails(pack(map(0, 2, 1, 2, 2, "x"))).code()).isEqualTo(ErrorCode.UNSUPPORTED_VERSION);
    }

    @Test
    void rejects_unsupported_event_version() {
        byte[] frame = envelope(4, map(0, 2, 1, CID, 2, 1, 7, DATA));
        assertError(
                decodeFails(frame),
                ErrorCode.UNSUPPORTED_VERSION,
                "envelope.body.ev_v: version 2 is not supported; this peer speaks 1");
    }

    @Test
    void rejects_unknown_command_and_keeps_the_seq() {
        ProtocolException e = decodeFails(pack(map(0, 1, 1, 99, 2, 7)));
        assertError(e, ErrorCode.UNKNOWN_COMMAND, "envelope.cmd: unknown command 99");
        assertThat(e.seq()).contains(new Seq(7));
        assertThat(e.toErrorBody()).isEqualTo(new ErrorBody("unknown_command", "envelope.cmd: unknown command 99"));
    }

    @Test
    void rejects_nil_for_an_optional_field() {
        assertError(
                decodeFails(pack(map(0, 1, 1, 2, 2, 7, 3, null))),
                ErrorCode.INVALID_FIELD,
                "envelope.sid: expected binary, got nil");
    }

    @Test
    void rejects_missing_body() {
        assertError(
                decodeFails(pack(map(0, 1, 1, 4, 2, 7))),
                ErrorCode.INVALID_FIELD,
                "envelope.body: send_event requires a body");
    }

    @Test
    void rejects_empty_conversation_id() {
        assertError(
                decodeFails(envelope(4, map(0, 1, 1, new byte[0], 2, 1, 7, DATA))),
                ErrorCode.INVALID_FIELD,
                "envelope.body.cid: expected 1 to 32 bytes, got 0");
    }

    @Test
    void rejects_conversation_id_longer_than_32_bytes() {
        assertError(
                decodeFails(envelope(4, map(0, 1, 1, new byte[33], 2, 1, 7, DATA))),
                ErrorCode.INVALID_FIELD,
                "envelope.body.cid: expected 1 to 32 bytes, got 33");
    }

    @Test
    void rejects_kind_above_65535() {
        assertError(
                decodeFails(envelope(4, map(0, 1, 1, CID, 2, 65536, 7, DATA))),
                ErrorCode.INVALID_FIELD,
                "envelope.body.k: value 65536 exceeds the maximum 65535");
    }

    @Test
    void rejects_missing_data() {
        assertError(
                decodeFails(envelope(4, map(0, 1, 1, CID, 2, 1))),
                ErrorCode.INVALID_FIELD,
                "envelope.body.data: required field 7 is missing");
    }

    @Test
    void rejects_message_id_zero() {
        assertError(
                decodeFails(envelope(5, sentEvent(3, 0, 4, 1))),
                ErrorCode.INVALID_FIELD,
                "envelope.body.mid: message id must not be 0");
    }

    @Test
    void rejects_time_beyond_the_representable_range() {
        byte[] frame = envelope(5, sentEvent(3, 1, 4, new BigInteger("18446744073709551615")));
        assertThat(decodeFails(frame).field()).contains("envelope.body.t");
    }

    @Test
    void rejects_flags_wider_than_32_bits() {
        assertError(
                decodeFails(envelope(4, sentEvent(5, 1L << 32))),
                ErrorCode.INVALID_FIELD,
                "envelope.body.flg: value 4294967296 exceeds the maximum 4294967295");
    }

    @Test
    void rejects_empty_signature() {
        assertError(
                decodeFails(envelope(4, sentEvent(8, new byte[0]))),
                ErrorCode.INVALID_FIELD,
                "envelope.body.sig: expected 1 to 2147483647 bytes, got 0");
    }

    @Test
    void rejects_send_event_carrying_a_message_id() {
        assertError(
                decodeFails(envelope(4, sentEvent(3, 5))),
                ErrorCode.INVALID_FIELD,
                "envelope: send_event must not carry mid or t: the server assigns them");
    }

    @Test
    void rejects_event_push_without_message_id() {
        assertError(
                decodeFails(envelope(5, sentEvent())),
                ErrorCode.INVALID_FIELD,
                "envelope: event_push must carry mid and t");
    }

    @Test
    void rejects_sid_that_differs_from_the_event_cid() {
        byte[] frame = pack(map(0, 1, 1, 4, 2, 7, 3, new byte[] {9}, 4, sentEvent()));
        ProtocolException e = decodeFails(frame);
        assertThat(e.code()).isEqualTo(ErrorCode.INVALID_FIELD);
        assertThat(e.getMessage()).startsWith("envelope: sid cid:09 differs");
    }

    @Test
    void rejects_tag_that_is_not_an_array() {
        assertError(
                decodeFails(envelope(4, sentEvent(6, List.of(1)))),
                ErrorCode.INVALID_FIELD,
                "envelope.body.tags[0]: expected array, got integer");
    }

    @Test
    void rejects_tag_with_only_a_type() {
        assertError(
                decodeFails(envelope(4, sentEvent(6, List.of(List.of(9))))),
                ErrorCode.INVALID_FIELD,
                "envelope.body.tags[0]: a tag is [type, value, ...], got 1 elements");
    }

    @Test
    void rejects_reply_tag_with_extra_elements() {
        assertError(
                decodeFails(envelope(4, sentEvent(6, List.of(List.of(1, 5, 6))))),
                ErrorCode.INVALID_FIELD,
                "envelope.body.tags[0]: a reply or revoke tag is [type, mid], got 3 elements");
    }

    @Test
    void rejects_reply_tag_whose_mid_is_a_string() {
        assertError(
                decodeFails(envelope(4, sentEvent(6, List.of(List.of(1, "5"))))),
                ErrorCode.INVALID_FIELD,
                "envelope.body.tags[0][1]: expected unsigned integer, got string");
    }

    @Test
    void rejects_tag_type_above_65535() {
        assertError(
                decodeFails(envelope(4, sentEvent(6, List.of(List.of(70000, 1))))),
                ErrorCode.INVALID_FIELD,
                "envelope.body.tags[0][0]: value 70000 exceeds the maximum 65535");
    }

    @Test
    void rejects_extension_key_above_65535() {
        assertError(
                decodeFails(pack(map(0, 1, 1, 2, 2, 7, 15, map(65536, 1)))),
                ErrorCode.INVALID_FIELD,
                "envelope.ext: key 65536 exceeds the maximum 65535");
    }

    @Test
    void rejects_duplicate_extension_key() {
        assertError(
                decodeFails(pack(map(0, 1, 1, 2, 2, 7, 15, map(1, 1, 1, 2)))),
                ErrorCode.INVALID_FIELD,
                "envelope.ext: duplicate key 1");
    }

    @Test
    void rejects_string_that_is_not_utf8() {
        byte[] frame = Bytes.fromHex("84 00 01 01 01 02 07 04 81 00 a2 c3 28").toByteArray();
        assertError(decodeFails(frame), ErrorCode.INVALID_FIELD, "envelope.body.token: string is not valid UTF-8");
    }

    @Test
    void rejects_empty_hello_token() {
        assertError(
                decodeFails(envelope(1, map(0, ""))),
                ErrorCode.INVALID_FIELD,
                "envelope.body: token must not be empty");
    }

    @Test
    void rejects_error_code_that_is_not_snake_case() {
        ProtocolException e = decodeFails(envelope(7, map(0, "Rate Limited", 1, "")));
        assertThat(e.code()).isEqualTo(ErrorCode.INVALID_FIELD);
        assertThat(e.field()).contains("envelope.body.code");
    }

    @Test
    void rejects_catch_up_limit_of_zero() {
        assertError(
                decodeFails(envelope(8, map(0, CID, 2, 0))),
                ErrorCode.INVALID_FIELD,
                "envelope.body.limit: limit must be 1 to 1000, got 0");
    }

    @Test
    void rejects_catch_up_limit_above_1000() {
        assertError(
                decodeFails(envelope(8, map(0, CID, 2, 1001))),
                ErrorCode.INVALID_FIELD,
                "envelope.body.limit: value 1001 exceeds the maximum 1000");
    }

    @Test
    void rejects_catch_up_result_holding_an_unstored_event() {
        assertError(
                decodeFails(envelope(9, map(0, List.of(sentEvent())))),
                ErrorCode.INVALID_FIELD,
                "envelope.body: events[0] must have mid and t");
    }

    @Test
    void rejects_duplicate_key_in_a_nested_event() {
        assertError(
                decodeFails(envelope(9, map(0, List.of(sentEvent(2, true))))),
                ErrorCode.INVALID_FIELD,
                "envelope.body.events[0]: duplicate key 2");
    }

    @Test
    void rejects_more_flag_that_is_not_a_boolean() {
        assertError(
                decodeFails(envelope(9, map(1, 1))),
                ErrorCode.INVALID_FIELD,
                "envelope.body.more: expected boolean, got integer");
    }

    @Test
    void rejects_standalone_event_that_is_not_a_map() {
        ProtocolException e = catchThrowableOfType(ProtocolException.class, () -> codec.decodeEvent(pack("event")));
        assertError(e, ErrorCode.INVALID_FIELD, "event: expected map, got string");
    }
}
