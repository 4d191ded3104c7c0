// SPDX-License-Identifier: AGPL-3.0-or-later
package org.nexuslink.server.keys;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import org.nexuslink.crypto.identity.DeviceId;
import org.nexuslink.protocol.Bytes;
import org.nexuslink.protocol.ErrorCode;
import org.nexuslink.server.auth.Principal;
import org.nexuslink.server.http.ApiException;
import org.nexuslink.server.ops.MetricName;
import org.nexuslink.server.storage.Database;
import org.nexuslink.server.testing.DatabaseTest;
import org.nexuslink.server.testing.MutableClock;

/** Uploads, bundles, quotas, emergency mode, low stock and the gauge, on SQLite and PostgreSQL. */
class PrekeyServiceTest {
    private static final Duration TIGHT = Duration.ZERO;

    private final MutableClock clock = new MutableClock();
    private final List<PrekeyCounts> lowNotices = new CopyOnWriteArrayList<>();
    private final List<Principal> lowDevices = new CopyOnWriteArrayList<>();
    private final MeterRegistry registry = new SimpleMeterRegistry();

    private PrekeyService service(Database database) {
        return service(database, PrekeySettings.DEFAULTS);
    }

    private PrekeyService service(Database database, PrekeySettings settings) {
        return new PrekeyService(
                database,
                new PrekeySettings(
                        settings.maxOneTimePrekeys(),
                        settings.maxKyberPrekeys(),
                        settings.lowStockThreshold(),
                        settings.rotationInterval(),
                        TIGHT),
                clock,
                (device, counts) -> {
                    lowDevices.add(device);
                    lowNotices.add(counts);
                },
                registry);
    }

    private static ApiException refusal(Runnable call) {
        try {
            call.run();
        } catch (ApiException e) {
            return e;
        }
        throw new AssertionError("expected a refusal");
    }

    @DatabaseTest
    void stores_an_upload_and_reports_the_stock(Database database) {
        PrekeyService service = service(database);
        SeededMember.Device bob = SeededMember.join(database, clock).device(1);
        DeviceKeys keys = new DeviceKeys(bob.key);

        PrekeyCounts counts = service.upload(bob.principal, keys.fullUpload(30, 25));

        assertThat(counts).isEqualTo(new PrekeyCounts(30, 25, true, Optional.of(clock.instant())));
        assertThat(service.counts(bob.principal)).isEqualTo(counts);
        assertThat(service.isLowOnStock(bob.principal.account(), bob.principal.device()))
                .isFalse();
    }

    @DatabaseTest
    void hands_out_a_complete_bundle_and_consumes_its_one_time_keys(Database database) {
        PrekeyService service = service(database);
        SeededMember bobMember = SeededMember.join(database, clock);
        SeededMember.Device bob = bobMember.device(1);
        DeviceKeys keys = new DeviceKeys(bob.key);
        PrekeyUpload upload = keys.fullUpload(30, 30);
        service.upload(bob.principal, upload);

        AccountBundles first = service.bundles(bob.principal.account(), Optional.empty());
        AccountBundles second = service.bundles(bob.principal.account(), Optional.of(bob.principal.device()));

        assertThat(first.identityKey())
                .isEqualTo(Bytes.of(bobMember.identity.accountId().publicKeyBytes()));
        assertThat(first.unavailable()).isEmpty();
        DeviceBundle b = first.devices().get(0);
        assertThat(b.device()).isEqualTo(new DeviceId(1));
        assertThat(b.deviceKey()).isEqualTo(Bytes.of(bob.key.publicKeyBytes()));
        assertThat(b.certificate()).isEqualTo(Bytes.of(bob.certificate.encoded()));
        assertThat(b.signedPrekey()).isEqualTo(upload.signedPrekey().get());
        assertThat(upload.oneTimePrekeys()).contains(b.oneTimePrekey().get());
        assertThat(upload.kyberPrekeys()).contains(b.kyberPrekey());
        assertThat(b.kyberLastResort()).isFalse();
        DeviceBundle again = second.devices().get(0);
        assertThat(again.oneTimePrekey()).isNotEqualTo(b.oneTimePrekey());
        assertThat(again.kyberPrekey()).isNotEqualTo(b.kyberPrekey());
        assertThat(service.counts(bob.principal))
                .isEqualTo(new PrekeyCounts(28, 28, true, Optional.of(clock.instant())));
    }

