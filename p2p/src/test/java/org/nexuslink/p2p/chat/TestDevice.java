// SPDX-License-Identifier: AGPL-3.0-or-later
package org.nexuslink.p2p.chat;

import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.nexuslink.crypto.identity.AccountIdentity;
import org.nexuslink.crypto.identity.DeviceCertificate;
import org.nexuslink.crypto.identity.DeviceId;
import org.nexuslink.crypto.identity.DeviceKeyPair;
import org.nexuslink.p2p.Multiaddr;
import org.nexuslink.p2p.NodeOptions;
import org.nexuslink.p2p.P2pNode;
import org.nexuslink.p2p.PeerKeyPair;
import org.signal.libsignal.protocol.IdentityKey;
import org.signal.libsignal.protocol.ecc.ECKeyPair;
import org.signal.libsignal.protocol.kem.KEMKeyPair;
import org.signal.libsignal.protocol.kem.KEMKeyType;
import org.signal.libsignal.protocol.state.KyberPreKeyRecord;
import org.signal.libsignal.protocol.state.PreKeyBundle;
import org.signal.libsignal.protocol.state.SignedPreKeyRecord;
import org.signal.libsignal.protocol.state.impl.InMemorySignalProtocolStore;

/**
 * A NexusLink device for direct-mode tests: an account, a certified device key, libsignal's own
 * in-memory store holding a signed and a Kyber prekey, and a libp2p node on loopback. (The cli
 * tests run the same protocol over the client's profile store.)
 */
record TestDevice(
        AccountIdentity account,
        DeviceKeyPair deviceKey,
        DeviceCertificate certificate,
        InMemorySignalProtocolStore store,
        PeerKeyPair peerKey,
        P2pNode node)
        implements AutoCloseable {

    static TestDevice create(Instant now) throws Exception {
        return create(AccountIdentity.generate(), 1, now);
    }

    static TestDevice create(AccountIdentity account, int deviceId, Instant now) throws Exception {
        DeviceKeyPair device = DeviceKeyPair.generate();
        DeviceCertificate cert =
                account.certify(new DeviceId(deviceId), device.publicKey(), now.minusSeconds(60), Optional.empty());
        InMemorySignalProtocolStore store = new InMemorySignalProtocolStore(device.asIdentityKeyPair(), 7);
        ECKeyPair signed = ECKeyPair.generate();
        byte[] signedSig =
                device.privateKey().calculateSignature(signed.getPublicKey().serialize());
        store.storeSignedPreKey(1, new SignedPreKeyRecord(1, now.toEpochMilli(), signed, signedSig));
        KEMKeyPair kyber = KEMKeyPair.generate(KEMKeyType.KYBER_1024);
        byte[] kyberSig =
                device.privateKey().calculateSignature(kyber.getPublicKey().serialize());
        store.storeKyberPreKey(2, new KyberPreKeyRecord(2, now.toEpochMilli(), kyber, kyberSig));
        PeerKeyPair peerKey = PeerKeyPair.generate(new SecureRandom());
        P2pNode node = P2pNode.start(NodeOptions.defaults(peerKey, List.of(Multiaddr.parse("/ip4/127.0.0.1/tcp/0"))));
        return new TestDevice(account, device, cert, store, peerKey, node);
    }

    PrekeySource prekeys() {
        return () -> {
            try {
                SignedPreKeyRecord signed = store.loadSignedPreKey(1);
                KyberPreKeyRecord kyber = store.loadKyberPreKey(2);
                return new PreKeyBundle(
                        7,
                        certificate.deviceId().value(),
                        PreKeyBundle.NULL_PRE_KEY_ID,
                        null,
                        1,
                        signed.getKeyPair().getPublicKey(),
                        signed.getSignature(),
                        new IdentityKey(deviceKey.publicKey()),
                        2,
                        kyber.getKeyPair().getPublicKey(),
                        kyber.getSignature());
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        };
    }

    DirectIdentity identity() {
        return new DirectIdentity(deviceKey, certificate, store, prekeys());
    }

    DirectMessages start(Clock clock, DirectMessages.Receiver receiver) {
        return DirectMessages.start(node, identity(), clock, receiver);
    }

    Multiaddr address() {
        return node.listenAddresses().get(0).withPeerId(node.peerId());
    }

    @Override
    public void close() {
        node.close();
    }
}
