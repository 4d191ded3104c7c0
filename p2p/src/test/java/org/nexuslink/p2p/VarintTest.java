// SPDX-License-Identifier: AGPL-3.0-or-later
package org.nexuslink.p2p;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.EOFException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.nexuslink.p2p.internal.wire.Varint;

class VarintTest {

    /** The examples of the multiformats unsigned-varint spec. */
    @ParameterizedTest
    @CsvSource({
        "1, 01",
        "127, 7f",
        "128, 8001",
        "255, ff01",
        "300, ac02",
        "16384, 808001",
        "9223372036854775807, ffffffffffffffff7f"
    })
    void encodes_and_decodes_the_spec_examples(long value, String hex) throws Exception {
        assertThat(Hex.of(Varint.encode(value))).isEqualTo(hex);
        assertThat(Varint.decode(Hex.bytes(hex), 0)).isEqualTo(new Varint.Decoded(value, hex.length() / 2));
        assertThat(Varint.read(new ByteArrayInputStream(Hex.bytes(hex)))).isEqualTo(value);
        assertThat(Varint.length(value)).isEqualTo(hex.length() / 2);
    }

    @Test
    void rejects_a_truncated_varint() {
        assertThatThrownBy(() -> Varint.decode(Hex.bytes("8080"), 0))
                .isInstanceOf(MalformedDataException.class)
                .hasMessageContaining("truncated");
    }

    @Test
    void rejects_a_non_minimal_varint() {
        assertThatThrownBy(() -> Varint.decode(Hex.bytes("8100"), 0))
                .isInstanceOf(MalformedDataException.class)
                .hasMessageContaining("minimal");
        assertThatThrownBy(() -> Varint.read(new ByteArrayInputStream(Hex.bytes("8100"))))
                .isInstanceOf(MalformedDataException.class);
    }

    @Test
    void rejects_a_varint_longer_than_nine_bytes() {
        assertThatThrownBy(() -> Varint.decode(Hex.bytes("80808080808080808001"), 0))
                .isInstanceOf(MalformedDataException.class)
                .hasMessageContaining("longer than 9");
    }

    @Test
    void an_empty_stream_is_an_end_of_stream_not_a_malformed_varint() {
        assertThatThrownBy(() -> Varint.read(new ByteArrayInputStream(new byte[0])))
                .isInstanceOf(EOFException.class);
        assertThatThrownBy(() -> Varint.read(new ByteArrayInputStream(Hex.bytes("80"))))
                .isInstanceOf(MalformedDataException.class);
    }
}
