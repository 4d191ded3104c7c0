// SPDX-License-Identifier: AGPL-3.0-or-later
package org.nexuslink.cli.p2p;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;
import org.nexuslink.cli.TerminalText;
import org.nexuslink.client.LocalDevice;
import org.nexuslink.client.NexusClient;
import org.nexuslink.client.keys.PrekeyStock;
import org.nexuslink.client.session.DirectMessenger;
import org.nexuslink.client.store.Contact;
import org.nexuslink.client.store.Conversation;
import org.nexuslink.client.store.ConversationType;
import org.nexuslink.client.store.Direction;
import org.nexuslink.client.store.ProfileStore;
import org.nexuslink.client.store.StoreKey;
import org.nexuslink.client.store.StoredMessage;
import org.nexuslink.crypto.identity.AccountId;
import org.nexuslink.crypto.keystore.VaultContents;
import org.nexuslink.p2p.MalformedDataException;
import org.nexuslink.p2p.Multiaddr;
import org.nexuslink.p2p.NodeOptions;
import org.nexuslink.p2p.P2pNode;
import org.nexuslink.p2p.PeerConnection;
import org.nexuslink.p2p.PeerKeyPair;
import org.nexuslink.p2p.chat.ChatContent;
import org.nexuslink.p2p.chat.DirectIdentity;
import org.nexuslink.p2p.chat.DirectMessages;
import org.nexuslink.p2p.chat.DirectPeer;
import org.nexuslink.p2p.chat.EncryptedRoom;
import org.nexuslink.p2p.mdns.MdnsDiscovery;
import org.nexuslink.p2p.pubsub.Gossipsub;
import org.nexuslink.p2p.pubsub.GossipsubOptions;
import org.nexuslink.protocol.Event;
import org.nexuslink.protocol.MessageId;

/**
 * Direct mode on a profile: the libp2p node, end-to-end encrypted direct messages and rooms over
 * the profile's own libsignal store and contacts (so sessions, identities and verified contacts are
 * the ones of community mode), and the lines the p2p commands print. The caller holds the profile
 * lock for as long as this is open. Lines go to {@code out} whole, one writer at a time.
 */
final class ChatNode implements AutoCloseable {
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("HH:mm:ss");

    private final ProfileStore store;
    private final P2pNode node;
    private final Gossipsub router;
    private final DirectMessages direct;
    private final Clock clock;
    private final PrintWriter out;
    private final VaultContents me;
    private volatile EncryptedRoom room;
    private MdnsDiscovery mdns;

    private ChatNode(
            ProfileStore store, P2pNode node, Gossipsub router, VaultContents keys, Clock clock, PrintWriter out) {
        this.store = store;
        this.node = node;
        this.router = router;
        this.clock = clock;
        this.out = out;
        this.me = keys;
        PrekeyStock prekeys = new PrekeyStock(store, keys.deviceKey(), clock);
        int deviceId = keys.deviceId().value();
        // Revocations this profile verified in community mode (or signed itself) count here too.
        DirectMessenger messenger = new DirectMessenger(
                store, new LocalDevice(keys.accountId(), keys.deviceKey(), keys.certificate()), clock);
        DirectIdentity identity = new DirectIdentity(
                keys.deviceKey(),
                keys.certificate(),
                store.signal(),
                () -> prekeys.directBundle(deviceId),
                c -> messenger.isRevoked(c.accountId(), c.deviceId().value(), c.devicePublicKeyBytes()));
        this.direct = DirectMessages.start(node, identity, clock, this::showDirect);
        // The same warning community mode gives (ClientCommand's safety-number warning).
        direct.onKeyChange(peer -> print("warning: the safety number with " + peer.account() + " changed: its device "
                + peer.device()
                + " has a new key, certified by the account (re-linked or restored). Messages continue; "
                + "verify the contact if you did not expect this."));
    }

    /**
     * Starts the node on {@code listen} with the profile's libp2p key and opens its store.
     *
     * @throws IOException if an address cannot be bound or the key file is unreadable
     */
    static ChatNode open(Path profileDir, VaultContents keys, Clock clock, List<Multiaddr> listen, PrintWriter out)
            throws IOException {
        ProfileStore store = ProfileStore.open(
                profileDir.resolve(NexusClient.STORE_FILE),
                StoreKey.derive(keys.deviceKey()),
                keys.deviceKey().asIdentityKeyPair());
        P2pNode node = null;
        try {
            PeerKeyPair key = P2pKeyFile.loadOrCreate(profileDir, store);
            node = P2pNode.start(NodeOptions.defaults(key, listen));
            Gossipsub router = Gossipsub.start(node, key, GossipsubOptions.defaults(), clock);
            return new ChatNode(store, node, router, keys, clock, out);
        } catch (IOException | RuntimeException e) {
            if (node != null) {
                node.close();
            }
            store.close();
            throw e;
        }
    }

    P2pNode node() {
        return node;
    }

    DirectMessages direct() {
        return direct;
    }

    /** Joins room {@code name}; its key goes to every peer met from now on (and those met already). */
    void joinRoom(String name) {
        room = EncryptedRoom.join(router, direct, name, clock, new EncryptedRoom.Listener() {
            @Override
            public void message(EncryptedRoom.Message m) {
                print(time(m.sentAt()) + " #" + TerminalText.safe(name) + " " + name(m.from()) + ": "
                        + TerminalText.safe(m.text()));
            }

            @Override
            public void unreadable(org.nexuslink.p2p.PeerId author, String reason) {
                print("unreadable " + author + " " + TerminalText.safe(reason));
            }
        });
        for (PeerConnection c : node.connections()) {
            Thread.ofVirtual().start(() -> meet(c));
        }
    }

