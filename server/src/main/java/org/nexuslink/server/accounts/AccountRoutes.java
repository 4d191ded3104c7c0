// SPDX-License-Identifier: AGPL-3.0-or-later
package org.nexuslink.server.accounts;

import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.nexuslink.crypto.challenge.Origin;
import org.nexuslink.crypto.challenge.ServerChallenge;
import org.nexuslink.crypto.identity.AccountId;
import org.nexuslink.protocol.Bytes;
import org.nexuslink.protocol.ErrorCode;
import org.nexuslink.protocol.api.ApiRoute;
import org.nexuslink.protocol.api.AuthApi.ChallengeRequest;
import org.nexuslink.protocol.api.AuthApi.ChallengeResponse;
import org.nexuslink.protocol.api.AuthApi.JoinRequest;
import org.nexuslink.protocol.api.AuthApi.JoinResponse;
import org.nexuslink.protocol.api.AuthApi.TokenResponse;
import org.nexuslink.protocol.api.AuthApi.VerifyRequest;
import org.nexuslink.protocol.api.DevicesApi.DeviceList;
import org.nexuslink.protocol.api.DevicesApi.DeviceView;
import org.nexuslink.protocol.api.DevicesApi.RegisterRequest;
import org.nexuslink.protocol.api.DevicesApi.RemoveRequest;
import org.nexuslink.protocol.api.MembersApi.MemberPage;
import org.nexuslink.protocol.api.MembersApi.MemberView;
import org.nexuslink.server.auth.Authenticator;
import org.nexuslink.server.auth.Challenges;
import org.nexuslink.server.auth.Principal;
import org.nexuslink.server.auth.TokenStore;
import org.nexuslink.server.http.ApiException;
import org.nexuslink.server.http.JsonBodies;
import org.nexuslink.server.http.Request;
import org.nexuslink.server.http.Response;
import org.nexuslink.server.http.Router;

/**
 * Seed 000's auth, members and devices endpoints. Byte fields are standard base64 in JSON,
 * times ISO-8601 UTC. docs/api.md documents each one.
 */
public final class AccountRoutes {
    static final int DEFAULT_PAGE = 100;
    static final int MAX_PAGE = 500;

    private final AccountService accounts;
    private final Authenticator authenticator;
    private final JsonBodies bodies;

    public AccountRoutes(AccountService accounts, Authenticator authenticator, JsonBodies bodies) {
        this.accounts = Objects.requireNonNull(accounts, "accounts");
        this.authenticator = Objects.requireNonNull(authenticator, "authenticator");
        this.bodies = Objects.requireNonNull(bodies, "bodies");
    }

    private static DeviceView deviceView(Device d) {
        return new DeviceView(
                d.certificate().deviceId().value(),
                Bytes.of(d.certificate().encoded()),
                d.deviceType(),
                d.os(),
                d.appVersion(),
                d.registeredAt().toString(),
                d.lastActiveAt().toString());
    }

    /** A member as every endpoint that answers with one shows it. */
    public static MemberView memberView(Member m) {
        return new MemberView(
                m.account().toString(),
                m.name(),
                m.role().wireName(),
                m.banned() ? "banned" : "active",
                m.joinedAt().toString());
    }

    public void register(Router router) {
        router.add(ApiRoute.AUTH_CHALLENGE, this::challenge);
        router.add(ApiRoute.AUTH_VERIFY, this::verify);
        router.add(ApiRoute.MEMBERS_JOIN, this::join);
        router.add(ApiRoute.MEMBERS, this::members);
        router.add(ApiRoute.DEVICE_REGISTER, this::registerDevice);
        router.add(ApiRoute.DEVICES, this::listDevices);
        router.add(ApiRoute.DEVICE_REMOVE, this::removeDevice);
    }

    private Response challenge(Request request) {
        ChallengeRequest body = bodies.read(request, ChallengeRequest.class);
        Challenges.Issued issued = accounts.challenge(
                AccountService.accountId("account_id", body.accountId()),
                AccountService.deviceId("device_id", body.deviceId()),
                origin(request));
        ServerChallenge challenge = issued.challenge();
        return Response.ok(new ChallengeResponse(
                Bytes.of(challenge.encoded()),
                Bytes.of(issued.serverSignature()),
                challenge.serverId(),
                challenge.serverKey().base64(),
                challenge.origin().toString(),
                challenge.issuedAt().plus(Challenges.LIFETIME).toString()));
    }

    /**
     * The origin the request was addressed to: {@code X-Forwarded-Proto} and {@code X-Forwarded-Host}
     * when a reverse proxy set them, else this listener's scheme and the {@code Host} header. The
     * requester chooses all of these; that is fine, because the origin is the client's check
     * against the URL it uses, while what a relaying server cannot forge is the server key.
     */
    static Origin origin(Request request) {
        String scheme = request.header("X-Forwarded-Proto")
                .map(AccountRoutes::firstValue)
                .orElse(request.secure() ? "https" : "http");
        String host = request.header("X-Forwarded-Host")
                .map(AccountRoutes::firstValue)
                .or(() -> request.header("Host"))
                .orElseThrow(() -> new ApiException(
                        ErrorCode.BAD_REQUEST,
                        "a Host header is required: the challenge names the origin the client talks to"));
        try {
            return Origin.fromHost(scheme, host);
        } catch (IllegalArgumentException e) {
            throw new ApiException(ErrorCode.BAD_REQUEST, "cannot name the request's origin: " + e.getMessage());
        }
    }

