// SPDX-License-Identifier: AGPL-3.0-or-later
package org.nexuslink.protocol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.nexuslink.protocol.MsgPack.map;
import static org.nexuslink.protocol.MsgPack.pack;

import java.math.BigInteger;
import java.time.Instant;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class EnvelopeCodecTest {

    private static final byte[] CID = GoldenVectors.CID.value().toByteArray();
    private static final byte[] DATA = GoldenVectors.CIPHERTEXT.toByteArray();

    private final EnvelopeCodec codec = new EnvelopeCodec();

    @Test
    void ignores_unknown_keys_in_envelope_and_event() {
        byte[] frame = pack(map(
                0, 1, 1, 4, 2, 3, 9, "future", 4, map(0, 1, 1, CID, 2, 1, 7, DATA, 12, List.of(1, 2), 99999, map())));
        assertThat(codec.decode(frame)).isEqualTo(GoldenVectors.values().get("send_text"));
    }

    @Test
    void accepts_keys_in_any_order_and_integers_of_any_width() {
        byte[] canonical = codec.encode(GoldenVectors.values().get("ack_send"));
        byte[] shuffled = Bytes.fromHex("84 04 82 01 ce 69 55 b9 00 00 d0 2a 02 cd 00 03 01 06 00 01")
                .toByteArray();
        assertThat(codec.decode(shuffled)).isEqualTo(codec.decode(canonical));
        assertThat(codec.encode(codec.decode(shuffled))).isEqualTo(canonical);
    }

    @Test
    void ignores_a_body_on_commands_that_carry_none() {
        Envelope ping = codec.decode(pack(map(0, 1, 1, 2, 2, 9, 4, map(0, "later"))));
        assertThat(ping).isEqualTo(Envelope.of(Command.PING, new Seq(9), Body.Empty.INSTANCE));
    }

    @Test
    void carries_the_largest_unsigned_64_bit_values() {
        long max = -1L;
        Envelope envelope = Envelope.of(
                Command.EVENT_PUSH,
                new Seq(max),
                Event.of(GoldenVectors.CID, new Kind(Kind.MAX_CODE), Bytes.EMPTY)
                        .withFlags(new Flags(Flags.MAX_BITS))
                        .withTags(List.of(new Tag.Reply(new MessageId(max))))
                        .stored(new MessageId(max), Instant.ofEpochSecond(Instant.MAX.getEpochSecond())));
        byte[] frame = codec.encode(envelope);
        assertThat(Bytes.of(frame).hex()).contains("02cfffffffffffffffff");
        assertThat(codec.decode(frame)).isEqualTo(envelope);
    }

    @Test
    void keeps_the_seq_of_a_frame_that_fails_later() {
        byte[] frame = pack(map(0, 1, 1, 4, 2, new BigInteger("18446744073709551615"), 4, map()));
        ProtocolException e = catchThrowableOfType(ProtocolException.class, () -> codec.decode(frame));
        assertThat(e.seq()).contains(new Seq(-1L));
        assertThat(e.field()).contains("envelope.body.ev_v");
    }

    @Test
    void preserves_extension_values_byte_for_byte() {
        // ext {1: [int8 5, {"k": bin 07}]}: int8 is not how a canonical encoder writes 5.
        String extValue = "92 d0 05 81 a1 6b c4 01 07";
        byte[] frame = Bytes.fromHex("84 00 01 01 02 02 01 0f 81 01" + extValue).toByteArray();
        Envelope decoded = codec.decode(frame);
        assertThat(decoded.ext().get(1)).contains(new RawValue(Bytes.fromHex(extValue)));
        assertThat(codec.encode(decoded)).isEqualTo(frame);
    }

    @Test
    void decodes_an_empty_ack_body() {
        Envelope ack = codec.decode(pack(map(0, 1, 1, 6, 2, 4, 4, map())));
        assertThat(ack.body()).isEqualTo(Ack.EMPTY);
        assertThat(Bytes.of(codec.encode(ack)).hex()).isEqualTo("84000101060204" + "0480");
    }

    @Test
    void decodes_catch_up_from_the_start_without_a_cursor() {
        Envelope request = codec.decode(pack(map(0, 1, 1, 8, 2, 4, 4, map(0, CID, 2, 10))));
        assertThat(request.body()).isEqualTo(new CatchUpRequest(GoldenVectors.CID, Optional.empty(), 10));
    }

    @Test
    void refuses_to_encode_a_frame_over_the_maximum_size() {
        Envelope big = Envelope.of(
                Command.SEND_EVENT, new Seq(1), Event.of(GoldenVectors.CID, Kind.FILE, Bytes.of(new byte[70_000])));
        ProtocolException e = catchThrowableOfType(ProtocolException.class, () -> codec.encode(big));
        assertThat(e.code()).isEqualTo(ErrorCode.FRAME_TOO_LARGE);
    }

    @Test
    void refuses_to_encode_more_tags_than_a_peer_accepts() {
        Envelope many = Envelope.of(
                Command.SEND_EVENT,
                new Seq(1),
                Event.of(GoldenVectors.CID, Kind.TEXT, Bytes.EMPTY)
                        .withTags(Collections.nCopies(1025, new Tag.Reply(new MessageId(1)))));
        ProtocolException e = catchThrowableOfType(ProtocolException.class, () -> codec.encode(many));
        assertThat(e.code()).isEqualTo(ErrorCode.LIMIT_EXCEEDED);
    }

    @Test
    void applies_configured_limits_to_decoding() {
        CodecLimits tight = new CodecLimits(1024, 2, 16, 6);
        byte[] frame = codec.encode(GoldenVectors.values().get("hello"));
        EnvelopeCodec strict = new EnvelopeCodec(tight);
        ProtocolException e = catchThrowableOfType(ProtocolException.class, () -> strict.decode(frame));
        assertThat(e.code()).isEqualTo(ErrorCode.LIMIT_EXCEEDED);
        assertThat(e.getMessage()).isEqualTo("map of 4 entries exceeds the limit of 2");
    }

    @Test
    void decodes_a_stored_event_on_its_own() {
        Event event = Event.of(GoldenVectors.CID, Kind.REVOKE, Bytes.of(DATA))
                .withTags(List.of(new Tag.Revoke(new MessageId(42))))
                .stored(new MessageId(43), GoldenVectors.T);
        assertThat(codec.decodeEvent(codec.encodeEvent(event))).isEqualTo(event);
    }
}
