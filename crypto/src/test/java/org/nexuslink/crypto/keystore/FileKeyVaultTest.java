// SPDX-License-Identifier: AGPL-3.0-or-later
package org.nexuslink.crypto.keystore;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nexuslink.crypto.identity.AccountIdentity;
import org.nexuslink.crypto.identity.DeviceCertificate;
import org.nexuslink.crypto.identity.DeviceId;
import org.nexuslink.crypto.identity.DeviceKeyPair;
import org.nexuslink.crypto.identity.Mnemonic;

class FileKeyVaultTest {
    /** Small Argon2 costs keep the tests fast; the defaults are checked separately. */
    static final KdfParameters FAST = new KdfParameters(256, 1, 1);

    @TempDir
    Path profile;

    static VaultContents sampleContents() {
        Mnemonic words = Mnemonic.generate(Mnemonic.WordCount.TWELVE, new SecureRandom());
        AccountIdentity identity = AccountIdentity.fromMnemonic(words);
        DeviceKeyPair device = DeviceKeyPair.generate();
        DeviceCertificate cert =
                identity.certify(DeviceId.PRIMARY, device.publicKey(), Instant.now(), Optional.empty());
        return new VaultContents(identity.accountId(), Optional.of(identity), Optional.of(words), device, cert);
    }

    FileKeyVault vault(String passphrase) {
        return FileKeyVault.inProfile(profile, Passphrase.of(passphrase.toCharArray()), FAST, new SecureRandom());
    }

    @Test
    void sealed_contents_round_trip() throws Exception {
        VaultContents contents = sampleContents();
        vault("correct horse").create(contents);
        VaultContents loaded = vault("correct horse").load();
        assertThat(loaded).isEqualTo(contents);
        assertThat(loaded.mnemonic()).isEqualTo(contents.mnemonic());
        assertThat(loaded.deviceKey().privateKeyBytes())
                .isEqualTo(contents.deviceKey().privateKeyBytes());
    }

    @Test
    void linked_device_without_identity_key_round_trips() throws Exception {
        AccountIdentity identity = AccountIdentity.generate();
        DeviceKeyPair device = DeviceKeyPair.generate();
        DeviceCertificate cert = identity.certify(new DeviceId(9), device.publicKey(), Instant.now(), Optional.empty());
        VaultContents linked =
                new VaultContents(identity.accountId(), Optional.empty(), Optional.empty(), device, cert);
        vault("pw").create(linked);
        VaultContents loaded = vault("pw").load();
        assertThat(loaded.identity()).isEmpty();
        assertThat(loaded.mnemonic()).isEmpty();
        assertThat(loaded.deviceId()).isEqualTo(new DeviceId(9));
    }

    @Test
    void file_holds_no_secret_in_clear() throws Exception {
        VaultContents contents = sampleContents();
        vault("pw").create(contents);
        byte[] file = Files.readAllBytes(profile.resolve(FileKeyVault.FILE_NAME));
        String asText = new String(file, java.nio.charset.StandardCharsets.ISO_8859_1);
        assertThat(asText)
                .doesNotContain(contents.mnemonic().orElseThrow().words().get(0) + " ");
        assertThat(indexOf(file, contents.deviceKey().privateKeyBytes())).isEqualTo(-1);
        assertThat(indexOf(file, contents.identity().orElseThrow().privateKeyBytes()))
                .isEqualTo(-1);
        assertThat(new String(file, 0, 8, java.nio.charset.StandardCharsets.US_ASCII))
                .isEqualTo("NXLVAULT");
    }

    @Test
    void summary_is_readable_without_the_passphrase() throws Exception {
        VaultContents contents = sampleContents();
        vault("pw").create(contents);
        VaultSummary summary =
                FileKeyVault.summaryOf(profile.resolve(FileKeyVault.FILE_NAME)).orElseThrow();
        assertThat(summary.accountId()).isEqualTo(contents.accountId());
        assertThat(summary.deviceId()).isEqualTo(DeviceId.PRIMARY);
        assertThat(summary.kdf()).isEqualTo(FAST);
        assertThat(vault("other").summary()).contains(summary);
    }

    @Test
    void wrong_passphrase_is_a_clear_error_and_overwrites_nothing() throws Exception {
        vault("right").create(sampleContents());
        Path file = profile.resolve(FileKeyVault.FILE_NAME);
        byte[] before = Files.readAllBytes(file);

        assertThatThrownBy(() -> vault("wrong").load())
                .isInstanceOfSatisfying(
                        KeystoreException.class,
                        e -> assertThat(e.reason()).isEqualTo(KeystoreException.Reason.WRONG_PASSPHRASE))
                .hasMessageContaining("wrong passphrase");
        assertThatThrownBy(() -> vault("wrong").replace(sampleContents()))
                .isInstanceOfSatisfying(
                        KeystoreException.class,
                        e -> assertThat(e.reason()).isEqualTo(KeystoreException.Reason.WRONG_PASSPHRASE));
        assertThat(Files.readAllBytes(file)).isEqualTo(before);
        assertThat(Files.list(profile)).containsExactly(file);
    }

    @Test
    void create_never_overwrites_an_existing_keystore() throws Exception {
        VaultContents first = sampleContents();
        vault("pw").create(first);
        assertThatThrownBy(() -> vault("pw").create(sampleContents()))
                .isInstanceOfSatisfying(
                        KeystoreException.class,
                        e -> assertThat(e.reason()).isEqualTo(KeystoreException.Reason.ALREADY_EXISTS));
        assertThat(vault("pw").load()).isEqualTo(first);
    }

