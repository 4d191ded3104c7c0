// SPDX-License-Identifier: AGPL-3.0-or-later
package org.nexuslink.bench;

import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.nexuslink.crypto.challenge.InvalidChallengeException;
import org.nexuslink.crypto.challenge.Origin;
import org.nexuslink.crypto.challenge.ServerChallenge;
import org.nexuslink.crypto.identity.AccountId;
import org.nexuslink.crypto.identity.AccountIdentity;
import org.nexuslink.crypto.identity.DeviceCertificate;
import org.nexuslink.crypto.identity.DeviceId;
import org.nexuslink.crypto.identity.DeviceKeyPair;
import org.nexuslink.crypto.identity.InvalidCertificateException;
import org.nexuslink.crypto.identity.InvalidMnemonicException;
import org.nexuslink.crypto.identity.Mnemonic;
import org.nexuslink.crypto.server.ServerKeyPair;
import org.nexuslink.crypto.server.ServerPublicKey;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.signal.libsignal.protocol.ecc.ECPublicKey;

/**
 * Throughput of the identity operations a server or client repeats: deriving an identity from
 * words (PBKDF2 dominates), verifying a device certificate, verifying a signed challenge.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(value = 1, jvmArgsAppend = "--enable-native-access=ALL-UNNAMED")
public class IdentityBenchmarks {
    private Mnemonic mnemonic;
    private AccountId account;
    private byte[] certificate;
    private ServerChallenge challenge;
    private ServerPublicKey serverKey;
    private byte[] challengeSignature;
    private ECPublicKey deviceKey;
    private Clock clock;

    @Setup
    public void setUp() throws InvalidMnemonicException {
        mnemonic = Mnemonic.parse(
                "abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon about");
        AccountIdentity identity = AccountIdentity.fromMnemonic(mnemonic);
        account = identity.accountId();
        DeviceKeyPair device = DeviceKeyPair.generate();
        deviceKey = device.publicKey();
        clock = Clock.systemUTC();
        certificate = identity.certify(new DeviceId(2), deviceKey, Instant.now(), Optional.empty())
                .encoded();
        serverKey = ServerKeyPair.generate(new SecureRandom()).publicKey();
        challenge = ServerChallenge.issue(
                "chat.example.org", serverKey, Origin.parse("https://chat.example.org"), clock, new SecureRandom());
        challengeSignature = challenge.sign(device);
    }

    @Benchmark
    public AccountId deriveIdentityFromMnemonic() {
        return AccountIdentity.fromMnemonic(mnemonic).accountId();
    }

    @Benchmark
    public DeviceCertificate verifyDeviceCertificate() throws InvalidCertificateException {
        return DeviceCertificate.verify(certificate, account, clock);
    }

    @Benchmark
    public ServerChallenge verifyChallenge() throws InvalidChallengeException {
        challenge.verify(
                challengeSignature, deviceKey, "chat.example.org", serverKey, clock, ServerChallenge.DEFAULT_MAX_AGE);
        return challenge;
    }
}