    @DatabaseTest
    void hands_out_the_last_resort_kyber_prekey_without_consuming_it_when_one_time_ones_are_gone(Database database) {
        PrekeyService service = service(database);
        SeededMember.Device bob = SeededMember.join(database, clock).device(1);
        DeviceKeys keys = new DeviceKeys(bob.key);
        service.upload(bob.principal, keys.fullUpload(3, 1));

        DeviceBundle first = service.bundles(bob.principal.account(), Optional.empty())
                .devices()
                .get(0);
        DeviceBundle second = service.bundles(bob.principal.account(), Optional.empty())
                .devices()
                .get(0);
        DeviceBundle third = service.bundles(bob.principal.account(), Optional.empty())
                .devices()
                .get(0);

        assertThat(first.kyberLastResort()).isFalse();
        assertThat(first.kyberPrekey().keyId()).isEqualTo(1);
        assertThat(second.kyberLastResort()).isTrue();
        assertThat(second.kyberPrekey().keyId()).isEqualTo(1000);
        assertThat(third.kyberPrekey()).isEqualTo(second.kyberPrekey());
        assertThat(service.counts(bob.principal).lastResortKyberPrekey()).isTrue();
    }

    @DatabaseTest
    void hands_out_a_bundle_without_one_time_prekey_while_the_signed_prekey_is_fresh(Database database) {
        PrekeyService service = service(database);
        SeededMember.Device bob = SeededMember.join(database, clock).device(1);
        service.upload(bob.principal, new DeviceKeys(bob.key).fullUpload(1, 5));
        service.bundles(bob.principal.account(), Optional.empty());
        clock.advance(Duration.ofDays(7));

        DeviceBundle bundle = service.bundles(bob.principal.account(), Optional.empty())
                .devices()
                .get(0);

        assertThat(bundle.oneTimePrekey()).isEmpty();
        assertThat(bundle.kyberLastResort()).isFalse();
    }

    @DatabaseTest
    void refuses_a_bundle_for_a_device_that_needs_reregistration_and_consumes_nothing(Database database) {
        PrekeyService service = service(database);
        SeededMember.Device bob = SeededMember.join(database, clock).device(1);
        service.upload(bob.principal, new DeviceKeys(bob.key).fullUpload(1, 5));
        service.bundles(bob.principal.account(), Optional.empty());
        clock.advance(Duration.ofDays(7).plusSeconds(1));

        ApiException one = refusal(() -> service.bundles(bob.principal.account(), Optional.of(new DeviceId(1))));
        ApiException all = refusal(() -> service.bundles(bob.principal.account(), Optional.empty()));

        assertThat(one.code()).isEqualTo(ErrorCode.PREKEYS_EXHAUSTED);
        assertThat(one.getMessage()).contains("device 1: needs_reregistration");
        assertThat(all.code()).isEqualTo(ErrorCode.PREKEYS_EXHAUSTED);
        assertThat(service.counts(bob.principal).kyberPrekeys()).isEqualTo(4);
        assertThat(service.needsReregistration(bob.principal.account(), bob.principal.device()))
                .isTrue();
    }

    @DatabaseTest
    void a_new_signed_prekey_ends_emergency_mode(Database database) {
        PrekeyService service = service(database);
        SeededMember.Device bob = SeededMember.join(database, clock).device(1);
        DeviceKeys keys = new DeviceKeys(bob.key);
        service.upload(bob.principal, keys.fullUpload(0, 0));
        clock.advance(Duration.ofDays(30));
        assertThat(service.needsReregistration(bob.principal.account(), bob.principal.device()))
                .isTrue();

        service.upload(
                bob.principal,
                new PrekeyUpload(Optional.of(keys.signedPrekey(2)), List.of(), List.of(), Optional.empty()));

        DeviceBundle bundle = service.bundles(bob.principal.account(), Optional.empty())
                .devices()
                .get(0);
        assertThat(bundle.signedPrekey().keyId()).isEqualTo(2);
        assertThat(bundle.kyberLastResort()).isTrue();
        assertThat(service.needsReregistration(bob.principal.account(), bob.principal.device()))
                .isFalse();
    }

