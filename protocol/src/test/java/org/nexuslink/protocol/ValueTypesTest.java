// SPDX-License-Identifier: AGPL-3.0-or-later
package org.nexuslink.protocol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.TreeMap;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** The compact constructors reject what the wire format cannot carry. */
class ValueTypesTest {

    private static final ConversationId CID = GoldenVectors.CID;

    @Test
    void bytes_compare_by_content_and_copy_their_input() {
        byte[] raw = {1, 2};
        Bytes bytes = Bytes.of(raw);
        raw[0] = 9;
        assertThat(bytes).isEqualTo(Bytes.fromHex("0102")).hasSameHashCodeAs(Bytes.fromHex("01 02"));
        bytes.toByteArray()[1] = 9;
        assertThat(bytes.hex()).isEqualTo("0102");
    }

    @Test
    void conversation_id_of_a_uuid_is_its_16_bytes() {
        assertThat(ConversationId.of(UUID.fromString("00112233-4455-6677-8899-aabbccddeeff"))
                        .value()
                        .hex())
                .isEqualTo("00112233445566778899aabbccddeeff");
    }

    @Test
    void conversation_id_rejects_empty_and_long_values() {
        assertThatIllegalArgumentException().isThrownBy(() -> new ConversationId(Bytes.EMPTY));
        assertThatIllegalArgumentException().isThrownBy(() -> new ConversationId(Bytes.of(new byte[33])));
    }

    @Test
    void message_id_rejects_zero_and_orders_as_unsigned() {
        assertThatIllegalArgumentException().isThrownBy(() -> new MessageId(0));
        assertThat(new MessageId(-1L)).isGreaterThan(new MessageId(Long.MAX_VALUE));
        assertThat(new MessageId(-1L)).hasToString("18446744073709551615");
    }

    @Test
    void seq_wraps_from_the_largest_value_to_one() {
        assertThat(new Seq(-1L).next()).isEqualTo(new Seq(1));
        assertThat(new Seq(1).next()).isEqualTo(new Seq(2));
    }

    @Test
    void kind_knows_the_registry_and_accepts_unknown_codes() {
        assertThat(Kind.TEXT.label()).isEqualTo("text");
        assertThat(Kind.FILE.label()).isEqualTo("file");
        assertThat(Kind.REVOKE.label()).isEqualTo("revoke");
        assertThat(new Kind(300).isRegistered()).isFalse();
        assertThat(new Kind(300).label()).isEqualTo("unknown");
        assertThatIllegalArgumentException().isThrownBy(() -> new Kind(65536));
    }

    @Test
    void flags_reject_bits_beyond_32() {
        assertThatIllegalArgumentException().isThrownBy(() -> new Flags(1L << 32));
        assertThat(Flags.NONE.with(Flags.SILENT).contains(Flags.SILENT)).isTrue();
    }

    @Test
    void unknown_tag_rejects_defined_types_and_missing_values() {
        assertThatIllegalArgumentException().isThrownBy(() -> new Tag.Unknown(1, List.of(RawValue.ofUnsigned(1))));
        assertThatIllegalArgumentException().isThrownBy(() -> new Tag.Unknown(9, List.of()));
    }

    @Test
    void raw_value_rejects_anything_but_one_msgpack_value() {
        assertThatIllegalArgumentException().isThrownBy(() -> new RawValue(Bytes.EMPTY));
        assertThatIllegalArgumentException().isThrownBy(() -> new RawValue(Bytes.fromHex("01 02")));
        assertThatIllegalArgumentException().isThrownBy(() -> new RawValue(Bytes.fromHex("92 01")));
        assertThat(RawValue.ofString("a").encoded().hex()).isEqualTo("a161");
    }

    @Test
    void extensions_copy_their_map_and_reject_large_keys() {
        TreeMap<Integer, RawValue> entries = new TreeMap<>();
        entries.put(1, RawValue.ofUnsigned(1));
        Extensions ext = new Extensions(entries);
        entries.put(2, RawValue.ofUnsigned(2));
        assertThat(ext.entries()).containsOnlyKeys(1);
        TreeMap<Integer, RawValue> large = new TreeMap<>();
        large.put(65536, RawValue.ofUnsigned(1));
        assertThatIllegalArgumentException().isThrownBy(() -> new Extensions(large));
    }

    @Test
    void event_copies_its_tags_and_rejects_fractional_time_and_empty_signature() {
        List<Tag> tags = new ArrayList<>(List.of(new Tag.Reply(new MessageId(1))));
        Event event = Event.of(CID, Kind.TEXT, Bytes.EMPTY).withTags(tags);
        tags.clear();
        assertThat(event.tags()).hasSize(1);
        assertThatIllegalArgumentException()
                .isThrownBy(() -> event.stored(new MessageId(1), Instant.ofEpochSecond(1, 5)));
        assertThatIllegalArgumentException().isThrownBy(() -> event.withSignature(Bytes.EMPTY));
    }

    @Test
    void envelope_rejects_a_body_of_another_command() {
        assertThatIllegalArgumentException()
                .isThrownBy(() -> Envelope.of(Command.PING, new Seq(1), new Hello("t")))
                .withMessage("ping carries a Empty body, got Hello");
    }

    @Test
    void envelope_rejects_a_sid_that_differs_from_the_event_cid() {
        Envelope send = Envelope.of(Command.SEND_EVENT, new Seq(1), Event.of(CID, Kind.TEXT, Bytes.EMPTY));
        assertThatIllegalArgumentException().isThrownBy(() -> send.withSid(new ConversationId(Bytes.fromHex("09"))));
        assertThat(send.withSid(CID).sid()).contains(CID);
    }

    @Test
    void hello_hides_its_token() {
        assertThat(new Hello("secret-token")).hasToString("Hello[token=<redacted>]");
    }

    @Test
    void catch_up_request_bounds_its_limit() {
        assertThatIllegalArgumentException().isThrownBy(() -> new CatchUpRequest(CID, Optional.empty(), 0));
        assertThatIllegalArgumentException().isThrownBy(() -> new CatchUpRequest(CID, Optional.empty(), 1001));
    }

    @Test
    void codec_limits_reject_a_depth_too_shallow_for_catch_up_results() {
        assertThatIllegalArgumentException().isThrownBy(() -> new CodecLimits(1024, 16, 16, 5));
        assertThatIllegalArgumentException().isThrownBy(() -> new CodecLimits(0, 16, 16, 16));
    }
}
