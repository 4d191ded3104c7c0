// SPDX-License-Identifier: AGPL-3.0-or-later
package org.nexuslink.server.directory;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.Base64;
import java.util.Objects;
import org.nexuslink.crypto.identity.AccountId;
import org.nexuslink.crypto.identity.DeviceCertificate;
import org.nexuslink.crypto.identity.InvalidCertificateException;
import org.nexuslink.crypto.server.ServerPublicKey;
import org.nexuslink.protocol.ErrorCode;
import org.nexuslink.protocol.directory.AccountPayload;
import org.nexuslink.protocol.directory.AccountSignedRequest;
import org.nexuslink.protocol.directory.ServerSignedRequest;
import org.nexuslink.protocol.directory.SigningDomains;
import org.nexuslink.server.http.ApiException;
import org.nexuslink.server.http.JsonBodies;
import org.nexuslink.server.http.Request;

/**
 * Decodes and verifies signed directory requests: the payload's JSON, that it names this
 * directory, and the signature under the key it must carry. Replay checks are the caller's
 * ({@link ReplayGuard}). Thread-safe.
 */
final class SignedRequests {
    private final ObjectMapper json;
    private final JsonBodies bodies;
    private final String directoryId;
    private final Clock clock;

    SignedRequests(ObjectMapper json, String directoryId, Clock clock) {
        this.json = Objects.requireNonNull(json, "json");
        this.bodies = new JsonBodies(json);
        this.directoryId = Objects.requireNonNull(directoryId, "directoryId");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /** A payload whose bytes are known but whose signature is not yet checked. */
    record Unverified<T>(T payload, byte[] bytes, byte[] signature) {}

    /** Reads a {@link ServerSignedRequest} body and its payload as {@code type}; checks the directory id. */
    <T> Unverified<T> serverSigned(Request request, Class<T> type, java.util.function.Function<T, String> directory) {
        ServerSignedRequest signed = bodies.read(request, ServerSignedRequest.class);
        byte[] bytes = base64("payload", signed.payload());
        T payload = payload(bytes, type);
        checkDirectory(directory.apply(payload));
        return new Unverified<>(payload, bytes, base64("signature", signed.signature()));
    }

    /**
     * Checks a server signature.
     *
     * @throws ApiException {@code bad_signature}
     */
    static void verify(Unverified<?> request, String domain, ServerPublicKey key) {
        if (!key.verify(domain, request.bytes(), request.signature())) {
            throw new ApiException(ErrorCode.BAD_SIGNATURE, "the request is not signed by server key " + key.base64());
        }
    }

    /** An account request whose certificate and device signature verified. */
    record AccountRequest(AccountPayload payload, AccountId account) {}

    /** Reads an {@link AccountSignedRequest} from the body (POST) and verifies it for {@code domain}. */
    AccountRequest accountSigned(Request request, String domain) {
        return verifyAccount(bodies.read(request, AccountSignedRequest.class), domain);
    }

    /** Reads an {@link AccountSignedRequest} from the {@link SigningDomains#SIGNED_HEADER} header (GET). */
    AccountRequest accountSignedHeader(Request request, String domain) {
        String header = request.header(SigningDomains.SIGNED_HEADER)
                .orElseThrow(() -> new ApiException(
                        ErrorCode.UNAUTHORIZED,
                        "this request must carry a signed " + SigningDomains.SIGNED_HEADER + " header"));
        byte[] text = base64(SigningDomains.SIGNED_HEADER, header);
        AccountSignedRequest signed = payload(text, AccountSignedRequest.class);
        return verifyAccount(signed, domain);
    }

    private AccountRequest verifyAccount(AccountSignedRequest signed, String domain) {
        byte[] bytes = base64("payload", signed.payload());
        AccountPayload payload = payload(bytes, AccountPayload.class);
        checkDirectory(payload.directory());
        AccountId account = ListingDetails.account(payload.account());
        DeviceCertificate certificate;
        try {
            certificate = DeviceCertificate.verify(base64("certificate", signed.certificate()), account, clock);
        } catch (InvalidCertificateException e) {
            throw new ApiException(ErrorCode.INVALID_CERTIFICATE, e.getMessage());
        }
        if (!certificate.verifySignature(domain, bytes, base64("signature", signed.signature()))) {
            throw new ApiException(ErrorCode.BAD_SIGNATURE, "the request is not signed by the certified device key");
        }
        return new AccountRequest(payload, account);
    }

    private void checkDirectory(String named) {
        if (!directoryId.equals(named)) {
            throw new ApiException(
                    ErrorCode.INVALID_FIELD, "the request is for directory '" + named + "', this is " + directoryId);
        }
    }

    private <T> T payload(byte[] bytes, Class<T> type) {
        try {
            T value = json.readValue(bytes, type);
            if (value == null) {
                throw new ApiException(ErrorCode.INVALID_FIELD, "payload must be a JSON object");
            }
            return value;
        } catch (IOException e) {
            Throwable cause = e.getCause();
            String why = cause instanceof IllegalArgumentException || cause instanceof NullPointerException
                    ? cause.getMessage()
                    : e instanceof com.fasterxml.jackson.core.JsonProcessingException j
                            ? j.getOriginalMessage()
                            : e.getMessage();
            throw new ApiException(ErrorCode.INVALID_FIELD, "payload: " + why);
        }
    }

    static byte[] base64(String field, String text) {
        try {
            return Base64.getDecoder().decode(text.strip());
        } catch (IllegalArgumentException e) {
            try {
                return Base64.getUrlDecoder().decode(text.strip());
            } catch (IllegalArgumentException again) {
                throw new ApiException(ErrorCode.INVALID_FIELD, field + " is not base64");
            }
        }
    }

    /** The signer name under which a server key's nonces are kept. */
    static String signer(ServerPublicKey key) {
        return "server:" + key.base64();
    }

    static String signer(AccountId account) {
        return account.toString();
    }

    static String utf8(byte[] bytes) {
        return new String(bytes, StandardCharsets.UTF_8);
    }
}
