// SPDX-License-Identifier: AGPL-3.0-or-later
package org.nexuslink.protocol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Arrays;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class GoldenVectorTest {

    private final EnvelopeCodec codec = new EnvelopeCodec();

    static Stream<Arguments> vectors() {
        Map<String, byte[]> hex = GoldenVectors.hexFromDoc();
        return GoldenVectors.values().entrySet().stream()
                .map(e -> Arguments.of(e.getKey(), e.getValue(), hex.get(e.getKey())));
    }

    @Test
    void doc_holds_exactly_the_vectors_the_test_defines() {
        assertThat(GoldenVectors.hexFromDoc().keySet())
                .containsExactlyElementsOf(GoldenVectors.values().keySet());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("vectors")
    void encodes_value_to_exact_bytes(String name, Envelope value, byte[] bytes) {
        assertThat(Bytes.of(codec.encode(value)).hex())
                .isEqualTo(Bytes.of(bytes).hex());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("vectors")
    void decodes_exact_bytes_to_value(String name, Envelope value, byte[] bytes) {
        assertThat(codec.decode(bytes)).isEqualTo(value);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("vectors")
    void rejects_every_truncation_as_malformed_frame(String name, Envelope value, byte[] bytes) {
        for (int length = 0; length < bytes.length; length++) {
            byte[] prefix = Arrays.copyOf(bytes, length);
            assertThatThrownBy(() -> codec.decode(prefix))
                    .as("prefix of %d bytes", length)
                    .isInstanceOfSatisfying(
                            ProtocolException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.MALFORMED_FRAME));
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("vectors")
    void rejects_trailing_byte_as_malformed_frame(String name, Envelope value, byte[] bytes) {
        byte[] longer = Arrays.copyOf(bytes, bytes.length + 1);
        assertThatThrownBy(() -> codec.decode(longer)).isInstanceOfSatisfying(ProtocolException.class, e -> {
            assertThat(e.code()).isEqualTo(ErrorCode.MALFORMED_FRAME);
            assertThat(e.getMessage()).contains("trailing");
        });
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("vectors")
    void encodes_event_on_its_own_as_it_appears_inside_the_envelope(String name, Envelope value, byte[] bytes) {
        if (value.body() instanceof Event event) {
            byte[] alone = codec.encodeEvent(event);
            assertThat(Bytes.of(bytes).hex()).contains(Bytes.of(alone).hex());
            assertThat(codec.decodeEvent(alone)).isEqualTo(event);
        }
    }
}
