// SPDX-License-Identifier: AGPL-3.0-or-later
package org.nexuslink.protocol.api;

import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import org.nexuslink.protocol.Bytes;

/** The bodies of {@code /api/v1/prekeys} (docs/api.md). */
public final class PrekeysApi {
    private PrekeysApi() {}

    /** An uploaded one-time EC prekey. */
    public record Key(Long keyId, Bytes publicKey) {}

    /** An uploaded signed prekey (EC or Kyber), signed by the device key. */
    public record SignedKey(Long keyId, Bytes publicKey, Bytes signature) {}

    /** {@code POST /api/v1/prekeys}: any of the kinds, null when not uploaded. */
    public record UploadRequest(
            SignedKey signedPrekey,
            List<Key> oneTimePrekeys,
            List<SignedKey> kyberPrekeys,
            SignedKey lastResortKyberPrekey) {}

    /** {@code GET /api/v1/prekeys/count}: this device's stock and the server's limits. */
    public record Counts(
            int deviceId,
            int oneTimePrekeys,
            int kyberPrekeys,
            boolean lastResortKyberPrekey,
            boolean signedPrekey,
            OptionalLong signedPrekeyAgeSeconds,
            boolean lowStock,
            boolean needsReregistration,
            int lowStockThreshold,
            int maxOneTimePrekeys,
            int maxKyberPrekeys) {
        public Counts {
            signedPrekeyAgeSeconds = signedPrekeyAgeSeconds == null ? OptionalLong.empty() : signedPrekeyAgeSeconds;
        }
    }

    /** A one-time EC prekey in a bundle. */
    public record PrekeyView(int keyId, Bytes publicKey) {}

    /** A signed EC prekey in a bundle. */
    public record SignedPrekeyView(int keyId, Bytes publicKey, Bytes signature) {}

    /** A Kyber prekey in a bundle; {@code lastResort} when the stock of one-time ones ran out. */
    public record KyberPrekeyView(int keyId, Bytes publicKey, Bytes signature, boolean lastResort) {}

    /** One device's keys for starting a session. */
    public record DeviceBundle(
            int deviceId,
            Bytes deviceKey,
            Bytes certificate,
            SignedPrekeyView signedPrekey,
            Optional<PrekeyView> oneTimePrekey,
            KyberPrekeyView kyberPrekey) {
        public DeviceBundle {
            oneTimePrekey = oneTimePrekey == null ? Optional.empty() : oneTimePrekey;
        }
    }

    /** A device with no bundle to give, and why. */
    public record Unavailable(int deviceId, String reason) {}

    /**
     * {@code GET /api/v1/prekeys/{account_id}}: a bundle per device, the account's revocations, and
     * the key-transparency proof of its identity key and device certificates (absent only when the
     * log holds nothing for the account; clients then refuse the bundle).
     */
    public record Bundles(
            String accountId,
            Bytes identityKey,
            List<DeviceBundle> devices,
            List<Unavailable> unavailableDevices,
            List<Bytes> revocations,
            Optional<KeyTransparencyApi.Proof> keyTransparency) {
        public Bundles {
            devices = devices == null ? List.of() : List.copyOf(devices);
            unavailableDevices = unavailableDevices == null ? List.of() : List.copyOf(unavailableDevices);
            revocations = revocations == null ? List.of() : List.copyOf(revocations);
            keyTransparency = keyTransparency == null ? Optional.empty() : keyTransparency;
        }
    }
}
