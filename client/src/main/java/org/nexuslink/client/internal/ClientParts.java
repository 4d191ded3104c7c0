// SPDX-License-Identifier: AGPL-3.0-or-later
package org.nexuslink.client.internal;

import java.nio.file.Path;
import java.time.Clock;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Consumer;
import org.nexuslink.client.ClientEvent;
import org.nexuslink.client.LocalDevice;
import org.nexuslink.client.keys.PrekeyStock;
import org.nexuslink.client.session.ChannelMessenger;
import org.nexuslink.client.session.DirectMessenger;
import org.nexuslink.client.session.Wire;
import org.nexuslink.client.store.ProfileStore;
import org.nexuslink.client.store.StoreKey;
import org.nexuslink.crypto.keystore.VaultContents;

/**
 * The parts a {@code NexusClient} is made of, wired once: the worker thread, the event
 * subscribers, the community link, the connection and sync loop, the send pipeline and the
 * device list, over one profile's store and messengers. The facade owns it and closes it.
 */
public final class ClientParts {
    private final VaultContents keys;
    private final LocalDevice me;
    private final Clock clock;
    private final String deviceType;
    private final ProfileStore store;
    private final Worker worker = new Worker();
    private final Events events = new Events();
    private final PrekeyStock prekeys;
    private final CommunityLink community;
    private final SyncLoop connection;
    private final SendPipeline sender;
    private final Devices devices;
    private final MemberDirectory members;

    /**
     * Opens the profile's store in {@code storeFile} with its unlocked keys.
     *
     * @param deviceType what the device list shows for this device (1 to 20 characters)
     */
    public ClientParts(Path storeFile, VaultContents keys, Clock clock, String deviceType) {
        this.keys = Objects.requireNonNull(keys, "keys");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.deviceType = Objects.requireNonNull(deviceType, "deviceType");
        this.me = new LocalDevice(keys.accountId(), keys.deviceKey(), keys.certificate());
        this.store = ProfileStore.open(
                storeFile, StoreKey.derive(keys.deviceKey()), keys.deviceKey().asIdentityKeyPair());
        DirectMessenger direct = new DirectMessenger(
                store,
                me,
                clock,
                (account, device) ->
                        events.tell(new ClientEvent.SafetyNumberChanged(Receiver.account(account), device)),
                KeyLogWatch.warnings(events));
        KeyLogWatch keyLog = new KeyLogWatch(events, store.settings(), keys, direct.transparency());
        ChannelMessenger channels = new ChannelMessenger(store, me, direct, clock);
        Filing filing = new Filing(store, me, clock);
        this.prekeys = new PrekeyStock(store, keys.deviceKey(), clock);
        this.community = new CommunityLink(store, keys, me);
        this.connection = new SyncLoop(
                worker, events, store, keys, me, clock, community, prekeys, direct, channels, filing, keyLog);
        this.sender = new SendPipeline(worker, connection, store, me, clock, direct, channels, filing, community);
        this.devices = new Devices(keys, me, clock, direct, deviceType, keyLog);
        this.members = new MemberDirectory(store);
        worker.scheduleEvery(
                () -> {
                    Optional<Wire> wire = connection.currentWire();
                    if (wire.isPresent()) {
                        keyLog.check(wire.get().api());
                    }
                },
                KeyLogWatch.INTERVAL);
    }

    public VaultContents keys() {
        return keys;
    }

    public LocalDevice me() {
        return me;
    }

    public Clock clock() {
        return clock;
    }

    public String deviceType() {
        return deviceType;
    }

    public ProfileStore store() {
        return store;
    }

    public Worker worker() {
        return worker;
    }

    public PrekeyStock prekeys() {
        return prekeys;
    }

    public CommunityLink community() {
        return community;
    }

    public SyncLoop connection() {
        return connection;
    }

    public SendPipeline sender() {
        return sender;
    }

    public Devices devices() {
        return devices;
    }

    public MemberDirectory members() {
        return members;
    }

    /** Adds a subscriber to what the client tells. */
    public void subscribe(Consumer<ClientEvent> subscriber) {
        events.subscribe(subscriber);
    }
}
