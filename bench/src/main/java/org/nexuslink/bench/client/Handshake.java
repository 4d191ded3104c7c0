// SPDX-License-Identifier: AGPL-3.0-or-later
package org.nexuslink.bench.client;

import java.nio.charset.StandardCharsets;
import org.signal.libsignal.protocol.SessionBuilder;
import org.signal.libsignal.protocol.SessionCipher;
import org.signal.libsignal.protocol.SignalProtocolAddress;
import org.signal.libsignal.protocol.message.CiphertextMessage;
import org.signal.libsignal.protocol.message.PreKeySignalMessage;
import org.signal.libsignal.protocol.message.SignalMessage;
import org.signal.libsignal.protocol.state.SignalProtocolStore;

/**
 * Starts a 1:1 session the way two clients do, over any pair of stores: Alice takes Bob's PQXDH
 * bundle and sends a first (prekey) message, Bob decrypts it and answers, Alice decrypts the
 * answer. Afterwards both sides are in the Double Ratchet and every message is a plain
 * {@link SignalMessage}.
 */
final class Handshake {
    private Handshake() {}

    static void run(
            SignalProtocolStore alice,
            SignalProtocolAddress aliceAddress,
            SignalProtocolStore bob,
            SignalProtocolAddress bobAddress) {
        try {
            new SessionBuilder(alice, bobAddress).process(Prekeys.publish(bob, bobAddress.getDeviceId()));
            CiphertextMessage first = new SessionCipher(alice, bobAddress).encrypt(bytes("hello"));
            if (first.getType() != CiphertextMessage.PREKEY_TYPE) {
                throw new IllegalStateException(
                        "the first message is of type " + first.getType() + ", not a prekey message");
            }
            new SessionCipher(bob, aliceAddress).decrypt(new PreKeySignalMessage(first.serialize()));
            CiphertextMessage reply = new SessionCipher(bob, aliceAddress).encrypt(bytes("hello back"));
            new SessionCipher(alice, bobAddress).decrypt(new SignalMessage(reply.serialize()));
            CiphertextMessage next = new SessionCipher(alice, bobAddress).encrypt(bytes("in the ratchet"));
            if (next.getType() != CiphertextMessage.WHISPER_TYPE) {
                throw new IllegalStateException("after the reply Alice still sends type " + next.getType());
            }
            new SessionCipher(bob, aliceAddress).decrypt(new SignalMessage(next.serialize()));
        } catch (Exception e) {
            throw new IllegalStateException("the session handshake failed", e);
        }
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
