// SPDX-License-Identifier: AGPL-3.0-or-later
package org.nexuslink.client.content;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.Optional;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.LongRange;
import org.nexuslink.protocol.Bytes;

/** Any payload survives encoding; any bytes at all either decode or raise only {@link ContentException}. */
class PayloadCodecProperties {

    @Property(tries = 500)
    void texts_round_trip(
            @ForAll String text,
            @ForAll Optional<String> replyTo,
            @ForAll @LongRange(min = 0, max = 4_000_000_000_000L) long millis)
            throws ContentException {
        Payload payload = new Payload(
                new Content.Text(text, replyTo), Instant.ofEpochMilli(millis), Optional.empty(), Optional.empty());
        assertThat(PayloadCodec.decode(PayloadCodec.encode(payload))).isEqualTo(payload);
    }

    @Property(tries = 3000)
    void random_bytes_raise_only_content_exception(@ForAll byte[] bytes) {
        try {
            PayloadCodec.decode(bytes);
        } catch (ContentException expected) {
            // the only failure allowed
        }
    }

    @Property(tries = 500)
    void any_truncation_of_a_file_payload_is_refused(@ForAll("cuts") int cut) {
        byte[] whole = PayloadCodec.encode(new Payload(
                new Content.File(Bytes.fromHex("00112233"), Optional.of("x"), Optional.empty()),
                Instant.EPOCH,
                Optional.of("nxl:x"),
                Optional.of(Bytes.fromHex("aa"))));
        byte[] part = java.util.Arrays.copyOf(whole, Math.min(cut, whole.length - 1));
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> PayloadCodec.decode(part))
                .isInstanceOf(ContentException.class);
    }

    @net.jqwik.api.Provide
    net.jqwik.api.Arbitrary<Integer> cuts() {
        return net.jqwik.api.Arbitraries.integers().between(0, 60);
    }
}
