// SPDX-License-Identifier: AGPL-3.0-or-later
package org.nexuslink.p2p.chat;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.util.HexFormat;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;
import net.jqwik.api.constraints.StringLength;
import org.junit.jupiter.api.Test;
import org.nexuslink.p2p.MalformedDataException;
import org.nexuslink.p2p.internal.chat.BundleCodec;
import org.nexuslink.p2p.internal.chat.Frames;
import org.nexuslink.p2p.internal.chat.Hello;
import org.nexuslink.protocol.Bytes;
import org.nexuslink.protocol.Kind;
import org.signal.libsignal.protocol.IdentityKey;
import org.signal.libsignal.protocol.IdentityKeyPair;
import org.signal.libsignal.protocol.ecc.ECKeyPair;
import org.signal.libsignal.protocol.kem.KEMKeyPair;
import org.signal.libsignal.protocol.kem.KEMKeyType;
import org.signal.libsignal.protocol.state.PreKeyBundle;

/** The direct-mode decoders: golden bytes, round trips, and random or mutated input raising only the typed error. */
class ChatDecoderProperties {
    private static final HexFormat HEX = HexFormat.of();
    private static final IdentityKeyPair IDENTITY = IdentityKeyPair.generate();
    private static final PreKeyBundle BUNDLE = bundle();

    private static PreKeyBundle bundle() {
        ECKeyPair signed = ECKeyPair.generate();
        KEMKeyPair kyber = KEMKeyPair.generate(KEMKeyType.KYBER_1024);
        ECKeyPair oneTime = ECKeyPair.generate();
        return new PreKeyBundle(
                0,
                2,
                9,
                oneTime.getPublicKey(),
                3,
                signed.getPublicKey(),
                new byte[64],
                IDENTITY.getPublicKey(),
                4,
                kyber.getPublicKey(),
                new byte[64]);
    }

    @Test
    void text_content_is_the_seed_s_map_byte_for_byte() {
        // {0: "hi"}: fixmap of 1, key 0, fixstr of 2.
        assertThat(HEX.formatHex(new ChatContent.Text("hi").encode())).isEqualTo("8100a26869");
        // {0: "t", 1: bin8 of 2 bytes}.
        assertThat(HEX.formatHex(new ChatContent.SenderKey("t", Bytes.of(new byte[] {1, 2})).encode()))
                .isEqualTo("8200a17401c4020102");
        assertThat(ChatContent.decode(Kind.TEXT, HEX.parseHex("8100a26869"))).isEqualTo(new ChatContent.Text("hi"));
    }

    @Test
    void content_with_unknown_keys_decodes_and_wrong_shapes_do_not() {
        // {0: "hi", 7: 1}: an unknown key is skipped.
        assertThat(ChatContent.decode(Kind.TEXT, HEX.parseHex("8200a2686907" + "01")))
                .isEqualTo(new ChatContent.Text("hi"));
        assertThatThrownBy(() -> ChatContent.decode(Kind.TEXT, HEX.parseHex("8100" + "01")))
                .isInstanceOf(MalformedDataException.class)
                .hasMessageContaining("key 0 has the wrong type");
        assertThatThrownBy(() -> ChatContent.decode(ChatContent.SENDER_KEY, HEX.parseHex("8100a26869")))
                .isInstanceOf(MalformedDataException.class)
                .hasMessageContaining("lacks key 1");
        assertThatThrownBy(() -> ChatContent.decode(Kind.FILE, HEX.parseHex("8100a26869")))
                .isInstanceOf(MalformedDataException.class)
                .hasMessageContaining("no content of kind");
        assertThatThrownBy(() -> ChatContent.decode(Kind.TEXT, HEX.parseHex("8100a2686900")))
                .isInstanceOf(MalformedDataException.class)
                .hasMessageContaining("bytes after");
    }

    @Test
    void a_bundle_round_trips_with_the_identity_key_the_receiver_supplies() {
        PreKeyBundle decoded = BundleCodec.decode(BundleCodec.encode(BUNDLE), IDENTITY.getPublicKey());
        assertThat(BundleCodec.encode(decoded)).isEqualTo(BundleCodec.encode(BUNDLE));
        assertThat(decoded.getKyberPreKey().serialize())
                .isEqualTo(BUNDLE.getKyberPreKey().serialize());
        assertThat(decoded.getPreKeyId()).isEqualTo(9);
    }

    @Test
    void a_frame_longer_than_allowed_is_refused_before_it_is_read() {
        // Length 70000 announced, nothing after it.
        assertThatThrownBy(() -> Frames.read(new ByteArrayInputStream(HEX.parseHex("f0a204")), 65536))
                .isInstanceOf(MalformedDataException.class)
                .hasMessageContaining("70000");
        assertThatThrownBy(() -> Frames.read(new ByteArrayInputStream(HEX.parseHex("0501")), 65536))
                .isInstanceOf(EOFException.class);
    }

    @Property(tries = 2000)
    void content_round_trips(@ForAll @StringLength(max = 300) String text, @ForAll @Size(max = 300) byte[] key) {
        assertThat(ChatContent.decode(Kind.TEXT, new ChatContent.Text(text).encode()))
                .isEqualTo(new ChatContent.Text(text));
        ChatContent.SenderKey sk = new ChatContent.SenderKey(text, Bytes.of(key));
        assertThat(ChatContent.decode(ChatContent.SENDER_KEY, sk.encode())).isEqualTo(sk);
    }

    @Property(tries = 3000)
    void random_bytes_raise_only_malformed_data(@ForAll @Size(max = 200) byte[] bytes) throws IOException {
        acceptOrMalformed(() -> Hello.decode(bytes));
        acceptOrMalformed(() -> BundleCodec.decode(bytes, IDENTITY.getPublicKey()));
        acceptOrMalformed(() -> ChatContent.decode(Kind.TEXT, bytes));
        acceptOrMalformed(() -> ChatContent.decode(ChatContent.SENDER_KEY, bytes));
        try {
            Frames.read(new ByteArrayInputStream(bytes), 100);
        } catch (MalformedDataException | EOFException expected) {
            // the typed errors
        }
    }

    @Property(tries = 1000)
    void a_mutated_hello_raises_only_malformed_data(
            @ForAll @IntRange(min = 0, max = 5000) int position,
            @ForAll @IntRange(min = 1, max = 255) int flip,
            @ForAll boolean truncate) {
        byte[] hello = new Hello(new byte[] {10, 2, 1, 2}, BundleCodec.encode(BUNDLE)).encode();
        int at = position % hello.length;
        byte[] mutated = truncate ? java.util.Arrays.copyOf(hello, at) : hello.clone();
        if (!truncate) {
            mutated[at] ^= (byte) flip;
        }
        acceptOrMalformed(() -> {
            Hello h = Hello.decode(mutated);
            BundleCodec.decode(
                    h.bundle(), new IdentityKey(IDENTITY.getPublicKey().getPublicKey()));
        });
    }

    private static void acceptOrMalformed(Runnable decode) {
        try {
            decode.run();
        } catch (MalformedDataException expected) {
            // the one typed error
        }
    }
}
