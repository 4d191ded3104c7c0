// SPDX-License-Identifier: AGPL-3.0-or-later
package org.nexuslink.crypto.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ServerKeyPairTest {
    static final HexFormat HEX = HexFormat.of();
    /** RFC 8032 section 7.1, TEST 1: the private key and the public key derived from it. */
    static final byte[] RFC8032_SECRET =
            HEX.parseHex("9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60");

    static final String RFC8032_PUBLIC = "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a";

    @Test
    void public_key_is_derived_as_rfc_8032_says() {
        assertThat(HEX.formatHex(
                        ServerKeyPair.fromPrivateKey(RFC8032_SECRET).publicKey().bytes()))
                .isEqualTo(RFC8032_PUBLIC);
    }

    @Test
    void signature_verifies_only_under_its_domain_message_and_key() {
        ServerKeyPair key = ServerKeyPair.generate(new SecureRandom());
        byte[] message = "tree head".getBytes(StandardCharsets.UTF_8);
        byte[] signature = key.sign("nexuslink/test/a", message);
        assertThat(signature).hasSize(64);
        assertThat(key.publicKey().verify("nexuslink/test/a", message, signature))
                .isTrue();
        assertThat(key.publicKey().verify("nexuslink/test/b", message, signature))
                .isFalse();
        assertThat(key.publicKey().verify("nexuslink/test/a", "other".getBytes(StandardCharsets.UTF_8), signature))
                .isFalse();
        assertThat(ServerKeyPair.generate(new SecureRandom())
                        .publicKey()
                        .verify("nexuslink/test/a", message, signature))
                .isFalse();
        assertThat(key.publicKey().verify("nexuslink/test/a", message, new byte[63]))
                .isFalse();
    }

    @Test
    void known_signature_is_deterministic() {
        // Ed25519 of "nexuslink/test" 0x00 "abc" under RFC 8032 TEST 1's key: pins the signed bytes' layout.
        byte[] signature = ServerKeyPair.fromPrivateKey(RFC8032_SECRET)
                .sign("nexuslink/test", "abc".getBytes(StandardCharsets.US_ASCII));
        assertThat(HEX.formatHex(signature)).isEqualTo(KNOWN_SIGNATURE);
    }

    static final String KNOWN_SIGNATURE = "70a2d53cd4267b8858fb5a205c74d590f622d2d91ded60633f9b5f2267d83d5b"
            + "bdf6423fed5f4bd1dc2571597268add929fabe2d2ec042348e5a466e22099303";

    @Test
    void key_file_is_created_owner_only_and_read_back(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("data/server.key");
        ServerKeyPair created = ServerKeyPair.loadOrCreate(file, new SecureRandom());
        assertThat(Files.getPosixFilePermissions(file)).isEqualTo(PosixFilePermissions.fromString("rw-------"));
        assertThat(Files.readString(file)).startsWith("nexuslink-server-key-v1 ed25519 ");
        assertThat(ServerKeyPair.loadOrCreate(file, new SecureRandom()).publicKey())
                .isEqualTo(created.publicKey());
        assertThat(created.toString())
                .doesNotContain(Files.readString(file).strip().split(" ")[2]);
    }

    @Test
    void a_file_that_holds_no_key_is_refused_and_left_alone(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("server.key");
        Files.writeString(file, "hello");
        assertThatThrownBy(() -> ServerKeyPair.loadOrCreate(file, new SecureRandom()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("not a NexusLink server key file");
        Files.writeString(file, "nexuslink-server-key-v1 ed25519 AAAA");
        assertThatThrownBy(() -> ServerKeyPair.loadOrCreate(file, new SecureRandom()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("3 bytes");
        assertThat(Files.readString(file)).isEqualTo("nexuslink-server-key-v1 ed25519 AAAA");
    }

    @Test
    void invalid_public_keys_are_refused() {
        assertThatThrownBy(() -> ServerPublicKey.of(new byte[31])).isInstanceOf(IllegalArgumentException.class);
        // The identity point (small order) is no key.
        byte[] identity = new byte[32];
        identity[0] = 1;
        assertThatThrownBy(() -> ServerPublicKey.of(identity)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> ServerPublicKey.fromBase64("not base64!"))
                .isInstanceOf(IllegalArgumentException.class);
        ServerPublicKey key = ServerPublicKey.of(HEX.parseHex(RFC8032_PUBLIC));
        assertThat(ServerPublicKey.fromBase64(key.base64())).isEqualTo(key);
    }
}