    @DatabaseTest
    void lists_devices_without_a_bundle_beside_the_bundles_of_the_others(Database database) {
        PrekeyService service = service(database);
        SeededMember bob = SeededMember.join(database, clock);
        SeededMember.Device phone = bob.device(1);
        SeededMember.Device laptop = bob.device(2);
        SeededMember.Device tablet = bob.device(3);
        SeededMember.Device watch = bob.device(4);
        service.upload(phone.principal, new DeviceKeys(phone.key).fullUpload(0, 0));
        clock.advance(Duration.ofDays(8));
        service.upload(laptop.principal, new DeviceKeys(laptop.key).fullUpload(2, 2));
        DeviceKeys tabletKeys = new DeviceKeys(tablet.key);
        service.upload(
                tablet.principal,
                new PrekeyUpload(
                        Optional.of(tabletKeys.signedPrekey(1)),
                        tabletKeys.oneTimePrekeys(1, 2),
                        List.of(),
                        Optional.empty()));

        AccountBundles bundles = service.bundles(bob.identity.accountId(), Optional.empty());

        assertThat(bundles.devices()).extracting(DeviceBundle::device).containsExactly(new DeviceId(2));
        assertThat(bundles.unavailable())
                .containsExactly(
                        new UnavailableDevice(new DeviceId(1), UnavailableDevice.Reason.NEEDS_REREGISTRATION),
                        new UnavailableDevice(new DeviceId(3), UnavailableDevice.Reason.NO_KYBER_PREKEY),
                        new UnavailableDevice(new DeviceId(4), UnavailableDevice.Reason.NO_SIGNED_PREKEY));
        assertThat(service.counts(tablet.principal).oneTimePrekeys()).isEqualTo(2);
        assertThat(service.counts(watch.principal).oneTimePrekeys()).isZero();
    }

    @DatabaseTest
    void refuses_bundles_of_unknown_banned_or_deviceless_accounts_and_revoked_devices(Database database) {
        PrekeyService service = service(database);
        SeededMember bob = SeededMember.join(database, clock);
        SeededMember.Device phone = bob.device(1);
        service.upload(phone.principal, new DeviceKeys(phone.key).fullUpload(5, 5));
        SeededMember eve = SeededMember.join(database, clock);
        SeededMember carol = SeededMember.join(database, clock);
        SeededMember.Device carolPhone = carol.device(1);
        carolPhone.revoke();
        eve.device(1);
        eve.ban();

        assertThat(refusal(() -> service.bundles(
                                SeededMember.join(database, clock).identity.accountId(), Optional.empty()))
                        .code())
                .isEqualTo(ErrorCode.NOT_FOUND);
        assertThat(refusal(() -> service.bundles(
                                org.nexuslink.crypto.identity.AccountIdentity.generate()
                                        .accountId(),
                                Optional.empty()))
                        .getMessage())
                .contains("is not a member");
        assertThat(refusal(() -> service.bundles(eve.identity.accountId(), Optional.empty()))
                        .code())
                .isEqualTo(ErrorCode.NOT_FOUND);
        assertThat(refusal(() -> service.bundles(carol.identity.accountId(), Optional.empty()))
                        .code())
                .isEqualTo(ErrorCode.NOT_FOUND);
        assertThat(refusal(() -> service.bundles(bob.identity.accountId(), Optional.of(new DeviceId(2))))
                        .getMessage())
                .contains("device 2 of " + bob.identity.accountId() + " is not registered");
        assertThat(service.counts(phone.principal).oneTimePrekeys()).isEqualTo(5);
    }

