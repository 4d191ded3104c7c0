// SPDX-License-Identifier: AGPL-3.0-or-later
package org.nexuslink.client.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.util.HexFormat;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The layout of the values and keys the store writes: it is on disk, so it must not drift. */
class RowCodecTest {
    private static final HexFormat HEX = HexFormat.of();

    @Test
    void fields_are_written_big_endian_and_length_prefixed() {
        byte[] written = new RowCodec.Writer()
                .string("é")
                .i32(258)
                .bool(true)
                .bytes(new byte[] {9})
                .i64(-2L)
                .toBytes();
        assertThat(HEX.formatHex(written))
                .isEqualTo("00000002c3a9" + "00000102" + "01" + "0000000109" + "fffffffffffffffe");
    }

    @Test
    void a_value_longer_than_the_first_buffer_reads_back_whole() {
        byte[] big = new byte[1000];
        for (int i = 0; i < big.length; i++) {
            big[i] = (byte) i;
        }
        Instant time = Instant.parse("2026-12-03T15:00:00.123456789Z");
        byte[] written = new RowCodec.Writer()
                .i32(7)
                .bytes(big)
                .instant(time)
                .optionalString(Optional.of("nxl:a"))
                .optionalBytes(Optional.empty())
                .optionalInstant(Optional.of(time))
                .toBytes();
        assertThat(written).hasSize(4 + 4 + 1000 + 12 + 1 + 4 + 5 + 1 + 1 + 12);

        RowCodec.Reader in = new RowCodec.Reader(written, "test value");
        assertThat(in.i32()).isEqualTo(7);
        assertThat(in.bytes()).isEqualTo(big);
        assertThat(in.instant()).isEqualTo(time);
        assertThat(in.optionalString()).contains("nxl:a");
        assertThat(in.optionalBytes()).isEmpty();
        assertThat(in.optionalInstant()).contains(time);
        in.end();
    }

    @Test
    void a_value_cut_short_is_damaged() {
        byte[] written = new RowCodec.Writer().string("nxl:alice").toBytes();
        byte[] cut = java.util.Arrays.copyOf(written, written.length - 1);
        assertThatThrownBy(() -> new RowCodec.Reader(cut, "test value").string())
                .isInstanceOf(StoreException.class)
                .hasMessageContaining("test value");
    }
}
