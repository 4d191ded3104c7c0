// SPDX-License-Identifier: AGPL-3.0-or-later
package org.nexuslink.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** Reading the extension values a peer sets, and setting them. */
class RawValueTest {

    @Test
    void strings_and_unsigned_integers_read_back_and_other_types_do_not() {
        assertThat(RawValue.ofString("nxl:alice").asString()).contains("nxl:alice");
        assertThat(RawValue.ofString("nxl:alice").asUnsigned()).isEmpty();
        assertThat(RawValue.ofUnsigned(127).asUnsigned()).hasValue(127);
        assertThat(RawValue.ofUnsigned(127).asString()).isEmpty();
        assertThat(RawValue.ofUnsigned(-1L).asUnsigned())
                .as("2^64-1 does not fit a long")
                .isEmpty();
        assertThat(new RawValue(Bytes.fromHex("ff")).asUnsigned())
                .as("-1 is not unsigned")
                .isEmpty();
        assertThat(RawValue.ofBinary(Bytes.fromHex("01")).asString()).isEmpty();
        assertThat(RawValue.ofUnsigned(Long.MAX_VALUE).asUnsigned()).hasValue(Long.MAX_VALUE);
        assertThat(RawValue.ofUnsigned(0).asUnsigned()).hasValue(0);
    }

    @Test
    void a_string_of_bytes_that_are_not_utf8_is_not_a_string() {
        // fixstr of 2 bytes: 0xc3 0x28 is an invalid UTF-8 sequence; replacing it would let two
        // peers read different text, so it reads as no string at all, as the wire codec refuses it.
        assertThat(new RawValue(Bytes.fromHex("a2c328")).asString()).isEmpty();
        assertThat(new RawValue(Bytes.fromHex("a2c3a9")).asString()).contains("é");
    }

    @Test
    void with_replaces_a_value_and_keeps_the_others() {
        Extensions ext = Extensions.EMPTY
                .with(Extensions.AUTHOR, RawValue.ofString("forged"))
                .with(9, RawValue.ofUnsigned(1))
                .with(Extensions.AUTHOR, RawValue.ofString("nxl:real"));
        assertThat(ext.get(Extensions.AUTHOR).flatMap(RawValue::asString)).contains("nxl:real");
        assertThat(ext.entries()).containsOnlyKeys(Extensions.AUTHOR, 9);
    }
}
