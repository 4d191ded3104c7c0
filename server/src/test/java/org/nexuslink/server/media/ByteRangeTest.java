// SPDX-License-Identifier: AGPL-3.0-or-later
package org.nexuslink.server.media;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.nexuslink.protocol.ErrorCode;
import org.nexuslink.server.http.ApiException;

class ByteRangeTest {
    private static Optional<ByteRange> parse(String header, long size) {
        return ByteRange.parse(Optional.ofNullable(header), size);
    }

    private static void unsatisfiable(String header, long size) {
        assertThatThrownBy(() -> parse(header, size))
                .isInstanceOfSatisfying(
                        ApiException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.RANGE_NOT_SATISFIABLE));
    }

    @Test
    void no_header_or_another_unit_means_the_whole_file() {
        assertThat(parse(null, 10)).isEmpty();
        assertThat(parse("items=0-1", 10)).isEmpty();
    }

    @Test
    void reads_closed_open_and_suffix_ranges() {
        assertThat(parse("bytes=0-0", 10)).contains(new ByteRange(0, 0));
        assertThat(parse("bytes=2-", 10)).contains(new ByteRange(2, 9));
        assertThat(parse("bytes=-3", 10)).contains(new ByteRange(7, 9));
        assertThat(parse("Bytes = 1 - 4", 10)).contains(new ByteRange(1, 4));
    }

    @Test
    void clamps_a_range_that_runs_past_the_end() {
        assertThat(parse("bytes=5-100", 10)).contains(new ByteRange(5, 9));
        assertThat(parse("bytes=-100", 10)).contains(new ByteRange(0, 9));
    }

    @Test
    void refuses_ranges_that_name_no_byte() {
        unsatisfiable("bytes=10-", 10);
        unsatisfiable("bytes=5-4", 10);
        unsatisfiable("bytes=-0", 10);
        unsatisfiable("bytes=0-", 0);
        unsatisfiable("bytes=-1", 0);
    }

    @Test
    void refuses_several_ranges_and_malformed_ones() {
        unsatisfiable("bytes=0-1,3-4", 10);
        unsatisfiable("bytes=-", 10);
        unsatisfiable("bytes=a-b", 10);
        unsatisfiable("bytes=99999999999999999999-", 10);
    }
}