    @Test
    void replace_with_the_right_passphrase_writes_new_contents_with_a_fresh_salt() throws Exception {
        vault("pw").create(sampleContents());
        Path file = profile.resolve(FileKeyVault.FILE_NAME);
        byte[] before = Files.readAllBytes(file);
        VaultContents next = sampleContents();
        vault("pw").replace(next);
        assertThat(vault("pw").load()).isEqualTo(next);
        assertThat(java.util.Arrays.copyOfRange(Files.readAllBytes(file), 19, 36))
                .isNotEqualTo(java.util.Arrays.copyOfRange(before, 19, 36));
    }

    @Test
    void leftover_temp_file_from_a_crash_does_not_break_loading() throws Exception {
        VaultContents contents = sampleContents();
        vault("pw").create(contents);
        Files.write(profile.resolve(FileKeyVault.FILE_NAME + ".123456.tmp"), new byte[] {1, 2, 3});
        Files.write(profile.resolve(FileKeyVault.FILE_NAME + ".654321.tmp"), new byte[0]);
        assertThat(vault("pw").load()).isEqualTo(contents);
        vault("pw").replace(contents);
        assertThat(vault("pw").load()).isEqualTo(contents);
    }

    @Test
    void every_header_byte_is_authenticated() throws Exception {
        vault("pw").create(sampleContents());
        Path file = profile.resolve(FileKeyVault.FILE_NAME);
        byte[] good = Files.readAllBytes(file);
        // Any header change must fail the header parse or the GCM check (the header is the additional data).
        for (int i = 0; i < FileKeyVault.HEADER_LENGTH; i++) {
            byte[] bad = good.clone();
            bad[i] ^= 0x01;
            Files.write(file, bad);
            assertThatThrownBy(() -> vault("pw").load()).as("header byte %d", i).isInstanceOf(KeystoreException.class);
        }
    }

    @Test
    void truncated_or_foreign_files_are_reported_as_corrupt() throws Exception {
        vault("pw").create(sampleContents());
        Path file = profile.resolve(FileKeyVault.FILE_NAME);
        byte[] good = Files.readAllBytes(file);
        Files.write(file, java.util.Arrays.copyOf(good, 40));
        assertThatThrownBy(() -> vault("pw").load())
                .isInstanceOfSatisfying(
                        KeystoreException.class,
                        e -> assertThat(e.reason()).isEqualTo(KeystoreException.Reason.CORRUPT))
                .hasMessageContaining("truncated");
        Files.writeString(file, "hello");
        assertThatThrownBy(() -> vault("pw").load())
                .isInstanceOfSatisfying(
                        KeystoreException.class,
                        e -> assertThat(e.reason()).isEqualTo(KeystoreException.Reason.CORRUPT))
                .hasMessageContaining("magic");
    }

    @Test
    void header_asking_for_absurd_argon2_memory_is_refused_before_any_work() throws Exception {
        vault("pw").create(sampleContents());
        Path file = profile.resolve(FileKeyVault.FILE_NAME);
        byte[] bytes = Files.readAllBytes(file);
        ByteBuffer.wrap(bytes).putInt(10, Integer.MAX_VALUE);
        Files.write(file, bytes);
        assertThatThrownBy(() -> vault("pw").load())
                .isInstanceOfSatisfying(
                        KeystoreException.class,
                        e -> assertThat(e.reason()).isEqualTo(KeystoreException.Reason.CORRUPT))
                .hasMessageContaining("Argon2");
    }

    @Test
    void unknown_format_version_is_unsupported() throws Exception {
        vault("pw").create(sampleContents());
        Path file = profile.resolve(FileKeyVault.FILE_NAME);
        byte[] bytes = Files.readAllBytes(file);
        bytes[8] = 2;
        Files.write(file, bytes);
        assertThatThrownBy(() -> vault("pw").load())
                .isInstanceOfSatisfying(
                        KeystoreException.class,
                        e -> assertThat(e.reason()).isEqualTo(KeystoreException.Reason.UNSUPPORTED_VERSION));
    }

    @Test
    void missing_keystore_is_not_found() {
        assertThat(vault("pw").exists()).isFalse();
        assertThatThrownBy(() -> vault("pw").load())
                .isInstanceOfSatisfying(
                        KeystoreException.class,
                        e -> assertThat(e.reason()).isEqualTo(KeystoreException.Reason.NOT_FOUND));
    }

    @Test
    void keystore_file_is_readable_by_its_owner_only() throws Exception {
        vault("pw").create(sampleContents());
        assertThat(PosixFilePermissions.toString(
                        Files.getPosixFilePermissions(profile.resolve(FileKeyVault.FILE_NAME))))
                .isEqualTo("rw-------");
    }

    @Test
    void defaults_are_rfc_9106_second_recommendation() {
        assertThat(KdfParameters.DEFAULT).isEqualTo(new KdfParameters(65536, 3, 4));
    }

    @Test
    void secrets_are_redacted_in_to_string() {
        VaultContents contents = sampleContents();
        assertThat(contents.toString())
                .contains(contents.accountId().toString())
                .contains("redacted")
                .doesNotContain(contents.mnemonic().orElseThrow().words().get(1));
        assertThat(Passphrase.of("hunter2".toCharArray()).toString()).doesNotContain("hunter2");
    }

    @Test
    void contents_that_do_not_belong_together_are_refused() {
        VaultContents a = sampleContents();
        VaultContents b = sampleContents();
        assertThatThrownBy(() ->
                        new VaultContents(a.accountId(), a.identity(), a.mnemonic(), b.deviceKey(), a.certificate()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("another device key");
        assertThatThrownBy(() ->
                        new VaultContents(a.accountId(), a.identity(), b.mnemonic(), a.deviceKey(), a.certificate()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("mnemonic");
    }

    private static int indexOf(byte[] haystack, byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= haystack.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (haystack[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }
}