    @DatabaseTest
    void refuses_a_signed_prekey_not_signed_by_the_device_key_and_stores_nothing(Database database) {
        PrekeyService service = service(database);
        SeededMember bobMember = SeededMember.join(database, clock);
        SeededMember.Device bob = bobMember.device(1);
        DeviceKeys keys = new DeviceKeys(bob.key);
        SignedEcPrekey good = keys.signedPrekey(1);
        // Signed by the account identity key instead: the session's identity is the device key.
        byte[] byIdentity = bobMember
                .identity
                .identityKeyPair()
                .getPrivateKey()
                .calculateSignature(good.publicKey().toByteArray());
        SignedEcPrekey wrongSigner = new SignedEcPrekey(1, good.publicKey(), Bytes.of(byIdentity));

        ApiException e = refusal(() -> service.upload(
                bob.principal,
                new PrekeyUpload(Optional.of(wrongSigner), keys.oneTimePrekeys(1, 10), List.of(), Optional.empty())));

        assertThat(e.code()).isEqualTo(ErrorCode.BAD_SIGNATURE);
        assertThat(e.getMessage()).contains("signed_prekey (key id 1)");
        assertThat(service.counts(bob.principal)).isEqualTo(new PrekeyCounts(0, 0, false, Optional.empty()));
    }

    @DatabaseTest
    void refuses_kyber_prekeys_with_a_bad_signature_and_stores_nothing(Database database) {
        PrekeyService service = service(database);
        SeededMember.Device bob = SeededMember.join(database, clock).device(1);
        DeviceKeys keys = new DeviceKeys(bob.key);
        List<KyberPrekey> kyber = keys.kyberPrekeys(1, 5);
        KyberPrekey other = keys.kyberPrekeys(6, 1).get(0);
        // Key 3 carries another key's signature.
        List<KyberPrekey> tampered = List.of(
                kyber.get(0),
                kyber.get(1),
                new KyberPrekey(3, kyber.get(2).publicKey(), other.signature()),
                kyber.get(3));
        KyberPrekey lastResort = keys.lastResortPrekey(100);
        KyberPrekey badLastResort =
                new KyberPrekey(100, lastResort.publicKey(), kyber.get(0).signature());

        ApiException batch = refusal(() -> service.upload(
                bob.principal,
                new PrekeyUpload(Optional.empty(), keys.oneTimePrekeys(1, 5), tampered, Optional.empty())));
        ApiException last = refusal(() -> service.upload(
                bob.principal, new PrekeyUpload(Optional.empty(), List.of(), List.of(), Optional.of(badLastResort))));

        assertThat(batch.code()).isEqualTo(ErrorCode.BAD_SIGNATURE);
        assertThat(batch.getMessage()).contains("kyber_prekeys[2] (key id 3)");
        assertThat(last.code()).isEqualTo(ErrorCode.BAD_SIGNATURE);
        assertThat(last.getMessage()).contains("last_resort_kyber_prekey");
        assertThat(service.counts(bob.principal)).isEqualTo(new PrekeyCounts(0, 0, false, Optional.empty()));
    }

    @DatabaseTest
    void refuses_keys_libsignal_cannot_parse_and_stores_nothing(Database database) {
        PrekeyService service = service(database);
        SeededMember.Device bob = SeededMember.join(database, clock).device(1);
        DeviceKeys keys = new DeviceKeys(bob.key);
        List<EcPrekey> ec = keys.oneTimePrekeys(1, 3);
        byte[] wrongType = ec.get(1).publicKey().toByteArray();
        wrongType[0] = 0x07;
        List<EcPrekey> bad = List.of(ec.get(0), new EcPrekey(2, Bytes.of(wrongType)), ec.get(2));
        KyberPrekey kyber = keys.kyberPrekeys(1, 1).get(0);
        byte[] kyberWrongType = kyber.publicKey().toByteArray();
        kyberWrongType[0] = 0x05;

        ApiException e = refusal(() ->
                service.upload(bob.principal, new PrekeyUpload(Optional.empty(), bad, List.of(), Optional.empty())));
        ApiException k = refusal(() -> service.upload(
                bob.principal,
                new PrekeyUpload(
                        Optional.empty(),
                        List.of(),
                        List.of(new KyberPrekey(1, Bytes.of(kyberWrongType), kyber.signature())),
                        Optional.empty())));

        assertThat(e.code()).isEqualTo(ErrorCode.INVALID_FIELD);
        assertThat(e.getMessage()).contains("one_time_prekeys[1].public_key");
        assertThat(k.code()).isEqualTo(ErrorCode.INVALID_FIELD);
        assertThat(k.getMessage()).contains("kyber_prekeys[0].public_key");
        assertThat(service.counts(bob.principal).oneTimePrekeys()).isZero();
    }