    private static String firstValue(String header) {
        int comma = header.indexOf(',');
        return (comma < 0 ? header : header.substring(0, comma)).strip();
    }

    private Response verify(Request request) {
        VerifyRequest body = bodies.read(request, VerifyRequest.class);
        AccountId account = AccountService.accountId("account_id", body.accountId());
        TokenStore.IssuedToken token = accounts.verify(
                account,
                AccountService.deviceId("device_id", body.deviceId()),
                required("challenge", body.challenge()),
                required("signature", body.signature()));
        return Response.ok(new TokenResponse(
                account.toString(),
                body.deviceId(),
                token.token(),
                token.expiresAt().toString()));
    }

    private Response join(Request request) {
        JoinRequest body = bodies.read(request, JoinRequest.class);
        AccountService.Joined joined = accounts.join(
                AccountService.accountId("account_id", body.accountId()),
                required("identity_key", body.identityKey()),
                required("device_certificate", body.deviceCertificate()),
                orEmpty(body.displayName()),
                details(body.deviceType(), body.os(), body.appVersion(), body.pushToken()),
                required("challenge", body.challenge()),
                required("signature", body.signature()));
        return new Response.Json(
                201,
                new JoinResponse(
                        joined.member().account().toString(),
                        joined.member().role().wireName(),
                        joined.device().value(),
                        joined.token().token(),
                        joined.token().expiresAt().toString()));
    }

    private Response members(Request request) {
        authenticator.authenticate(request);
        int limit = request.queryParam("limit").map(AccountRoutes::pageSize).orElse(DEFAULT_PAGE);
        Optional<AccountId> after = request.queryParam("after").map(a -> AccountService.accountId("after", a));
        List<Member> page = accounts.members(after, limit + 1);
        List<MemberView> views =
                page.stream().limit(limit).map(AccountRoutes::memberView).toList();
        Optional<String> next =
                page.size() > limit ? Optional.of(views.get(views.size() - 1).accountId()) : Optional.empty();
        return Response.ok(new MemberPage(views, next));
    }

    private Response registerDevice(Request request) {
        Principal caller = authenticator.authenticate(request);
        RegisterRequest body = bodies.read(request, RegisterRequest.class);
        Device device = accounts.registerDevice(
                caller,
                orNull(body.deviceCertificate()),
                details(body.deviceType(), body.os(), body.appVersion(), body.pushToken()));
        return new Response.Json(201, deviceView(device));
    }

    private Response listDevices(Request request) {
        Principal caller = authenticator.authenticate(request);
        return Response.ok(new DeviceList(
                accounts.devices(caller).stream().map(AccountRoutes::deviceView).toList(),
                accounts.revocations(caller)));
    }

    private Response removeDevice(Request request) {
        Principal caller = authenticator.authenticate(request);
        int id;
        try {
            id = Integer.parseInt(request.pathParam("device_id"));
        } catch (NumberFormatException e) {
            throw new ApiException(ErrorCode.INVALID_FIELD, "device_id must be an integer 1-127");
        }
        // The body is optional: a device removing itself sends none.
        Optional<byte[]> revocation = request.body().length == 0
                ? Optional.empty()
                : Optional.of(required(
                        "revocation", bodies.read(request, RemoveRequest.class).revocation()));
        accounts.removeDevice(caller, AccountService.deviceId("device_id", id), revocation);
        return new Response.Raw(204, "application/json", new byte[0]);
    }

    private static int pageSize(String text) {
        try {
            int limit = Integer.parseInt(text);
            if (limit >= 1 && limit <= MAX_PAGE) {
                return limit;
            }
        } catch (NumberFormatException e) {
            // reported below with the accepted range
        }
        throw new ApiException(
                ErrorCode.INVALID_FIELD, "limit must be an integer 1-" + MAX_PAGE + ", got '" + text + "'");
    }

    private static DeviceDetails details(String type, String os, String appVersion, String pushToken) {
        try {
            return new DeviceDetails(
                    type == null ? "unknown" : type, orEmpty(os), orEmpty(appVersion), orEmpty(pushToken));
        } catch (IllegalArgumentException e) {
            throw new ApiException(ErrorCode.INVALID_FIELD, e.getMessage());
        }
    }

    private static byte[] required(String field, Bytes value) {
        if (value == null || value.isEmpty()) {
            throw new ApiException(ErrorCode.INVALID_FIELD, field + " is required");
        }
        return value.toByteArray();
    }

    private static byte[] orNull(Bytes value) {
        return value == null ? null : value.toByteArray();
    }

    private static String orEmpty(String value) {
        return value == null ? "" : value;
    }
}