    Optional<EncryptedRoom> room() {
        return Optional.ofNullable(room);
    }

    /**
     * Learns who the peer behind a new connection is (and gives it the room's key); prints a
     * {@code peer} line, or {@code refused} when its binding does not verify.
     */
    Optional<DirectPeer> meet(PeerConnection connection) {
        try {
            EncryptedRoom r = room;
            DirectPeer peer = r != null ? r.shareKey(connection) : direct.introduce(connection);
            print("peer " + peer.peerId() + " " + name(peer));
            return Optional.of(peer);
        } catch (IOException e) {
            print("refused " + connection.remotePeer() + " " + TerminalText.safe(String.valueOf(e.getMessage())));
            return Optional.empty();
        }
    }

    /** Announces this node and dials the peers mDNS finds, handing each to {@code found}. */
    void discover(Consumer<PeerConnection> found) throws IOException {
        mdns = MdnsDiscovery.start(node, Duration.ofSeconds(10), peer -> {
            if (node.connection(peer.peerId()).isEmpty()) {
                try {
                    found.accept(node.dial(peer.addresses().get(0).withPeerId(peer.peerId())));
                } catch (IOException | MalformedDataException e) {
                    print("dial-failed " + peer.peerId() + " " + TerminalText.safe(String.valueOf(e.getMessage())));
                }
            }
        });
    }

    /**
     * Sends a text to the peer behind {@code connection}, which must be bound to {@code account} if
     * given, and keeps it in the conversation's history.
     */
    DirectPeer sendText(PeerConnection connection, Optional<AccountId> account, String text) throws IOException {
        ChatContent content = new ChatContent.Text(text);
        DirectMessages.Outgoing outgoing = new DirectMessages.Outgoing(content.kind(), content.encode());
        DirectPeer peer = direct.send(connection, account, List.of(outgoing));
        Instant now = clock.instant();
        record(
                new StoredMessage(
                        "dm:" + peer.account(),
                        ref(outgoing.mid()),
                        me.accountId().toString(),
                        me.deviceId().value(),
                        Direction.OUT,
                        content.kind().code(),
                        now,
                        now,
                        text,
                        Optional.empty(),
                        Optional.empty(),
                        false),
                peer.account().toString());
        return peer;
    }

    /**
     * Keeps a direct message in the profile's history, in the same {@code dm:<account>} conversation
     * as community mode's (so {@code nexuslink history} shows both), making the conversation and an
     * unverified contact on first contact, as the client does. A duplicate is dropped.
     */
    private void record(StoredMessage message, String account) {
        store.transaction(() -> {
            if (store.conversations().find(message.conversationId()).isEmpty()) {
                store.conversations()
                        .save(new Conversation(
                                message.conversationId(), ConversationType.DIRECT, account, clock.instant()));
                if (store.contacts().find(account).isEmpty()) {
                    store.contacts().save(new Contact(account, Optional.empty(), false, Optional.empty()));
                }
            }
            store.messages().insertIfAbsent(message);
        });
    }

    /** A direct-mode message's ref: its 8-byte id in hex (community refs have 16 bytes, so never collide). */
    private static String ref(MessageId mid) {
        return java.util.HexFormat.of().toHexDigits(mid.value());
    }

    private void showDirect(DirectPeer from, Event event, byte[] content) {
        ChatContent.Text text;
        try {
            text = (ChatContent.Text) ChatContent.decode(event.kind(), content);
        } catch (MalformedDataException | ClassCastException e) {
            print("unreadable " + from.peerId() + " " + TerminalText.safe(String.valueOf(e.getMessage())));
            return;
        }
        Instant sentAt = event.time().orElse(clock.instant());
        if (event.mid().isPresent()) {
            record(
                    new StoredMessage(
                            "dm:" + from.account(),
                            ref(event.mid().get()),
                            from.account().toString(),
                            from.device(),
                            Direction.IN,
                            event.kind().code(),
                            sentAt,
                            clock.instant(),
                            text.text(),
                            Optional.empty(),
                            Optional.empty(),
                            false),
                    from.account().toString());
        }
        print(time(sentAt) + " @" + name(from) + ": " + TerminalText.safe(text.text()));
    }

    /**
     * How a peer is shown: its account id, the nickname this profile gave it, and whether the
     * contact is verified (the contact store community mode uses).
     */
    String name(DirectPeer peer) {
        String account = peer.account().toString();
        Optional<Contact> contact = store.contacts().find(account);
        StringBuilder name = new StringBuilder(account);
        contact.flatMap(Contact::nickname)
                .ifPresent(n -> name.append(" (").append(TerminalText.safe(n)).append(')'));
        name.append(contact.filter(Contact::verified).isPresent() ? " verified" : " unverified");
        return name.toString();
    }

    private String time(Instant at) {
        return TIME.format(at.atZone(ZoneId.systemDefault()));
    }

    void print(String line) {
        synchronized (out) {
            out.println(line);
            out.flush();
        }
    }

    @Override
    public void close() {
        try {
            if (mdns != null) {
                mdns.close();
            }
            EncryptedRoom r = room;
            if (r != null) {
                r.close();
            }
            router.close();
        } finally {
            node.close();
            store.close();
        }
    }
}
