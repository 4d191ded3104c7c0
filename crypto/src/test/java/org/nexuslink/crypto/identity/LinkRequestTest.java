// SPDX-License-Identifier: AGPL-3.0-or-later
package org.nexuslink.crypto.identity;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

class LinkRequestTest {
    static final Clock NOW = Clock.fixed(Instant.parse("2026-11-01T12:00:00Z"), ZoneOffset.UTC);
    final AccountIdentity account = AccountIdentity.generate();
    final DeviceKeyPair newDevice = DeviceKeyPair.generate();
    final LinkRequest request =
            LinkRequest.create(newDevice, new DeviceId(5), NOW, LinkRequest.DEFAULT_TTL, new SecureRandom());

    @Test
    void code_is_qr_alphanumeric_and_round_trips() throws Exception {
        String code = request.toCode();
        assertThat(code).startsWith("NXLINK1:").matches("[A-Z0-9:]+").hasSizeLessThan(120);
        assertThat(LinkRequest.parse(code)).isEqualTo(request);
        assertThat(LinkRequest.parse(code.toLowerCase(Locale.ROOT))).isEqualTo(request);
    }

    @Test
    void existing_device_certifies_the_new_device_key_from_the_code() throws Exception {
        LinkRequest scanned = LinkRequest.parse(request.toCode());
        DeviceCertificate cert = account.approveLink(scanned, NOW, Set.of(DeviceId.PRIMARY), Optional.empty());
        cert.verify(account.accountId(), NOW);
        assertThat(cert.devicePublicKey()).isEqualTo(newDevice.publicKey());
        assertThat(cert.deviceId()).isEqualTo(new DeviceId(5));
        assertThat(cert.createdAt()).isEqualTo(NOW.instant());
    }

    @Test
    void expired_code_is_refused() {
        Clock later = Clock.offset(NOW, LinkRequest.DEFAULT_TTL);
        assertThatThrownBy(() -> account.approveLink(request, later, Set.of(), Optional.empty()))
                .isInstanceOfSatisfying(
                        InvalidLinkRequestException.class,
                        e -> assertThat(e.reason()).isEqualTo(InvalidLinkRequestException.Reason.EXPIRED));
    }

    @Test
    void code_claiming_a_long_life_is_refused() {
        Clock past = Clock.offset(NOW, Duration.ofHours(-2));
        LinkRequest early =
                LinkRequest.create(newDevice, new DeviceId(5), NOW, LinkRequest.MAX_TTL, new SecureRandom());
        assertThatThrownBy(() -> account.approveLink(early, past, Set.of(), Optional.empty()))
                .isInstanceOfSatisfying(
                        InvalidLinkRequestException.class,
                        e -> assertThat(e.reason()).isEqualTo(InvalidLinkRequestException.Reason.TOO_LONG_LIVED));
    }

    @Test
    void code_asking_for_a_taken_device_id_is_refused() {
        assertThatThrownBy(() -> account.approveLink(request, NOW, Set.of(new DeviceId(5)), Optional.empty()))
                .isInstanceOfSatisfying(
                        InvalidLinkRequestException.class,
                        e -> assertThat(e.reason()).isEqualTo(InvalidLinkRequestException.Reason.DEVICE_ID_TAKEN))
                .hasMessageContaining("device id 5");
    }

    @Test
    void malformed_codes_are_refused() {
        String code = request.toCode();
        for (String bad : new String[] {
            "", "NXLINK2:" + code.substring(8), code.substring(0, code.length() - 3), code + "A", "NXLINK1:!!!!"
        }) {
            assertThatThrownBy(() -> LinkRequest.parse(bad))
                    .isInstanceOfSatisfying(
                            InvalidLinkRequestException.class,
                            e -> assertThat(e.reason()).isEqualTo(InvalidLinkRequestException.Reason.MALFORMED));
        }
    }
}
