// SPDX-License-Identifier: AGPL-3.0-or-later
package org.nexuslink.client.media;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.HexFormat;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.nexuslink.client.media.AttachmentException.Reason;

class AttachmentCipherTest {
    private static final HexFormat HEX = HexFormat.of();
    private final SecureRandom random = new SecureRandom();
    private final AttachmentKey key = AttachmentKey.generate(random);

    @TempDir
    Path dir;

    private static byte[] sha256(byte[] bytes) throws Exception {
        return MessageDigest.getInstance("SHA-256").digest(bytes);
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 1, 15, 16, 17, (1 << 20) + 3, 5 << 20})
    void decrypts_what_it_encrypted_for_each_size(int size) throws Exception {
        Path plain = TestFiles.random(dir, "plain", size, size);
        Path blob = dir.resolve("blob");
        Path out = dir.resolve("out");

        AttachmentCipher.Encrypted encrypted = AttachmentCipher.encrypt(plain, blob, key, random);
        AttachmentCipher.decrypt(blob, out, key, encrypted.ciphertextSha256(), size, encrypted.plaintextSha256());

        byte[] original = Files.readAllBytes(plain);
        assertThat(Files.readAllBytes(out)).isEqualTo(original);
        assertThat(encrypted.plaintextSize()).isEqualTo(size);
        assertThat(encrypted.ciphertextSize())
                .isEqualTo(Files.size(blob))
                .isEqualTo(AttachmentCipher.ciphertextSize(size))
                .isEqualTo(16 + (size / 16 + 1) * 16 + 32);
        assertThat(encrypted.ciphertextSha256()).isEqualTo(sha256(Files.readAllBytes(blob)));
        assertThat(encrypted.plaintextSha256()).isEqualTo(sha256(original));
        assertThat(TestFiles.files(dir)).containsExactlyInAnyOrder(plain, blob, out);
    }

    @Test
    void produces_the_known_blob_that_openssl_computes_for_a_fixed_key_and_iv() throws Exception {
        // Computed independently with:
        //   openssl enc -aes-256-cbc -K 000102..1f -iv 404142..4f -in pt.bin
        //   openssl dgst -sha256 -mac HMAC -macopt hexkey:202122..3f -binary (iv || ciphertext)
        AttachmentKey fixedKey = new AttachmentKey(TestFiles.counting(0, 32), TestFiles.counting(32, 32));
        Path plain = Files.writeString(dir.resolve("plain"), "NexusLink attachment");
        Path blob = dir.resolve("blob");

        AttachmentCipher.Encrypted encrypted =
                AttachmentCipher.encrypt(plain, blob, fixedKey, TestFiles.fixed(TestFiles.counting(64, 16)));

        assertThat(HEX.formatHex(Files.readAllBytes(blob)))
                .isEqualTo("404142434445464748494a4b4c4d4e4f"
                        + "dbd99eb56dcae000526fd1321f802ec4c8f477abcf662dcb9a33f02f11f0588e"
                        + "45d4e9105b1ef77e4a32b56be02f4f01383c344e15eaf5356668ae8c187659c3");
        assertThat(HEX.formatHex(encrypted.ciphertextSha256()))
                .isEqualTo("05c1cbc6ab54750ac736d62f88a37b88fbc28b4980da71e23760a304653c1830");
        assertThat(HEX.formatHex(encrypted.plaintextSha256()))
                .isEqualTo("467e445707ff07a24b0db4f404c65a6e5923c2dd62bda2ff366740da82c3fbcf");
    }

    @Test
    void lays_the_blob_out_as_iv_ciphertext_and_a_mac_over_both() throws Exception {
        Path plain = TestFiles.random(dir, "plain", 1000, 1);
        Path blob = dir.resolve("blob");
        AttachmentCipher.encrypt(plain, blob, key, random);

        byte[] bytes = Files.readAllBytes(blob);
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(key.macKey(), "HmacSHA256"));
        byte[] expectedTag = mac.doFinal(Arrays.copyOf(bytes, bytes.length - 32));

        assertThat(Arrays.copyOfRange(bytes, bytes.length - 32, bytes.length)).isEqualTo(expectedTag);
    }

    @Test
    void uses_a_fresh_iv_each_time() throws Exception {
        Path plain = TestFiles.random(dir, "plain", 100, 2);
        AttachmentCipher.Encrypted first = AttachmentCipher.encrypt(plain, dir.resolve("a"), key, random);
        AttachmentCipher.Encrypted second = AttachmentCipher.encrypt(plain, dir.resolve("b"), key, random);

        assertThat(first.ciphertextSha256()).isNotEqualTo(second.ciphertextSha256());
        assertThat(Arrays.copyOf(Files.readAllBytes(dir.resolve("a")), 16))
                .isNotEqualTo(Arrays.copyOf(Files.readAllBytes(dir.resolve("b")), 16));
    }

    /** A 4 KiB file's blob, with its digest, for the tampering tests. */
    private record Sample(Path blob, AttachmentCipher.Encrypted encrypted) {}

    private Sample sample() throws IOException {
        Path plain = TestFiles.random(dir, "plain", 4096, 3);
        Path blob = dir.resolve("blob");
        return new Sample(blob, AttachmentCipher.encrypt(plain, blob, key, random));
    }

    private void flip(Path file, long offset) throws IOException {
        byte[] bytes = Files.readAllBytes(file);
        bytes[(int) offset] ^= 0x01;
        Files.write(file, bytes);
    }

    private void assertRefused(Sample sample, AttachmentKey with, byte[] digest, long size, Reason reason) {
        Path out = dir.resolve("out");
        assertThatThrownBy(() -> AttachmentCipher.decrypt(
                        sample.blob(),
                        out,
                        with,
                        digest,
                        size,
                        sample.encrypted().plaintextSha256()))
                .isInstanceOfSatisfying(
                        AttachmentException.class, e -> assertThat(e.reason()).isEqualTo(reason));
        assertThat(out).doesNotExist();
        assertThat(TestFiles.files(dir)).containsExactlyInAnyOrder(dir.resolve("plain"), sample.blob());
    }

    @Test
    void refuses_a_flipped_iv_byte_and_writes_nothing() throws Exception {
        Sample sample = sample();
        flip(sample.blob(), 3);
        assertRefused(sample, key, sample.encrypted().ciphertextSha256(), 4096, Reason.DIGEST_MISMATCH);
    }

    @Test
    void refuses_a_flipped_body_byte_and_writes_nothing() throws Exception {
        Sample sample = sample();
        flip(sample.blob(), 2000);
        assertRefused(sample, key, sample.encrypted().ciphertextSha256(), 4096, Reason.DIGEST_MISMATCH);
    }

    @Test
    void refuses_a_flipped_mac_byte_and_writes_nothing() throws Exception {
        Sample sample = sample();
        flip(sample.blob(), Files.size(sample.blob()) - 1);
        assertRefused(sample, key, sample.encrypted().ciphertextSha256(), 4096, Reason.DIGEST_MISMATCH);
    }

    @Test
    void refuses_a_tampered_blob_whose_digest_was_forged_too_by_its_mac() throws Exception {
        Sample sample = sample();
        flip(sample.blob(), 2000);
        byte[] forgedDigest = sha256(Files.readAllBytes(sample.blob()));
        assertRefused(sample, key, forgedDigest, 4096, Reason.MAC_MISMATCH);
    }

    @Test
    void refuses_a_truncated_blob_and_writes_nothing() throws Exception {
        Sample sample = sample();
        byte[] bytes = Files.readAllBytes(sample.blob());
        Files.write(sample.blob(), Arrays.copyOf(bytes, bytes.length - 1));
        assertRefused(sample, key, sample.encrypted().ciphertextSha256(), 4096, Reason.TRUNCATED);
    }

    @Test
    void refuses_a_blob_cut_to_nothing() throws Exception {
        Sample sample = sample();
        Files.write(sample.blob(), new byte[0]);
        assertRefused(sample, key, sample.encrypted().ciphertextSha256(), 4096, Reason.TRUNCATED);
    }

    @Test
    void refuses_a_blob_longer_than_the_descriptor_says() throws Exception {
        Sample sample = sample();
        Files.write(sample.blob(), new byte[16], java.nio.file.StandardOpenOption.APPEND);
        assertRefused(sample, key, sample.encrypted().ciphertextSha256(), 4096, Reason.SIZE_MISMATCH);
    }

    @Test
    void refuses_a_plaintext_size_that_disagrees_with_the_padding() throws Exception {
        // 4090 bytes pad to the same blob length as 4096: only the decrypted length tells.
        Sample sample = sample();
        assertRefused(sample, key, sample.encrypted().ciphertextSha256(), 4090, Reason.SIZE_MISMATCH);
    }

    @Test
    void refuses_the_wrong_key_by_its_mac() throws Exception {
        Sample sample = sample();
        assertRefused(
                sample,
                AttachmentKey.generate(random),
                sample.encrypted().ciphertextSha256(),
                4096,
                Reason.MAC_MISMATCH);
    }

    @Test
    void refuses_the_wrong_digest() throws Exception {
        Sample sample = sample();
        assertRefused(sample, key, new byte[32], 4096, Reason.DIGEST_MISMATCH);
    }

    @Test
    void refuses_the_wrong_plaintext_digest_after_decrypting_and_keeps_no_plaintext() throws Exception {
        Sample sample = sample();
        Path out = dir.resolve("out");
        assertThatThrownBy(() -> AttachmentCipher.decrypt(
                        sample.blob(), out, key, sample.encrypted().ciphertextSha256(), 4096, new byte[32]))
                .isInstanceOfSatisfying(
                        AttachmentException.class,
                        e -> assertThat(e.reason()).isEqualTo(Reason.PLAINTEXT_DIGEST_MISMATCH));
        assertThat(TestFiles.files(dir)).containsExactlyInAnyOrder(dir.resolve("plain"), sample.blob());
    }

    @Test
    void leaves_an_existing_output_file_untouched_when_refusing() throws Exception {
        Sample sample = sample();
        Path out = Files.writeString(dir.resolve("out"), "previous");
        flip(sample.blob(), 100);

        assertThatThrownBy(() -> AttachmentCipher.decrypt(
                        sample.blob(), out, key, sample.encrypted().ciphertextSha256(), 4096))
                .isInstanceOf(AttachmentException.class);

        assertThat(Files.readString(out)).isEqualTo("previous");
    }

    @Test
    void refuses_an_authentic_blob_with_invalid_padding() throws Exception {
        // A malicious sender holds the key, so it can MAC a blob whose padding is garbage.
        byte[] iv = new byte[16];
        javax.crypto.Cipher raw = javax.crypto.Cipher.getInstance("AES/CBC/NoPadding");
        raw.init(
                javax.crypto.Cipher.ENCRYPT_MODE,
                new SecretKeySpec(key.aesKey(), "AES"),
                new javax.crypto.spec.IvParameterSpec(iv));
        byte[] ciphertext = raw.doFinal("sixteen bytes!!!".getBytes(StandardCharsets.US_ASCII));
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(key.macKey(), "HmacSHA256"));
        mac.update(iv);
        byte[] tag = mac.doFinal(ciphertext);
        byte[] blob = new byte[64];
        System.arraycopy(iv, 0, blob, 0, 16);
        System.arraycopy(ciphertext, 0, blob, 16, 16);
        System.arraycopy(tag, 0, blob, 32, 32);
        Path file = Files.write(dir.resolve("blob"), blob);

        assertThatThrownBy(() -> AttachmentCipher.decrypt(file, dir.resolve("out"), key, sha256(blob), 0))
                .isInstanceOfSatisfying(
                        AttachmentException.class, e -> assertThat(e.reason()).isEqualTo(Reason.UNDECRYPTABLE));
        assertThat(TestFiles.files(dir)).containsExactly(file);
    }

    @Test
    void rejects_a_digest_that_is_not_32_bytes() throws Exception {
        Sample sample = sample();
        assertThatThrownBy(() -> AttachmentCipher.decrypt(sample.blob(), dir.resolve("out"), key, new byte[31], 4096))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("32 bytes, got 31");
    }

    @Test
    void key_round_trips_through_its_64_byte_encoding_and_hides_itself() {
        byte[] encoded = key.encoded();

        assertThat(encoded).hasSize(64);
        assertThat(AttachmentKey.decode(encoded)).isEqualTo(key);
        assertThat(Arrays.copyOf(encoded, 32)).isEqualTo(key.aesKey());
        assertThat(key.toString()).doesNotContain(HEX.formatHex(key.aesKey())).isEqualTo("AttachmentKey[hidden]");
        assertThatThrownBy(() -> AttachmentKey.decode(new byte[63]))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("64 bytes, got 63");
        assertThat(AttachmentKey.generate(random)).isNotEqualTo(key);
    }
}
