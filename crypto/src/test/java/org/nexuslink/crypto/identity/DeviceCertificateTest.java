// SPDX-License-Identifier: AGPL-3.0-or-later
package org.nexuslink.crypto.identity;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.msgpack.core.MessageBufferPacker;
import org.msgpack.core.MessagePack;

class DeviceCertificateTest {
    static final Instant CREATED = Instant.parse("2026-11-01T12:00:00Z");
    static final Clock DURING = Clock.fixed(Instant.parse("2027-01-15T08:30:00Z"), ZoneOffset.UTC);
    static final AccountIdentity ABANDON = abandon();
    static final byte[] VECTOR = HexFormat.of().parseHex(KnownVectors.CERTIFICATE);

    static AccountIdentity abandon() {
        try {
            return AccountIdentity.fromMnemonic(Mnemonic.parse(AccountIdentityTest.ABANDON_12));
        } catch (InvalidMnemonicException e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void fixed_certificate_bytes_verify_and_decode_to_their_fields() throws Exception {
        DeviceCertificate c = DeviceCertificate.verify(VECTOR, ABANDON.accountId(), DURING);
        assertThat(c.accountId().toString()).isEqualTo(KnownVectors.ABANDON_12_ACCOUNT_ID);
        assertThat(c.deviceId()).isEqualTo(new DeviceId(2));
        assertThat(HexFormat.of().formatHex(c.devicePublicKeyBytes())).isEqualTo(KnownVectors.DEVICE_PUBLIC_KEY);
        assertThat(c.createdAt()).isEqualTo(CREATED);
        assertThat(c.expiresAt()).contains(Instant.parse("2027-11-01T12:00:00Z"));
        assertThat(c.encoded()).isEqualTo(VECTOR);
    }

    @Test
    void tampering_any_single_byte_is_rejected() {
        for (int i = 0; i < VECTOR.length; i++) {
            for (int bit = 0; bit < 8; bit++) {
                byte[] tampered = VECTOR.clone();
                tampered[i] ^= (byte) (1 << bit);
                int at = i;
                assertThatThrownBy(() -> DeviceCertificate.verify(tampered, ABANDON.accountId(), DURING))
                        .as("byte %d bit %d", at, bit)
                        .isInstanceOf(InvalidCertificateException.class);
            }
        }
    }

    @Test
    void truncation_and_trailing_bytes_are_rejected_as_malformed() {
        for (int len = 0; len < VECTOR.length; len++) {
            byte[] cut = java.util.Arrays.copyOf(VECTOR, len);
            assertThatThrownBy(() -> DeviceCertificate.decodeUnverified(cut))
                    .isInstanceOfSatisfying(
                            InvalidCertificateException.class,
                            e -> assertThat(e.reason()).isEqualTo(InvalidCertificateException.Reason.MALFORMED));
        }
        byte[] longer = java.util.Arrays.copyOf(VECTOR, VECTOR.length + 1);
        assertThatThrownBy(() -> DeviceCertificate.decodeUnverified(longer))
                .isInstanceOf(InvalidCertificateException.class)
                .hasMessageContaining("trailing");
    }

    @Test
    void certificate_from_another_account_is_rejected() {
        AccountId other = AccountIdentity.generate().accountId();
        assertThatThrownBy(() -> DeviceCertificate.verify(VECTOR, other, DURING))
                .isInstanceOfSatisfying(
                        InvalidCertificateException.class,
                        e -> assertThat(e.reason()).isEqualTo(InvalidCertificateException.Reason.WRONG_ACCOUNT));
    }

    @Test
    void certificate_signed_by_another_key_is_rejected_as_bad_signature() throws Exception {
        AccountIdentity impostor = AccountIdentity.generate();
        DeviceCertificate forged =
                impostor.certify(new DeviceId(2), DeviceKeyPair.generate().publicKey(), CREATED, Optional.empty());
        // Put the victim's key into the impostor's certificate: same layout, signature by the wrong key.
        byte[] bytes = forged.encoded();
        byte[] victimKey = ABANDON.accountId().publicKeyBytes();
        System.arraycopy(victimKey, 0, bytes, 6, 32);
        assertThat(java.util.Arrays.copyOfRange(bytes, 6, 38)).isEqualTo(victimKey);
        assertThatThrownBy(() -> DeviceCertificate.verify(bytes, ABANDON.accountId(), DURING))
                .isInstanceOfSatisfying(
                        InvalidCertificateException.class,
                        e -> assertThat(e.reason()).isEqualTo(InvalidCertificateException.Reason.BAD_SIGNATURE));
    }

    @Test
    void expired_certificate_is_rejected_from_its_expiry_on() throws Exception {
        Clock atExpiry = Clock.fixed(Instant.parse("2027-11-01T12:00:00Z"), ZoneOffset.UTC);
        Clock justBefore = Clock.offset(atExpiry, Duration.ofSeconds(-1));
        DeviceCertificate.verify(VECTOR, ABANDON.accountId(), justBefore);
        assertThatThrownBy(() -> DeviceCertificate.verify(VECTOR, ABANDON.accountId(), atExpiry))
                .isInstanceOfSatisfying(
                        InvalidCertificateException.class,
                        e -> assertThat(e.reason()).isEqualTo(InvalidCertificateException.Reason.EXPIRED))
                .hasMessageContaining("2027-11-01T12:00:00Z");
    }

    @Test
    void certificate_from_the_future_is_rejected_beyond_the_clock_skew() {
        Clock early =
                Clock.fixed(CREATED.minus(DeviceCertificate.MAX_CLOCK_SKEW).minusSeconds(1), ZoneOffset.UTC);
        assertThatThrownBy(() -> DeviceCertificate.verify(VECTOR, ABANDON.accountId(), early))
                .isInstanceOfSatisfying(
                        InvalidCertificateException.class,
                        e -> assertThat(e.reason()).isEqualTo(InvalidCertificateException.Reason.NOT_YET_VALID));
    }

    @Test
    void certificate_without_expiry_round_trips() throws Exception {
        DeviceKeyPair device = DeviceKeyPair.generate();
        DeviceCertificate c = ABANDON.certify(DeviceId.PRIMARY, device.publicKey(), Instant.now(), Optional.empty());
        DeviceCertificate back = DeviceCertificate.verify(c.encoded(), ABANDON.accountId(), Clock.systemUTC());
        assertThat(back).isEqualTo(c);
        assertThat(back.expiresAt()).isEmpty();
        assertThat(back.devicePublicKey()).isEqualTo(device.publicKey());
    }

    @Test
    void non_canonical_encoding_of_the_same_fields_is_rejected() throws Exception {
        // Re-encode key 2 (device id 2) as a uint8 instead of a positive fixint: same value, other bytes.
        DeviceCertificate c = DeviceCertificate.decodeUnverified(VECTOR);
        try (MessageBufferPacker p = MessagePack.newDefaultBufferPacker()) {
            byte[] head = java.util.Arrays.copyOfRange(VECTOR, 0, 39);
            assertThat(head[38]).isEqualTo((byte) 0x02); // key 2
            p.writePayload(head);
            p.writePayload(new byte[] {(byte) 0xcc, 0x02});
            p.writePayload(java.util.Arrays.copyOfRange(VECTOR, 40, VECTOR.length));
            p.flush();
            byte[] variant = p.toByteArray();
            assertThatThrownBy(() -> DeviceCertificate.decodeUnverified(variant))
                    .isInstanceOf(InvalidCertificateException.class)
                    .hasMessageContaining("canonical");
        }
        assertThat(c.deviceId().value()).isEqualTo(2);
    }

    @Test
    void revocation_vector_verifies_and_revokes_the_certificate() throws Exception {
        DeviceRevocation r =
                DeviceRevocation.verify(HexFormat.of().parseHex(KnownVectors.REVOCATION), ABANDON.accountId());
        DeviceCertificate c = DeviceCertificate.decodeUnverified(VECTOR);
        assertThat(r.covers(c)).isTrue();
        assertThat(r.revokedAt()).isEqualTo(Instant.parse("2026-12-01T00:00:00Z"));
        assertThatThrownBy(() -> c.verify(ABANDON.accountId(), DURING, List.of(r)))
                .isInstanceOfSatisfying(
                        InvalidCertificateException.class,
                        e -> assertThat(e.reason()).isEqualTo(InvalidCertificateException.Reason.REVOKED));
    }

    @Test
    void revocation_of_another_device_does_not_affect_the_certificate() throws Exception {
        DeviceCertificate other =
                ABANDON.certify(new DeviceId(3), DeviceKeyPair.generate().publicKey(), CREATED, Optional.empty());
        DeviceRevocation r = ABANDON.revoke(other, CREATED.plusSeconds(60));
        DeviceCertificate c = DeviceCertificate.decodeUnverified(VECTOR);
        c.verify(ABANDON.accountId(), DURING, List.of(r));
        assertThat(r.covers(c)).isFalse();
    }

    @Test
    void tampered_revocation_is_rejected() {
        byte[] r = HexFormat.of().parseHex(KnownVectors.REVOCATION);
        for (int i = 0; i < r.length; i++) {
            byte[] t = r.clone();
            t[i] ^= 0x01;
            assertThatThrownBy(() -> DeviceRevocation.verify(t, ABANDON.accountId()))
                    .isInstanceOf(InvalidCertificateException.class);
        }
    }

    @Test
    void rejects_issuing_a_certificate_that_expires_before_it_starts() {
        assertThatThrownBy(() -> ABANDON.certify(
                        DeviceId.PRIMARY, DeviceKeyPair.generate().publicKey(), CREATED, Optional.of(CREATED)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("expire after");
    }
}