    @DatabaseTest
    void refuses_one_time_prekeys_beyond_the_per_device_limit_and_stores_none_of_them(Database database) {
        PrekeyService service = service(database);
        SeededMember.Device bob = SeededMember.join(database, clock).device(1);
        DeviceKeys keys = new DeviceKeys(bob.key);
        service.upload(
                bob.principal,
                new PrekeyUpload(
                        Optional.empty(), keys.oneTimePrekeys(1, 95), keys.kyberPrekeys(1, 98), Optional.empty()));

        ApiException ec = refusal(() -> service.upload(
                bob.principal,
                new PrekeyUpload(Optional.empty(), keys.oneTimePrekeys(200, 6), List.of(), Optional.empty())));
        ApiException kyber = refusal(() -> service.upload(
                bob.principal,
                new PrekeyUpload(
                        Optional.of(keys.signedPrekey(7)),
                        keys.oneTimePrekeys(300, 5),
                        keys.kyberPrekeys(200, 3),
                        Optional.empty())));
        PrekeyCounts full = service.upload(
                bob.principal,
                new PrekeyUpload(
                        Optional.empty(), keys.oneTimePrekeys(400, 5), keys.kyberPrekeys(400, 2), Optional.empty()));

        assertThat(ec.code()).isEqualTo(ErrorCode.PREKEY_LIMIT_EXCEEDED);
        assertThat(ec.getMessage()).contains("holds 95 one-time prekeys; adding 6 would pass the limit of 100");
        assertThat(kyber.code()).isEqualTo(ErrorCode.PREKEY_LIMIT_EXCEEDED);
        assertThat(full).isEqualTo(new PrekeyCounts(100, 100, false, Optional.empty()));
    }

    @DatabaseTest
    void refuses_a_batch_larger_than_the_limit(Database database) {
        PrekeyService service = service(database);
        SeededMember.Device bob = SeededMember.join(database, clock).device(1);
        DeviceKeys keys = new DeviceKeys(bob.key);

        ApiException e = refusal(() -> service.upload(
                bob.principal,
                new PrekeyUpload(Optional.empty(), keys.oneTimePrekeys(1, 101), List.of(), Optional.empty())));

        assertThat(e.code()).isEqualTo(ErrorCode.PREKEY_LIMIT_EXCEEDED);
        assertThat(e.getMessage()).contains("at most 100 per request");
        assertThat(service.counts(bob.principal).oneTimePrekeys()).isZero();
    }

    @DatabaseTest
    void refuses_key_ids_the_device_already_uses_and_stores_nothing(Database database) {
        PrekeyService service = service(database);
        SeededMember.Device bob = SeededMember.join(database, clock).device(1);
        DeviceKeys keys = new DeviceKeys(bob.key);
        service.upload(bob.principal, keys.fullUpload(10, 10));

        ApiException ec = refusal(() -> service.upload(
                bob.principal,
                new PrekeyUpload(Optional.empty(), keys.oneTimePrekeys(9, 5), List.of(), Optional.empty())));
        ApiException kyber = refusal(() -> service.upload(
                bob.principal,
                new PrekeyUpload(
                        Optional.empty(),
                        keys.oneTimePrekeys(50, 5),
                        keys.kyberPrekeys(20, 2),
                        Optional.of(keys.lastResortPrekey(5)))));

        assertThat(ec.code()).isEqualTo(ErrorCode.CONFLICT);
        assertThat(ec.getMessage()).contains("[9, 10]");
        assertThat(kyber.code()).isEqualTo(ErrorCode.CONFLICT);
        assertThat(kyber.getMessage()).contains("[5]");
        assertThat(service.counts(bob.principal))
                .isEqualTo(new PrekeyCounts(10, 10, true, Optional.of(clock.instant())));
        assertThat(service.bundles(bob.principal.account(), Optional.empty())
                        .devices()
                        .get(0)
                        .kyberPrekey()
                        .keyId())
                .isEqualTo(1);
    }

