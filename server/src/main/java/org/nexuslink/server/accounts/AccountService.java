// SPDX-License-Identifier: AGPL-3.0-or-later
package org.nexuslink.server.accounts;

import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.nexuslink.crypto.challenge.Origin;
import org.nexuslink.crypto.challenge.ServerChallenge;
import org.nexuslink.crypto.identity.AccountId;
import org.nexuslink.crypto.identity.DeviceCertificate;
import org.nexuslink.crypto.identity.DeviceId;
import org.nexuslink.crypto.identity.DeviceRevocation;
import org.nexuslink.crypto.identity.InvalidAccountIdException;
import org.nexuslink.crypto.identity.InvalidCertificateException;
import org.nexuslink.crypto.transparency.KeyLogEntry;
import org.nexuslink.protocol.Bytes;
import org.nexuslink.protocol.ErrorCode;
import org.nexuslink.server.auth.Authenticator;
import org.nexuslink.server.auth.Challenges;
import org.nexuslink.server.auth.Principal;
import org.nexuslink.server.auth.TokenStore;
import org.nexuslink.server.http.ApiException;
import org.nexuslink.server.keys.PrekeyStore;
import org.nexuslink.server.storage.Database;
import org.nexuslink.server.transparency.KeyTransparency;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Joining the community, authenticating devices, and managing an account's devices. Every
 * request is parsed and verified before its one short transaction; a refusal changes nothing.
 * Thread-safe.
 */
public final class AccountService {
    private static final Logger log = LoggerFactory.getLogger(AccountService.class);

    /** What the rest of the server hears about: a device gone, so its connections must close. */
    @FunctionalInterface
    public interface DeviceRemovedListener {
        void deviceRemoved(AccountId account, DeviceId device);
    }

    /** The limits {@code [community]} sets for membership. */
    public record Limits(int maxMembers, int maxDevicesPerAccount, Optional<AccountId> admin) {
        public Limits {
            Objects.requireNonNull(admin, "admin");
        }
    }

    /** A successful join: the member's role and a token for the joining device. */
    public record Joined(Member member, DeviceId device, TokenStore.IssuedToken token) {}

    private final Database database;
    private final MemberStore members;
    private final DeviceStore devices;
    private final Challenges challenges;
    private final TokenStore tokens;
    private final Authenticator.AuthMetrics metrics;
    private final Limits limits;
    private final Clock clock;
    private final DeviceRemovedListener removed;
    private final PrekeyStore prekeys;
    private final KeyTransparency keyLog;

    /** @param keyLog records every key change in the transaction that makes it (issue 21) */
    public AccountService(
            Database database,
            MemberStore members,
            DeviceStore devices,
            Challenges challenges,
            TokenStore tokens,
            Authenticator.AuthMetrics metrics,
            Limits limits,
            Clock clock,
            DeviceRemovedListener removed,
            PrekeyStore prekeys,
            KeyTransparency keyLog) {
        this.database = Objects.requireNonNull(database, "database");
        this.members = Objects.requireNonNull(members, "members");
        this.devices = Objects.requireNonNull(devices, "devices");
        this.challenges = Objects.requireNonNull(challenges, "challenges");
        this.tokens = Objects.requireNonNull(tokens, "tokens");
        this.metrics = Objects.requireNonNull(metrics, "metrics");
        this.limits = Objects.requireNonNull(limits, "limits");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.removed = Objects.requireNonNull(removed, "removed");
        this.prekeys = Objects.requireNonNull(prekeys, "prekeys");
        this.keyLog = Objects.requireNonNull(keyLog, "keyLog");
    }

    /** Parses an account id from a request, as a 400 naming the field. */
    public static AccountId accountId(String field, String text) {
        if (text == null) {
            throw new ApiException(ErrorCode.INVALID_FIELD, field + " is required");
        }
        try {
            return AccountId.parse(text);
        } catch (InvalidAccountIdException e) {
            throw new ApiException(ErrorCode.INVALID_FIELD, field + ": " + e.getMessage());
        }
    }

    /** Parses a device id from a request, as a 400 naming the field. */
    public static DeviceId deviceId(String field, int value) {
        try {
            return new DeviceId(value);
        } catch (IllegalArgumentException e) {
            throw new ApiException(ErrorCode.INVALID_FIELD, field + ": " + e.getMessage());
        }
    }

    /** Issues a signed challenge for a device, registered or about to join, talking to {@code origin}. */
    public Challenges.Issued challenge(AccountId account, DeviceId device, Origin origin) {
        return challenges.issue(account, device, origin);
    }

