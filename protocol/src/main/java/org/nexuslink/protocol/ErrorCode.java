// SPDX-License-Identifier: AGPL-3.0-or-later
package org.nexuslink.protocol;

import java.util.Arrays;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * Every error a NexusLink peer can report on the wire, with the HTTP status used when the same
 * error is the answer to a REST call. docs/protocol.md lists the same table; a test keeps them
 * equal.
 */
public enum ErrorCode {
    /** See {@link #meaning()}. */
    MALFORMED_FRAME(
            "malformed_frame",
            400,
            "The frame is not exactly one well-formed MsgPack value (truncated, reserved byte, trailing bytes)."),
    /** See {@link #meaning()}. */
    FRAME_TOO_LARGE("frame_too_large", 413, "The frame is longer than the receiver's maximum frame size."),
    /** See {@link #meaning()}. */
    LIMIT_EXCEEDED(
            "limit_exceeded",
            413,
            "An array, map or string is longer, or values nest deeper, than the receiver allows."),
    /** See {@link #meaning()}. */
    UNSUPPORTED_VERSION(
            "unsupported_version", 400, "The protocol version v or event version ev_v is not one the receiver speaks."),
    /** See {@link #meaning()}. */
    UNKNOWN_COMMAND("unknown_command", 400, "The command cmd is not in the receiver's command registry."),
    /** See {@link #meaning()}. */
    UNEXPECTED_COMMAND(
            "unexpected_command", 400, "The command is known but not allowed in this direction or connection state."),
    /** See {@link #meaning()}. */
    INVALID_FIELD(
            "invalid_field",
            400,
            "A field is missing, has the wrong MsgPack type or an out-of-range value, or a map key repeats."),
    /** See {@link #meaning()}. */
    BAD_REQUEST("bad_request", 400, "The request is well-formed but cannot be carried out as asked."),
    /** See {@link #meaning()}. */
    UNAUTHORIZED("unauthorized", 401, "No valid credentials: missing, expired or badly signed token or challenge."),
    /** See {@link #meaning()}. */
    CHALLENGE_INVALID(
            "challenge_invalid",
            401,
            "The auth challenge nonce is unknown, already used, or was issued for another account or device."),
    /** See {@link #meaning()}. */
    CHALLENGE_EXPIRED("challenge_expired", 401, "The auth challenge nonce has expired; request a new one."),
    /** See {@link #meaning()}. */
    BAD_SIGNATURE("bad_signature", 401, "The signature does not verify with the certified device key."),
    /** See {@link #meaning()}. */
    DEVICE_NOT_CERTIFIED(
            "device_not_certified",
            401,
            "The device is not registered, is revoked, or has no valid certificate from the account identity key."),
    /** See {@link #meaning()}. */
    SIGN_IN_REFUSED(
            "sign_in_refused",
            401,
            "The device cannot sign in: not registered or removed, not a member, banned, or a bad signature (one code, so sign-in reveals no membership)."),
    /** See {@link #meaning()}. */
    TOKEN_INVALID("token_invalid", 401, "The bearer token is missing, malformed, unknown or revoked."),
    /** See {@link #meaning()}. */
    TOKEN_EXPIRED("token_expired", 401, "The bearer token has expired; authenticate again."),
    /** See {@link #meaning()}. */
    ACCOUNT_BANNED("account_banned", 403, "The account is banned from this community."),
    /** See {@link #meaning()}. */
    COMMUNITY_FULL("community_full", 403, "The community has reached its member limit."),
    /** See {@link #meaning()}. */
    DEVICE_LIMIT_REACHED("device_limit_reached", 403, "The account already has as many devices as the server allows."),
    /** See {@link #meaning()}. */
    IDENTITY_MISMATCH(
            "identity_mismatch", 400, "The identity key or certificate does not belong to the account id given."),
    /** See {@link #meaning()}. */
    INVALID_CERTIFICATE(
            "invalid_certificate",
            400,
            "The device certificate is malformed, tampered with, expired or signed by another key."),
    /** See {@link #meaning()}. */
    CONFLICT("conflict", 409, "The request conflicts with the current state (already a member, device id taken)."),
    /** See {@link #meaning()}. */
    LAST_ADMIN(
            "last_admin",
            409,
            "The change would leave the community without an active admin (demote, ban or remove the last one)."),
    /** See {@link #meaning()}. */
    REVOCATION_REQUIRED(
            "revocation_required",
            403,
            "Removing another device needs a revocation signed by the account identity key; without one a device may remove only itself."),
    /** See {@link #meaning()}. */
    INVALID_REVOCATION(
            "invalid_revocation",
            400,
            "The device revocation is malformed, not signed by the account identity key, or names another device id or key than the device removed."),
    /** See {@link #meaning()}. */
    LAST_DEVICE("last_device", 409, "The account's last active device cannot be removed; leave the community instead."),
    /** See {@link #meaning()}. */
    DEVICE_REVOKED(
            "device_revoked",
            403,
            "The device certificate's key was removed from the account on this server and is never accepted again; certify a new device key."),
    /** See {@link #meaning()}. */
    PREKEY_LIMIT_EXCEEDED(
            "prekey_limit_exceeded",
            400,
            "The upload would store more one-time prekeys than the per-device limit, or the batch is too large."),
    /** See {@link #meaning()}. */
    PREKEYS_EXHAUSTED(
            "prekeys_exhausted",
            409,
            "No usable bundle for the device (or any device): it needs re-registration (seed 004) or never uploaded a complete set; the message names each device and reason."),
    /** See {@link #meaning()}. */
    STALE_DEVICES(
            "stale_devices",
            409,
            "The copies of a direct message do not match the recipients' current devices; the message names the missing and extra ones, and nothing was stored."),
    /** See {@link #meaning()}. */
    RECIPIENT_QUEUE_FULL(
            "recipient_queue_full",
            409,
            "A recipient device has as many undelivered messages or bytes queued as the server allows; the message names the device, and nothing was stored for any device."),
    /** See {@link #meaning()}. */
    FORBIDDEN("forbidden", 403, "The authenticated account or device may not do this (role, ban, mute, permission)."),
    /** See {@link #meaning()}. */
    NOT_FOUND("not_found", 404, "The named account, device, conversation, message or file does not exist."),
    /** See {@link #meaning()}. */
    METHOD_NOT_ALLOWED("method_not_allowed", 405, "The REST resource exists but does not support this HTTP method."),
    /** See {@link #meaning()}. */
    PAYLOAD_TOO_LARGE("payload_too_large", 413, "The request or upload body exceeds the server's size limit."),
    /** See {@link #meaning()}. */
    UNSUPPORTED_MEDIA_TYPE(
            "unsupported_media_type", 415, "The request body's content type is not one the endpoint accepts."),
    /** See {@link #meaning()}. */
    LENGTH_REQUIRED(
            "length_required",
            411,
            "The upload has no Content-Length header; the server checks sizes before it stores anything."),
    /** See {@link #meaning()}. */
    QUOTA_EXCEEDED(
            "quota_exceeded",
            413,
            "The upload would exceed the member's media quota or the server's storage limit; the message says how much is left."),
    /** See {@link #meaning()}. */
    DIGEST_MISMATCH(
            "digest_mismatch",
            400,
            "The SHA-256 of the received bytes differs from the digest the client claimed; nothing was kept."),
    /** See {@link #meaning()}. */
    RANGE_NOT_SATISFIABLE(
            "range_not_satisfiable", 416, "The Range header names no byte of the file, or more than one range."),
    /** See {@link #meaning()}. */
    REPLAYED_REQUEST(
            "replayed_request",
            409,
            "The signed request's nonce was already used, or its timestamp is more than five minutes from the directory's clock."),
    /** See {@link #meaning()}. */
    PROOF_OF_WORK_INVALID(
            "proof_of_work_invalid", 400, "The registration's proof of work does not meet the directory's difficulty."),
    /** See {@link #meaning()}. */
    KYC_REQUIRED("kyc_required", 403, "The community's admin account has no approved KYC at this directory."),
    /** See {@link #meaning()}. */
    ENDPOINT_CHECK_FAILED(
            "endpoint_check_failed",
            422,
            "The community endpoint did not answer /health and GET /api/v1/server, or answered with another server key than the request's."),
    /** See {@link #meaning()}. */
    RATE_LIMITED("rate_limited", 429, "Too many requests; retry later."),
    /** See {@link #meaning()}. */
    INTERNAL_ERROR("internal_error", 500, "The server failed unexpectedly; the request may be retried."),
    /** See {@link #meaning()}. */
    UNAVAILABLE("unavailable", 503, "The server is starting, stopping or overloaded; retry later.");

    private static final Map<String, ErrorCode> BY_CODE =
            Arrays.stream(values()).collect(Collectors.toUnmodifiableMap(ErrorCode::code, Function.identity()));

    private final String code;
    private final int httpStatus;
    private final String meaning;

    ErrorCode(String code, int httpStatus, String meaning) {
        this.code = code;
        this.httpStatus = httpStatus;
        this.meaning = meaning;
    }

    /** Returns the stable snake_case code sent on the wire. */
    public String code() {
        return code;
    }

    /** Returns the HTTP status of a REST response carrying this error. */
    public int httpStatus() {
        return httpStatus;
    }

    /** Returns a one-line explanation. */
    public String meaning() {
        return meaning;
    }

    /** Returns the constant with this wire code, if any. */
    public static Optional<ErrorCode> fromCode(String code) {
        return Optional.ofNullable(BY_CODE.get(code));
    }
}