    @DatabaseTest
    void replaces_the_signed_prekey_and_the_last_resort_kyber_prekey(Database database) {
        PrekeyService service = service(database);
        SeededMember.Device bob = SeededMember.join(database, clock).device(1);
        DeviceKeys keys = new DeviceKeys(bob.key);
        service.upload(bob.principal, keys.fullUpload(0, 0));
        clock.advance(Duration.ofDays(3));
        SignedEcPrekey signed = keys.signedPrekey(2);
        KyberPrekey lastResort = keys.lastResortPrekey(1000);

        PrekeyCounts counts = service.upload(
                bob.principal, new PrekeyUpload(Optional.of(signed), List.of(), List.of(), Optional.of(lastResort)));

        assertThat(counts).isEqualTo(new PrekeyCounts(0, 0, true, Optional.of(clock.instant())));
        DeviceBundle bundle = service.bundles(bob.principal.account(), Optional.empty())
                .devices()
                .get(0);
        assertThat(bundle.signedPrekey()).isEqualTo(signed);
        assertThat(bundle.kyberPrekey()).isEqualTo(lastResort);
    }

    @DatabaseTest
    void refuses_uploads_for_a_revoked_device(Database database) {
        PrekeyService service = service(database);
        SeededMember.Device bob = SeededMember.join(database, clock).device(1);
        bob.revoke();

        ApiException e = refusal(() -> service.upload(bob.principal, new DeviceKeys(bob.key).fullUpload(1, 1)));

        assertThat(e.code()).isEqualTo(ErrorCode.DEVICE_NOT_CERTIFIED);
    }

    @DatabaseTest
    void tells_the_listener_each_time_a_fetch_leaves_the_stock_below_the_threshold(Database database) {
        PrekeyService service = service(database, PrekeySettings.DEFAULTS.withLowStockThreshold(20));
        SeededMember.Device bob = SeededMember.join(database, clock).device(1);
        service.upload(bob.principal, new DeviceKeys(bob.key).fullUpload(21, 30));

        service.bundles(bob.principal.account(), Optional.empty());
        assertThat(lowNotices).isEmpty();
        assertThat(service.isLowOnStock(bob.principal.account(), bob.principal.device()))
                .isFalse();

        service.bundles(bob.principal.account(), Optional.empty());
        service.bundles(bob.principal.account(), Optional.empty());

        assertThat(lowDevices).containsExactly(bob.principal, bob.principal);
        assertThat(lowNotices).extracting(PrekeyCounts::oneTimePrekeys).containsExactly(19, 18);
        assertThat(lowNotices).extracting(PrekeyCounts::kyberPrekeys).containsExactly(28, 27);
        assertThat(service.isLowOnStock(bob.principal.account(), bob.principal.device()))
                .isTrue();
    }

    @DatabaseTest
    void a_failing_listener_does_not_fail_the_fetch(Database database) {
        PrekeyService service = new PrekeyService(
                database,
                PrekeySettings.DEFAULTS,
                clock,
                (device, counts) -> {
                    throw new IllegalStateException("websocket gone");
                },
                registry);
        SeededMember.Device bob = SeededMember.join(database, clock).device(1);
        service.upload(bob.principal, new DeviceKeys(bob.key).fullUpload(1, 1));

        AccountBundles bundles = service.bundles(bob.principal.account(), Optional.empty());

        assertThat(bundles.devices()).hasSize(1);
        assertThat(service.counts(bob.principal).oneTimePrekeys()).isZero();
    }

    @DatabaseTest
    void a_device_that_never_uploaded_is_low_on_stock(Database database) {
        PrekeyService service = service(database);
        SeededMember.Device bob = SeededMember.join(database, clock).device(1);

        assertThat(service.isLowOnStock(bob.principal.account(), bob.principal.device()))
                .isTrue();
        assertThat(service.needsReregistration(bob.principal.account(), bob.principal.device()))
                .isFalse();
    }