    /**
     * Joins the community with an identity key, a certificate for the joining device, and that
     * device's signature over a challenge; returns a token for the device.
     */
    public Joined join(
            AccountId account,
            byte[] identityKey,
            byte[] certificateBytes,
            String displayName,
            DeviceDetails details,
            byte[] challenge,
            byte[] signature) {
        try {
            AccountId fromKey;
            try {
                fromKey = AccountId.fromPublicKeyBytes(identityKey);
            } catch (InvalidAccountIdException e) {
                throw new ApiException(ErrorCode.IDENTITY_MISMATCH, "identity_key: " + e.getMessage());
            }
            if (!fromKey.equals(account)) {
                throw new ApiException(ErrorCode.IDENTITY_MISMATCH, "identity_key does not belong to " + account);
            }
            if (displayName.length() > 100) {
                throw new ApiException(ErrorCode.INVALID_FIELD, "display_name has at most 100 characters");
            }
            DeviceCertificate certificate = certificate(certificateBytes, account);
            ServerChallenge checked = challenges.check(
                    challenge, signature, account, certificate.deviceId(), certificate.devicePublicKey());
            Role role = limits.admin().filter(account::equals).isPresent() ? Role.ADMIN : Role.MEMBER;
            Instant now = clock.instant();
            Joined joined = database.inTransaction(h -> {
                Optional<Member> existing = members.find(h, account);
                if (existing.isPresent()) {
                    throw existing.get().banned()
                            ? new ApiException(ErrorCode.ACCOUNT_BANNED, "account is banned from this community")
                            : new ApiException(ErrorCode.CONFLICT, "already a member; authenticate instead");
                }
                if (members.count(h) >= limits.maxMembers()) {
                    throw new ApiException(
                            ErrorCode.COMMUNITY_FULL,
                            "the community has reached its limit of " + limits.maxMembers() + " members");
                }
                challenges.consume(h, checked);
                members.insert(h, account, displayName, role, now);
                devices.insert(h, certificate, details, now);
                keyLog.append(h, new KeyLogEntry.IdentityKey(account, now));
                keyLog.append(h, KeyLogEntry.DeviceAdded.of(certificate, now));
                TokenStore.IssuedToken token = tokens.issue(h, new Principal(account, certificate.deviceId()));
                return new Joined(new Member(account, displayName, role, false, now), certificate.deviceId(), token);
            });
            metrics.success("join");
            log.atInfo()
                    .addKeyValue("account", account)
                    .addKeyValue("device", certificate.deviceId())
                    .addKeyValue("role", role.wireName())
                    .log("member joined");
            return joined;
        } catch (ApiException e) {
            metrics.failure(e.code());
            throw e;
        }
    }

    /**
     * Answers a challenge for a registered device with a bearer token.
     *
     * <p>An unknown or removed device, an account that is not a member or is banned, and a bad
     * signature all get one answer, {@code sign_in_refused}: anyone may ask for a challenge for
     * any account, so distinct answers would tell a stranger who is a member here. The challenge
     * itself is checked first, the same way for everyone.
     */
    public TokenStore.IssuedToken verify(AccountId account, DeviceId deviceId, byte[] challenge, byte[] signature) {
        try {
            ServerChallenge checked = challenges.checkIssued(challenge, account, deviceId);
            Optional<Device> device = devices.findActive(account, deviceId)
                    .filter(d -> certifiedNow(d, account))
                    .filter(d -> members.find(account).filter(m -> !m.banned()).isPresent());
            if (device.isEmpty()
                    || !challenges.checkSignature(
                            checked, signature, device.get().certificate().devicePublicKey())) {
                throw new ApiException(
                        ErrorCode.SIGN_IN_REFUSED,
                        "sign-in refused: device " + deviceId + " of " + account
                                + " is not an active device of a member here, or the signature does not verify");
            }
            Principal principal = new Principal(account, deviceId);
            TokenStore.IssuedToken token = database.inTransaction(h -> {
                challenges.consume(h, checked);
                devices.touch(h, account, deviceId, clock.instant());
                return tokens.issue(h, principal);
            });
            metrics.success("challenge");
            return token;
        } catch (ApiException e) {
            metrics.failure(e.code());
            throw e;
        }
    }

    private boolean certifiedNow(Device device, AccountId account) {
        try {
            device.certificate().verify(account, clock);
            return true;
        } catch (InvalidCertificateException e) {
            return false;
        }
    }

    /** Registers another device of the caller's account from a certificate the account IK signed. */
    public Device registerDevice(Principal caller, byte[] certificateBytes, DeviceDetails details) {
        DeviceCertificate certificate = certificate(certificateBytes, caller.account());
        Instant now = clock.instant();
        database.inTransaction(h -> {
            if (devices.exists(h, caller.account(), certificate.deviceId())) {
                throw new ApiException(
                        ErrorCode.CONFLICT,
                        "device id " + certificate.deviceId()
                                + " is already used (or was used) by this account; pick another");
            }
            if (devices.listActive(h, caller.account()).size() >= limits.maxDevicesPerAccount()) {
                throw new ApiException(
                        ErrorCode.DEVICE_LIMIT_REACHED,
                        "an account may have at most " + limits.maxDevicesPerAccount() + " devices; remove one first");
            }
            devices.insert(h, certificate, details, now);
            keyLog.append(h, KeyLogEntry.DeviceAdded.of(certificate, now));
            return null;
        });
        log.atInfo()
                .addKeyValue("account", caller.account())
                .addKeyValue("device", certificate.deviceId())
                .log("device registered");
        return new Device(certificate, details.deviceType(), details.os(), details.appVersion(), now, now);
    }

