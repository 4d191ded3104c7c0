// SPDX-License-Identifier: AGPL-3.0-or-later
package org.nexuslink.p2p;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.security.SecureRandom;
import java.util.List;
import java.util.Optional;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.Size;
import org.nexuslink.p2p.internal.noise.DhKeyPair;
import org.nexuslink.p2p.internal.noise.SecureChannel;
import org.nexuslink.p2p.internal.protocols.Identify;
import org.nexuslink.p2p.internal.pubsub.Rpc;

/**
 * Random bytes where a peer's Noise handshake or identify message should be: the decoders
 * raise only their typed errors (an IOException subtype, or MalformedDataException).
 */
class SessionDecoderProperties {

    private static final SecureRandom RANDOM = new SecureRandom();
    private static final PeerKeyPair KEY = PeerKeyPair.generate(RANDOM);
    private static final DhKeyPair STATIC = DhKeyPair.generate(RANDOM);

    @Property(tries = 1000)
    void random_bytes_never_complete_a_noise_handshake_as_listener(@ForAll @Size(max = 200) byte[] bytes) {
        try {
            SecureChannel.respond(
                    new ByteArrayInputStream(bytes),
                    new ByteArrayOutputStream(),
                    KEY,
                    STATIC,
                    DhKeyPair.generate(RANDOM));
            throw new AssertionError("a handshake completed from random bytes");
        } catch (IOException expected) {
            assertThat(expected.getMessage()).isNotBlank();
        }
    }

    @Property(tries = 1000)
    void random_bytes_never_complete_a_noise_handshake_as_dialer(@ForAll @Size(max = 200) byte[] bytes) {
        try {
            SecureChannel.initiate(
                    new ByteArrayInputStream(bytes),
                    new ByteArrayOutputStream(),
                    KEY,
                    STATIC,
                    DhKeyPair.generate(RANDOM),
                    Optional.empty());
            throw new AssertionError("a handshake completed from random bytes");
        } catch (IOException expected) {
            assertThat(expected.getMessage()).isNotBlank();
        }
    }

    @Property(tries = 2000)
    void random_identify_messages_raise_only_malformed_data(@ForAll @Size(max = 120) byte[] bytes) throws IOException {
        try {
            Identify.decode(bytes);
        } catch (MalformedDataException expected) {
            assertThat(expected.getMessage()).isNotBlank();
        }
        try {
            Identify.read(new ByteArrayInputStream(bytes));
        } catch (MalformedDataException expected) {
            assertThat(expected.getMessage()).isNotBlank();
        }
    }

    @Property(tries = 3000)
    void random_pubsub_rpcs_raise_only_malformed_data(@ForAll @Size(max = 160) byte[] bytes) {
        try {
            Rpc rpc = Rpc.decode(bytes);
            rpc.messages().forEach(m -> m.validate());
            assertThat(Rpc.decode(rpc.encode()).subscriptions()).isEqualTo(rpc.subscriptions());
        } catch (MalformedDataException expected) {
            assertThat(expected.getMessage()).isNotBlank();
        }
    }

    @Property(tries = 200)
    void identify_records_round_trip(@ForAll @Size(max = 5) List<@Size(min = 1, max = 20) String> protocols) {
        IdentifyInfo info = new IdentifyInfo(
                "ipfs/0.1.0",
                "agent",
                KEY.publicKey(),
                List.of(Multiaddr.parse("/ip4/10.0.0.1/tcp/4001")),
                Optional.of(Multiaddr.parse("/ip6/::1/tcp/1")),
                protocols);
        assertThat(Identify.decode(Identify.encode(info))).isEqualTo(info);
    }
}