    @DatabaseTest
    void the_gauge_counts_one_time_keys_on_the_whole_server(Database database) {
        PrekeyService service = service(database);
        SeededMember.Device bob = SeededMember.join(database, clock).device(1);
        SeededMember.Device alice = SeededMember.join(database, clock).device(1);
        service.upload(bob.principal, new DeviceKeys(bob.key).fullUpload(10, 4));
        service.upload(alice.principal, new DeviceKeys(alice.key).fullUpload(5, 0));
        service.bundles(bob.principal.account(), Optional.empty());
        service.bundles(alice.principal.account(), Optional.empty());

        assertThat(registry.get(MetricName.PREKEYS_AVAILABLE.meterName())
                        .tag("type", "ec")
                        .gauge()
                        .value())
                .isEqualTo(13);
        assertThat(registry.get(MetricName.PREKEYS_AVAILABLE.meterName())
                        .tag("type", "kyber")
                        .gauge()
                        .value())
                .isEqualTo(3);
    }

    @DatabaseTest
    void the_gauge_reuses_its_count_within_the_refresh_interval(Database database) {
        PrekeyService service =
                new PrekeyService(database, PrekeySettings.DEFAULTS, clock, PrekeyStockListener.NONE, registry);
        SeededMember.Device bob = SeededMember.join(database, clock).device(1);
        assertThat(registry.get(MetricName.PREKEYS_AVAILABLE.meterName())
                        .tag("type", "ec")
                        .gauge()
                        .value())
                .isZero();
        service.upload(bob.principal, new DeviceKeys(bob.key).fullUpload(10, 4));

        double cached = registry.get(MetricName.PREKEYS_AVAILABLE.meterName())
                .tag("type", "ec")
                .gauge()
                .value();
        clock.advance(PrekeySettings.DEFAULTS.metricRefresh());
        double fresh = registry.get(MetricName.PREKEYS_AVAILABLE.meterName())
                .tag("type", "ec")
                .gauge()
                .value();

        assertThat(cached).isZero();
        assertThat(fresh).isEqualTo(10);
    }

    @DatabaseTest
    void deleting_a_device_s_keys_removes_all_of_them(Database database) {
        PrekeyService service = service(database);
        SeededMember.Device bob = SeededMember.join(database, clock).device(1);
        service.upload(bob.principal, new DeviceKeys(bob.key).fullUpload(10, 4));

        int deleted = database.inTransaction(
                h -> service.store().deleteAll(h, bob.principal.account(), bob.principal.device()));

        assertThat(deleted).isEqualTo(16);
        assertThat(service.counts(bob.principal)).isEqualTo(new PrekeyCounts(0, 0, false, Optional.empty()));
    }

    @DatabaseTest
    void the_gauge_reports_nan_instead_of_failing_when_the_database_is_closed(Database database) {
        service(database);
        database.close();

        double value = registry.get(MetricName.PREKEYS_AVAILABLE.meterName())
                .tag("type", "ec")
                .gauge()
                .value();

        assertThat(value).isNaN();
    }

    @DatabaseTest
    void one_device_s_upload_and_fetches_leave_the_other_devices_keys_alone(Database database) {
        PrekeyService service = service(database);
        SeededMember bob = SeededMember.join(database, clock);
        SeededMember.Device phone = bob.device(1);
        SeededMember.Device laptop = bob.device(2);
        service.upload(phone.principal, new DeviceKeys(phone.key).fullUpload(5, 5));
        service.upload(laptop.principal, new DeviceKeys(laptop.key).fullUpload(7, 7));

        AccountBundles bundles = service.bundles(bob.identity.accountId(), Optional.of(laptop.principal.device()));

        assertThat(bundles.devices()).extracting(DeviceBundle::device).containsExactly(new DeviceId(2));
        assertThat(service.counts(phone.principal).oneTimePrekeys()).isEqualTo(5);
        assertThat(service.counts(laptop.principal).oneTimePrekeys()).isEqualTo(6);
    }
}