    /**
     * Removes one of the caller's account's devices. Removing another device needs the account
     * identity key's revocation of it: a device token alone (a stolen linked device) may remove
     * only its own device. The last active device is never removed (leaving is the way out).
     *
     * @param revocation the encoded {@link DeviceRevocation}; required unless {@code device} is the caller's
     * @throws ApiException {@code revocation_required}, {@code invalid_revocation}, {@code not_found}
     *     or {@code last_device}; nothing is changed then
     */
    public void removeDevice(Principal caller, DeviceId device, Optional<byte[]> revocation) {
        AccountId account = caller.account();
        Optional<DeviceRevocation> checked = revocation.map(bytes -> revocation(bytes, account, device));
        if (checked.isEmpty() && !device.equals(caller.device())) {
            throw new ApiException(
                    ErrorCode.REVOCATION_REQUIRED,
                    "removing device " + device
                            + " needs a revocation signed by the account identity key; this device may remove only itself");
        }
        database.inTransaction(h -> {
            List<Device> active = devices.lockActive(h, account);
            Device target = active.stream()
                    .filter(d -> d.certificate().deviceId().equals(device))
                    .findFirst()
                    .orElseThrow(() ->
                            new ApiException(ErrorCode.NOT_FOUND, "no active device " + device + " on this account"));
            if (checked.isPresent() && !checked.get().covers(target.certificate())) {
                throw new ApiException(
                        ErrorCode.INVALID_REVOCATION,
                        "the revocation names another key than device " + device + "'s certificate");
            }
            if (active.size() == 1) {
                throw new ApiException(
                        ErrorCode.LAST_DEVICE,
                        "device " + device + " is the account's last active device; leave the community instead");
            }
            Instant now = clock.instant();
            devices.revoke(h, target, checked, now);
            keyLog.append(
                    h,
                    new KeyLogEntry.DeviceRemoved(
                            account,
                            now,
                            device,
                            Bytes.of(target.certificate().devicePublicKeyBytes()),
                            checked.map(r -> Bytes.of(r.encoded()))));
            prekeys.deleteAll(h, account, device);
            return null;
        });
        log.atInfo()
                .addKeyValue("account", account)
                .addKeyValue("device", device)
                .addKeyValue("by", caller.device())
                .addKeyValue("signed", checked.isPresent())
                .log("device removed");
        removed.deviceRemoved(account, device);
    }

    /** The revocations the caller's account's identity key signed (docs/identity.md). */
    public List<Bytes> revocations(Principal caller) {
        return devices.signedRevocations(caller.account());
    }

    private static DeviceRevocation revocation(byte[] bytes, AccountId account, DeviceId device) {
        DeviceRevocation r;
        try {
            r = DeviceRevocation.verify(bytes, account);
        } catch (InvalidCertificateException e) {
            throw new ApiException(ErrorCode.INVALID_REVOCATION, e.getMessage());
        }
        if (!r.deviceId().equals(device)) {
            throw new ApiException(
                    ErrorCode.INVALID_REVOCATION, "the revocation is for device " + r.deviceId() + ", not " + device);
        }
        return r;
    }

    /** The caller's account's active devices. */
    public List<Device> devices(Principal caller) {
        return devices.listActive(caller.account());
    }

    /** A page of members. */
    public List<Member> members(Optional<AccountId> after, int limit) {
        return members.list(after, limit);
    }

    private DeviceCertificate certificate(byte[] bytes, AccountId account) {
        if (bytes == null) {
            throw new ApiException(ErrorCode.INVALID_FIELD, "device_certificate is required");
        }
        DeviceCertificate certificate;
        try {
            certificate = DeviceCertificate.verify(bytes, account, clock);
        } catch (InvalidCertificateException e) {
            throw new ApiException(ErrorCode.INVALID_CERTIFICATE, e.getMessage());
        }
        // Joining and registering both come here: a removed key stays out for good, whatever
        // happened to the membership since (docs/identity.md).
        if (devices.isRevoked(account, certificate.devicePublicKeyBytes())) {
            throw new ApiException(
                    ErrorCode.DEVICE_REVOKED,
                    "the key of device " + certificate.deviceId() + " was removed from " + account
                            + " on this server; certify a new device key");
        }
        return certificate;
    }
}
