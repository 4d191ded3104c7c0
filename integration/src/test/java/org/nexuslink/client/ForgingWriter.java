// SPDX-License-Identifier: AGPL-3.0-or-later
package org.nexuslink.client;

import java.util.List;
import java.util.UUID;
import org.nexuslink.client.content.Payload;
import org.nexuslink.client.content.PayloadCodec;
import org.nexuslink.client.store.ProfileStore;
import org.nexuslink.client.store.StoreKey;
import org.nexuslink.protocol.Bytes;
import org.nexuslink.protocol.ConversationId;
import org.nexuslink.protocol.Event;
import org.nexuslink.protocol.Kind;
import org.nexuslink.protocol.Tag;
import org.signal.libsignal.protocol.SignalProtocolAddress;
import org.signal.libsignal.protocol.groups.GroupCipher;
import org.signal.libsignal.protocol.message.SenderKeyMessage;

/**
 * A member who writes channel events by hand with the real sender key of their (closed) profile:
 * whatever payload and tags they like, encrypted exactly as their client would.
 */
final class ForgingWriter implements AutoCloseable {
    private final ProfileStore store;
    private final SignalProtocolAddress address;

    /** Opens {@code profile}'s store; its client must be closed. */
    ForgingWriter(TestProfile profile) {
        this.store = ProfileStore.open(
                profile.dir.resolve(NexusClient.STORE_FILE),
                StoreKey.derive(profile.keys.deviceKey()),
                profile.keys.deviceKey().asIdentityKeyPair());
        this.address = new SignalProtocolAddress(
                profile.id(), profile.keys.certificate().deviceId().value());
    }

    /**
     * An event for {@code channel} whose data is {@code payload} (bound to no channel unless it
     * says so) under the sender key that encrypted {@code earlier}, one of this writer's events.
     */
    Event event(UUID channel, Event earlier, Payload payload, List<Tag> tags) throws Exception {
        UUID distribution = new SenderKeyMessage(earlier.data().toByteArray()).getDistributionId();
        byte[] ciphertext = store.inTransaction(() -> new GroupCipher(store.signal(), address)
                .encrypt(distribution, PayloadCodec.encode(payload))
                .serialize());
        return Event.of(ConversationId.of(channel), new Kind(payload.content().kind()), Bytes.of(ciphertext))
                .withTags(tags);
    }

    @Override
    public void close() {
        store.close();
    }
}
