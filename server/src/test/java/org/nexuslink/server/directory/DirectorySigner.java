// SPDX-License-Identifier: AGPL-3.0-or-later
package org.nexuslink.server.directory;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import org.nexuslink.crypto.pow.ProofOfWork;
import org.nexuslink.crypto.server.ServerKeyPair;
import org.nexuslink.protocol.directory.AccountPayload;
import org.nexuslink.protocol.directory.AccountSignedRequest;
import org.nexuslink.protocol.directory.CommunityNotice;
import org.nexuslink.protocol.directory.CommunityRegistration;
import org.nexuslink.protocol.directory.ServerSignedRequest;
import org.nexuslink.protocol.directory.SigningDomains;
import org.nexuslink.server.http.ApiJson;
import org.nexuslink.server.testing.TestAccount;

/** Builds signed directory requests the way a community server and a client do. */
final class DirectorySigner {
    static final ObjectMapper JSON = ApiJson.create();
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final Base64.Encoder B64 = Base64.getEncoder();

    private final String directoryId;
    private final Clock clock;

    DirectorySigner(String directoryId, Clock clock) {
        this.directoryId = directoryId;
        this.clock = clock;
    }

    static String nonce() {
        byte[] raw = new byte[16];
        RANDOM.nextBytes(raw);
        return HexFormat.of().formatHex(raw);
    }

    CommunityRegistration registration(
            ServerKeyPair key,
            String name,
            String description,
            List<String> tags,
            String endpoint,
            String admin,
            int difficulty) {
        String nonce = nonce();
        String serverKey = key.publicKey().base64();
        long pow = ProofOfWork.solve(SigningDomains.powChallenge(directoryId, serverKey, nonce), difficulty);
        return new CommunityRegistration(
                directoryId, clock.millis(), nonce, name, description, tags, endpoint, admin, serverKey, pow);
    }

    CommunityNotice notice(String communityId) {
        return new CommunityNotice(directoryId, clock.millis(), nonce(), communityId);
    }

    static ServerSignedRequest serverSigned(ServerKeyPair key, String domain, Object payload) throws Exception {
        byte[] bytes = JSON.writeValueAsBytes(payload);
        return new ServerSignedRequest(B64.encodeToString(bytes), B64.encodeToString(key.sign(domain, bytes)));
    }

    AccountPayload account(TestAccount account) {
        return AccountPayload.of(directoryId, clock.millis(), nonce(), account.id());
    }

    static AccountPayload with(
            AccountPayload p,
            Optional<String> challenge,
            Optional<String> materials,
            Optional<String> communityId,
            Optional<String> category,
            Optional<String> reportId) {
        return new AccountPayload(
                p.directory(),
                p.timestamp(),
                p.nonce(),
                p.account(),
                challenge,
                materials,
                communityId,
                category,
                Optional.empty(),
                reportId);
    }

    static AccountSignedRequest accountSigned(TestAccount.CertifiedDevice device, String domain, AccountPayload payload)
            throws Exception {
        byte[] bytes = JSON.writeValueAsBytes(payload);
        return new AccountSignedRequest(
                B64.encodeToString(bytes),
                B64.encodeToString(device.certificate().encoded()),
                B64.encodeToString(device.keys().sign(domain, bytes)));
    }

    static String header(AccountSignedRequest signed) throws Exception {
        return B64.encodeToString(JSON.writeValueAsBytes(signed));
    }
}
