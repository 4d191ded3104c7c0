// SPDX-License-Identifier: AGPL-3.0-or-later
package org.nexuslink.p2p;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PipedInputStream;
import java.io.PipedOutputStream;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.Size;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.nexuslink.p2p.internal.multistream.Multistream;

class MultistreamTest {

    static final String HEADER = "13 2f6d756c746973747265616d2f312e302e30 0a";
    static final String NOISE = "07 2f6e6f697365 0a";
    static final String NA = "03 6e61 0a";

    @Test
    void frames_the_header_noise_and_na_like_the_spec() {
        assertThat(Hex.of(Multistream.frame("/multistream/1.0.0"))).isEqualTo(HEADER.replace(" ", ""));
        assertThat(Hex.of(Multistream.frame("/noise"))).isEqualTo(NOISE.replace(" ", ""));
        assertThat(Hex.of(Multistream.frame("na"))).isEqualTo(NA.replace(" ", ""));
    }

    @Test
    void dialer_sends_header_and_proposal_together_and_accepts_the_echo() throws IOException {
        ByteArrayOutputStream sent = new ByteArrayOutputStream();
        InputStream answers = new ByteArrayInputStream(Hex.bytes(HEADER + NOISE));
        assertThat(Multistream.select(answers, sent, List.of("/noise"))).isEqualTo("/noise");
        assertThat(Hex.of(sent.toByteArray())).isEqualTo((HEADER + NOISE).replace(" ", ""));
    }

    @Test
    void dialer_moves_to_its_next_proposal_after_na() throws IOException {
        ByteArrayOutputStream sent = new ByteArrayOutputStream();
        InputStream answers = new ByteArrayInputStream(Hex.bytes(HEADER + NA + NOISE));
        assertThat(Multistream.select(answers, sent, List.of("/tls/1.0.0", "/noise")))
                .isEqualTo("/noise");
    }

    @Test
    void dialer_fails_when_every_proposal_is_refused() {
        InputStream answers = new ByteArrayInputStream(Hex.bytes(HEADER + NA));
        assertThatThrownBy(() -> Multistream.select(answers, new ByteArrayOutputStream(), List.of("/noise")))
                .isInstanceOf(NegotiationException.class);
    }

    @Test
    void dialer_refuses_an_echo_of_something_it_did_not_propose() {
        InputStream answers = new ByteArrayInputStream(Hex.bytes(HEADER + "07 2f6f74686572 0a"));
        assertThatThrownBy(() -> Multistream.select(answers, new ByteArrayOutputStream(), List.of("/noise")))
                .isInstanceOf(NegotiationException.class);
    }

    @Test
    void listener_answers_na_then_echoes_the_supported_protocol() throws IOException {
        ByteArrayOutputStream sent = new ByteArrayOutputStream();
        InputStream proposals = new ByteArrayInputStream(Hex.bytes(HEADER + "03 6c73 0a" + "05 2f746c73 0a" + NOISE));
        assertThat(Multistream.handle(proposals, sent, "/noise"::equals)).contains("/noise");
        assertThat(Hex.of(sent.toByteArray())).isEqualTo((HEADER + NA + NA + NOISE).replace(" ", ""));
    }

    @Test
    void listener_gives_up_on_a_dialer_that_proposes_forever() {
        ByteArrayOutputStream proposals = new ByteArrayOutputStream();
        proposals.writeBytes(Hex.bytes(HEADER));
        for (int i = 0; i <= Multistream.MAX_PROPOSALS; i++) {
            proposals.writeBytes(Multistream.frame("/nope/" + i));
        }
        assertThatThrownBy(() -> Multistream.handle(
                        new ByteArrayInputStream(proposals.toByteArray()),
                        new ByteArrayOutputStream(),
                        "/noise"::equals))
                .isInstanceOf(NegotiationException.class);
    }

    @Test
    void listener_returns_empty_when_the_dialer_leaves() throws IOException {
        assertThat(Multistream.handle(
                        new ByteArrayInputStream(Hex.bytes(HEADER)), new ByteArrayOutputStream(), p -> true))
                .isEqualTo(Optional.empty());
    }

    @Test
    void a_dialer_and_a_listener_agree_over_a_pipe() throws Exception {
        PipedOutputStream toListener = new PipedOutputStream();
        PipedInputStream listenerIn = new PipedInputStream(toListener);
        PipedOutputStream toDialer = new PipedOutputStream();
        PipedInputStream dialerIn = new PipedInputStream(toDialer);
        CompletableFuture<Optional<String>> listener = CompletableFuture.supplyAsync(() -> {
            try {
                return Multistream.handle(listenerIn, toDialer, "/yamux/1.0.0"::equals);
            } catch (IOException e) {
                throw new RuntimeException(e);
            }
        });
        assertThat(Multistream.select(dialerIn, toListener, List.of("/mplex/6.7.0", "/yamux/1.0.0")))
                .isEqualTo("/yamux/1.0.0");
        assertThat(listener.get(10, TimeUnit.SECONDS)).contains("/yamux/1.0.0");
    }

    @ParameterizedTest
    @ValueSource(strings = {"00", "01 41", "02 4141", "03 ff0a0a", "8108 00", "8080808080808080808001", "05 41"})
    void rejects_malformed_messages(String hex) {
        assertThatThrownBy(() -> Multistream.read(new ByteArrayInputStream(Hex.bytes(hex))))
                .isInstanceOfAny(MalformedDataException.class, java.io.EOFException.class);
    }

    @Property(tries = 2000)
    void random_bytes_raise_only_malformed_data_or_end_of_stream(@ForAll @Size(max = 40) byte[] bytes)
            throws IOException {
        try {
            Multistream.handle(new ByteArrayInputStream(bytes), new ByteArrayOutputStream(), p -> true);
        } catch (MalformedDataException | NegotiationException | java.io.EOFException expected) {
            assertThat(expected.getMessage()).isNotBlank();
        }
    }
}
