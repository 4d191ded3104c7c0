// SPDX-License-Identifier: AGPL-3.0-or-later
package org.nexuslink.client.content;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.util.HexFormat;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.nexuslink.protocol.Bytes;

/** The plaintext format of docs/client.md: exact bytes out, exact values in, one error per malformed case. */
class PayloadCodecTest {
    private static final Instant SENT = Instant.ofEpochMilli(1_790_000_000_123L);

    @Test
    void a_text_reply_encodes_to_the_documented_bytes_and_back() throws ContentException {
        Payload payload =
                new Payload(new Content.Text("hi", Optional.of("7")), SENT, Optional.of("nxl:b"), Optional.empty());
        byte[] encoded = PayloadCodec.encode(payload);
        assertThat(HexFormat.of().formatHex(encoded))
                .isEqualTo("86" + "0001" + "0101" + "02cf000001a0c4506c7b" + "03a2" + "6869" + "04a137" + "07a5"
                        + "6e786c3a62");
        assertThat(PayloadCodec.decode(encoded)).isEqualTo(payload);
    }

    @Test
    void a_channel_text_names_its_channel_inside() throws ContentException {
        UUID channel = UUID.fromString("0b7e4a52-1111-2222-3333-444455556666");
        Payload payload =
                Payload.of(new Content.Text("hi", Optional.empty()), SENT).inChannel(channel);
        byte[] encoded = PayloadCodec.encode(payload);
        assertThat(HexFormat.of().formatHex(encoded))
                .isEqualTo("85" + "0001" + "0101" + "02cf000001a0c4506c7b" + "03a26869" + "08c410"
                        + "0b7e4a52111122223333444455556666");
        assertThat(PayloadCodec.decode(encoded)).isEqualTo(payload);
        assertThat(PayloadCodec.decode(encoded).channel()).contains(channel);
    }

    @Test
    void a_gossiped_key_log_head_travels_as_key_11_and_survives_a_certificate() throws ContentException {
        Bytes head = Bytes.of(new byte[146]);
        Payload payload = new Payload(
                        new Content.Text("hi", Optional.empty()), SENT, Optional.of("nxl:b"), Optional.empty())
                .withKeyLogHead(head);
        byte[] encoded = PayloadCodec.encode(payload);
        assertThat(HexFormat.of().formatHex(encoded)).contains("0bc492" + "00".repeat(146));
        assertThat(PayloadCodec.decode(encoded)).isEqualTo(payload);
        Payload certified = payload.withCertificate(Bytes.fromHex("aa"));
        assertThat(PayloadCodec.decode(PayloadCodec.encode(certified)).keyLogHead())
                .contains(head);
        refused("85000101010200" + "03a0" + "0b01", "payload.kt_head");
    }

    @Test
    void a_sender_key_cannot_also_be_bound_beside_its_content() {
        Payload key = Payload.of(new Content.SenderKey(UUID.randomUUID(), Bytes.fromHex("33aa")), SENT);
        assertThatThrownBy(() -> key.inChannel(UUID.randomUUID())).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void every_kind_round_trips() throws ContentException {
        UUID channel = UUID.fromString("0b7e4a52-1111-2222-3333-444455556666");
        for (Content content : new Content[] {
            new Content.Text("", Optional.empty()),
            new Content.File(Bytes.fromHex("0102"), Optional.of("the plan"), Optional.of("ab12")),
            new Content.Revoke("42"),
            new Content.SenderKey(channel, Bytes.fromHex("33aa"))
        }) {
            Payload payload = new Payload(content, SENT, Optional.empty(), Optional.of(Bytes.fromHex("ff")));
            assertThat(PayloadCodec.decode(PayloadCodec.encode(payload)))
                    .as(content.toString())
                    .isEqualTo(payload);
        }
    }

    @Test
    void unknown_keys_are_ignored_so_later_clients_can_add_fields() throws ContentException {
        // {0: 1, 1: 5, 2: 0, 5: "9", 42: "future"}
        byte[] encoded = HexFormat.of().parseHex("85000101050200" + "05a139" + "2aa6667574757265");
        assertThat(PayloadCodec.decode(encoded).content()).isEqualTo(new Content.Revoke("9"));
    }

    @Test
    void malformed_payloads_are_refused_naming_the_field() {
        refused("", "not a map");
        refused("91", "not a map");
        refused("83000101010200" + "00", "trailing bytes");
        refused("83000201010202", "payload.v: unsupported version 2");
        refused("820001" + "0101", "payload.sent_at: missing");
        refused("83000101070200", "payload.kind: unknown kind 7");
        refused("83000101010200", "payload.text: missing");
        refused("84000101010200" + "0301", "payload.text: expected string");
        refused("840001010102ff" + "03a0", "payload.sent_at: negative");
        refused("8400010101020000" + "01", "key 0 appears twice");
        refused("82a17800" + "0101", "a key is not an integer");
        refused("84000101640200" + "08c4020102", "payload.channel: expected 16 bytes, got 2");
        refused("83000101640200", "payload.channel: missing");
        refused("85000101010200" + "03a0" + "08c4020102", "payload.channel: expected 16 bytes, got 2");
        // text that is not UTF-8 is refused, not repaired: two devices must never show different text
        refused("8400010101020003a2fffe", "not well-formed");
    }

    private static void refused(String hex, String message) {
        assertThatThrownBy(() -> PayloadCodec.decode(HexFormat.of().parseHex(hex)))
                .as(hex)
                .isInstanceOf(ContentException.class)
                .hasMessageContaining(message);
    }

    @Test
    void to_string_never_shows_content() {
        assertThat(new Content.Text("the secret", Optional.empty()).toString()).doesNotContain("secret");
        assertThat(new Content.SenderKey(UUID.randomUUID(), Bytes.fromHex("abcd")).toString())
                .doesNotContain("abcd");
    }
}
