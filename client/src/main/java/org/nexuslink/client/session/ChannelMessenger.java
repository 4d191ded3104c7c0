// SPDX-License-Identifier: AGPL-3.0-or-later
package org.nexuslink.client.session;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import org.nexuslink.client.LocalDevice;
import org.nexuslink.client.community.GatewayConnection;
import org.nexuslink.client.content.Content;
import org.nexuslink.client.content.ContentException;
import org.nexuslink.client.content.Payload;
import org.nexuslink.client.content.PayloadCodec;
import org.nexuslink.client.store.ProfileStore;
import org.nexuslink.client.store.SignalStore;
import org.nexuslink.protocol.Ack;
import org.nexuslink.protocol.Bytes;
import org.nexuslink.protocol.Command;
import org.nexuslink.protocol.ConversationId;
import org.nexuslink.protocol.Envelope;
import org.nexuslink.protocol.EnvelopeCodec;
import org.nexuslink.protocol.Event;
import org.nexuslink.protocol.Extensions;
import org.nexuslink.protocol.Kind;
import org.nexuslink.protocol.RawValue;
import org.nexuslink.protocol.Tag;
import org.nexuslink.protocol.api.ChannelsApi;
import org.nexuslink.protocol.api.MembersApi;
import org.signal.libsignal.protocol.NoSessionException;
import org.signal.libsignal.protocol.SignalProtocolAddress;
import org.signal.libsignal.protocol.groups.GroupCipher;
import org.signal.libsignal.protocol.groups.GroupSessionBuilder;
import org.signal.libsignal.protocol.message.SenderKeyDistributionMessage;

/**
 * Channel messages end to end with Sender Keys (libsignal's group cipher, docs/client.md): each
 * device encrypts a channel event once with its own sender key and hands that key to every
 * reader's devices over the 1:1 sessions. When an account that had the key may no longer read
 * the channel (removed, banned, left), the next send starts a new sender key (a new distribution
 * id) and gives it only to the current readers, so the removed account cannot read what follows.
 *
 * <p>Not thread-safe: the client calls it from one thread at a time.
 */
public final class ChannelMessenger {
    /** Events kept for a sender key that has not arrived yet, at most. */
    static final int MAX_WAITING = 1000;
    /** Members fetched per page when listing a channel's readers (the server's maximum). */
    private static final int MEMBER_PAGE = 500;

    private static final String STATE = "senderkey:";
    private static final String WAITING = "channel.waiting_events";
    private static final EnvelopeCodec CODEC = new EnvelopeCodec();

    private final ProfileStore store;
    private final SignalStore signal;
    private final LocalDevice me;
    private final DirectMessenger direct;
    private final Clock clock;
    private final SecureRandom random = new SecureRandom();
    /** The authors of recent events (see {@link KnownAddresses}). */
    private final KnownAddresses authors = new KnownAddresses(1_024);

    public ChannelMessenger(ProfileStore store, LocalDevice me, DirectMessenger direct, Clock clock) {
        this.store = Objects.requireNonNull(store, "store");
        this.signal = store.signal();
        this.me = Objects.requireNonNull(me, "me");
        this.direct = Objects.requireNonNull(direct, "direct");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /** What the server assigned to a sent channel event. */
    public record Sent(long mid, Instant time) {}

    /** A channel event for {@link #sendAll}. */
    public record Outgoing(UUID channel, Payload payload, List<Tag> tags) {
        public Outgoing {
            Objects.requireNonNull(channel, "channel");
            Objects.requireNonNull(payload, "payload");
            tags = List.copyOf(tags);
        }
    }

    /**
     * Sends channel events (one or several) for one commit. Each channel's sender key is first
     * given to the readers who lack it, once per channel (and a new one started if a former reader
     * lost access); then every event is encrypted in one transaction, each in a savepoint of its
     * own, committed before any ciphertext leaves; the requests go out together and the answers
     * are read in order. A refusal ({@code forbidden} with the permission's reason, say) fails its
     * event alone.
     *
     * @return per event, in order, completed: what the server assigned, or why it failed
     * @throws RuntimeException when the transaction itself fails: nothing was sent
     */
    public List<CompletableFuture<Sent>> sendAll(Wire wire, List<Outgoing> events) throws InterruptedException {
        int n = events.size();
        List<CompletableFuture<Sent>> results = new ArrayList<>(n);
        Map<UUID, UUID> distributions = new HashMap<>();
        Map<UUID, IOException> undistributed = new HashMap<>();
        for (Outgoing event : events) {
            results.add(new CompletableFuture<>());
            UUID channel = event.channel();
            if (!distributions.containsKey(channel) && !undistributed.containsKey(channel)) {
                try {
                    distributions.put(channel, distribute(wire, channel));
                } catch (IOException e) {
                    undistributed.put(channel, e);
                }
            }
        }
        List<Event> encrypted = store.inTransaction(() -> {
            List<Event> all = new ArrayList<>(n);
            for (int i = 0; i < n; i++) {
                Outgoing event = events.get(i);
                UUID distribution = distributions.get(event.channel());
                if (distribution == null) {
                    results.get(i).completeExceptionally(undistributed.get(event.channel()));
                    all.add(null);
                    continue;
                }
                // The channel goes inside the ciphertext: readers refuse the event anywhere else.
                byte[] plaintext = PayloadCodec.encode(event.payload().inChannel(event.channel()));
                try {
                    byte[] ciphertext = store.inSavepoint(() -> new GroupCipher(signal, me.address())
                            .encrypt(distribution, plaintext)
                            .serialize());
                    all.add(Event.of(
                                    ConversationId.of(event.channel()),
                                    new Kind(event.payload().content().kind()),
                                    Bytes.of(ciphertext))
                            .withTags(event.tags()));
                } catch (NoSessionException e) {
                    results.get(i)
                            .completeExceptionally(new IOException("no sender key for channel " + event.channel(), e));
                    all.add(null);
                }
            }
            return all;
        });
        List<CompletableFuture<Envelope>> replies = new ArrayList<>(n);
        for (Event event : encrypted) {
            replies.add(event == null ? null : wire.gateway().requestAsync(Command.SEND_EVENT, event));
        }
        for (int i = 0; i < n; i++) {
            if (replies.get(i) == null) {
                continue;
            }
            try {
                Ack ack = (Ack) GatewayConnection.await(Command.SEND_EVENT, replies.get(i))
                        .body();
                results.get(i)
                        .complete(new Sent(
                                ack.mid().orElseThrow().value(), ack.time().orElse(clock.instant())));
            } catch (IOException e) {
                results.get(i).completeExceptionally(e);
            }
        }
        return results;
    }

    /**
     * Decrypts a stored channel event.
     *
     * @return empty when the author's sender key has not arrived yet: the event is kept and
     *     {@link #retryWaiting} opens it once the key comes
     * @throws RejectedMessageException when it can never be read (no author, malformed, corrupt)
     */
    public Optional<Received> open(Event event) throws RejectedMessageException {
        Author writer = authorOf(event)
                .orElseThrow(() -> new RejectedMessageException(
                        "event " + event.mid() + " does not name its author", false, null));
        SignalProtocolAddress author = authors.of(writer.account(), writer.device());
        byte[] plaintext;
        try {
            plaintext = new GroupCipher(signal, author).decrypt(event.data().toByteArray());
        } catch (NoSessionException e) {
            keepWaiting(event);
            return Optional.empty();
        } catch (Exception e) {
            throw new RejectedMessageException(
                    "cannot decrypt event " + event.mid().orElseThrow() + " of " + author + ": "
                            + e.getClass().getSimpleName(),
                    false,
                    e);
        }
        Payload payload;
        try {
            payload = PayloadCodec.decode(plaintext);
        } catch (ContentException e) {
            throw new RejectedMessageException("malformed event from " + author + ": " + e.getMessage(), false, e);
        }
        if (payload.content().kind() != event.kind().code()) {
            throw new RejectedMessageException(
                    "event " + event.mid().orElseThrow() + " says kind "
                            + event.kind().code() + " outside and "
                            + payload.content().kind() + " inside",
                    false,
                    null);
        }
        checkBinding(event, payload);
        return Optional.of(new Received(
                conversationId(event.cid()),
                Long.toString(event.mid().orElseThrow().value()),
                writer.account(),
                writer.device(),
                event.time().orElseThrow(),
                payload));
    }

    /**
     * Refuses an event whose encrypted payload does not belong where the server put it: written
     * for another channel (a ciphertext copied from one channel into another), or a revoke whose
     * encrypted target is not the {@code [6, mid]} tag the server checked (a writer who tags their
     * own message to pass the server's check while the payload names someone else's). A sender
     * key travels over 1:1 sessions only, never as a channel event.
     */
    private static void checkBinding(Event event, Payload payload) throws RejectedMessageException {
        long mid = event.mid().orElseThrow().value();
        UUID arrivedIn = channelOf(event.cid());
        if (payload.channel().isEmpty()) {
            throw new RejectedMessageException(
                    "event " + mid + " in channel " + arrivedIn
                            + " names no channel inside (written before channel binding, or forged)",
                    false,
                    null);
        }
        if (!payload.channel().get().equals(arrivedIn)) {
            throw new RejectedMessageException(
                    "event " + mid + " arrived in channel " + arrivedIn + " but was written for channel "
                            + payload.channel().get(),
                    false,
                    null);
        }
        switch (payload.content()) {
            case Content.Revoke revoke -> {
                List<Long> tagged = event.tags().stream()
                        .flatMap(t -> t instanceof Tag.Revoke r
                                ? java.util.stream.Stream.of(r.target().value())
                                : java.util.stream.Stream.empty())
                        .toList();
                if (tagged.size() != 1 || !Long.toString(tagged.getFirst()).equals(revoke.target())) {
                    throw new RejectedMessageException(
                            "revoke event " + mid + " is tagged to revoke " + tagged + " but its payload names "
                                    + revoke.target(),
                            false,
                            null);
                }
            }
            case Content.SenderKey key ->
                throw new RejectedMessageException(
                        "event " + mid + " carries a sender key, which travels only over 1:1 sessions", false, null);
            case Content.Text text -> {}
            case Content.File file -> {}
        }
    }

    /** Takes a sender key that arrived over a 1:1 session from its owner. */
    public void accept(Received from, Content.SenderKey key) throws RejectedMessageException {
        try {
            new GroupSessionBuilder(signal)
                    .process(
                            new SignalProtocolAddress(from.senderAccount(), from.senderDevice()),
                            new SenderKeyDistributionMessage(key.distribution().toByteArray()));
        } catch (Exception e) {
            throw new RejectedMessageException("malformed sender key from " + from.senderAccount(), false, e);
        }
    }

    /** Opens the kept events that can now be read, and drops them from the waiting list. */
    public List<Received> retryWaiting() {
        List<Event> waiting = waiting();
        if (waiting.isEmpty()) {
            return List.of();
        }
        store.settings().delete(WAITING);
        List<Received> opened = new ArrayList<>();
        for (Event event : waiting) {
            try {
                open(event).ifPresent(opened::add);
            } catch (RejectedMessageException e) {
                // It will never open; dropping it is all that can be done.
            }
        }
        return opened;
    }

    /** The conversation id of a channel: {@code ch:<uuid>}. */
    public static String conversationId(ConversationId cid) {
        return "ch:" + channelOf(cid);
    }

    /** The channel a conversation id names (16 bytes, the channel's UUID). */
    private static UUID channelOf(ConversationId cid) {
        ByteBuffer b = ByteBuffer.wrap(cid.value().toByteArray());
        return new UUID(b.getLong(), b.getLong());
    }

    /** Whether this very device wrote the event (its own echo, already filed when the ack came). */
    public boolean isOwn(Event event) {
        return authorOf(event)
                .filter(a -> a.device() == me.deviceId() && a.account().equals(me.accountId()))
                .isPresent();
    }

    /** The device that wrote an event. */
    private record Author(String account, int device) {}

    /** The author the server stamped into the event ({@code ext} 1 and 2), if both are there. */
    private static Optional<Author> authorOf(Event event) {
        Optional<String> account = event.ext().get(Extensions.AUTHOR).flatMap(RawValue::asString);
        var device = event.ext().get(Extensions.AUTHOR_DEVICE).map(RawValue::asUnsigned);
        if (account.isEmpty() || device.isEmpty() || device.get().isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(new Author(account.get(), (int) device.get().getAsLong()));
    }

    /**
     * Makes sure every current reader's devices hold this device's sender key for the channel,
     * starting a new key when someone who had it may no longer read. Returns the distribution id.
     */
    private UUID distribute(Wire wire, UUID channel) throws IOException, InterruptedException {
        Set<String> readers = readers(wire, channel);
        State state = state(channel).orElse(null);
        if (state == null || !readers.containsAll(state.accounts())) {
            state = new State(new UUID(random.nextLong(), random.nextLong()), Set.of());
        }
        SenderKeyDistributionMessage key = new GroupSessionBuilder(signal).create(me.address(), state.distribution());
        Set<String> given = new LinkedHashSet<>(state.accounts());
        Payload payload = new Payload(
                new Content.SenderKey(channel, Bytes.of(key.serialize())),
                clock.instant(),
                Optional.empty(),
                Optional.empty());
        for (String reader : readers) {
            if (given.contains(reader)) {
                continue;
            }
            try {
                direct.send(wire, reader, randomId(), payload);
                given.add(reader);
            } catch (DirectMessenger.UnreachableException e) {
                // No bundle yet: the reader gets the key with a later send.
            }
        }
        save(channel, new State(state.distribution(), given));
        return state.distribution();
    }

    /**
     * Accounts that may read the channel, from the server's channel and member lists: members
     * whose role may read, restricted to the member list (plus admins) for a private channel.
     */
    private Set<String> readers(Wire wire, UUID channel) throws IOException, InterruptedException {
        ChannelsApi.ChannelView info = wire.api().channel(channel.toString(), wire.token());
        Set<String> listed = null;
        if (info.isPrivate()) {
            listed = new LinkedHashSet<>();
            for (ChannelsApi.MemberEntry m :
                    wire.api().channelMembers(channel.toString(), wire.token()).members()) {
                listed.add(m.accountId());
            }
        }
        Set<String> readers = new LinkedHashSet<>();
        Optional<String> after = Optional.empty();
        do {
            MembersApi.MemberPage page = after.isEmpty()
                    ? wire.api().members(MEMBER_PAGE, wire.token())
                    : wire.api().members(after.get(), MEMBER_PAGE, wire.token());
            for (MembersApi.MemberView m : page.members()) {
                String role = m.role();
                String account = m.accountId();
                if ("active".equals(m.status())
                        && may(info, role, ChannelsApi.PermissionRow::canRead)
                        && (listed == null || listed.contains(account) || "admin".equals(role))) {
                    readers.add(account);
                }
            }
            after = page.next();
        } while (after.isPresent());
        readers.add(me.accountId()); // our other devices read what we write
        return readers;
    }

    /**
     * Whether {@code account} may revoke other members' events in a channel, as the server's
     * channel and member lists say now: an active member whose role has {@code can_manage} there
     * and, in a private channel, is on its list or an admin (docs/permissions.md). The server
     * checks the same before it stores a revoke; readers check again so that a revoke the server
     * should have refused is not applied.
     */
    public boolean mayManage(Wire wire, UUID channel, String account) throws IOException, InterruptedException {
        ChannelsApi.ChannelView info = wire.api().channel(channel.toString(), wire.token());
        Optional<MembersApi.MemberView> member = member(wire, account);
        if (member.isEmpty() || !"active".equals(member.get().status())) {
            return false;
        }
        String role = member.get().role();
        if (!may(info, role, ChannelsApi.PermissionRow::canManage)) {
            return false;
        }
        if (!info.isPrivate() || "admin".equals(role)) {
            return true;
        }
        for (ChannelsApi.MemberEntry m :
                wire.api().channelMembers(channel.toString(), wire.token()).members()) {
            if (account.equals(m.accountId())) {
                return true;
            }
        }
        return false;
    }

    /** One account's entry in the server's member list, if it is there. */
    private static Optional<MembersApi.MemberView> member(Wire wire, String account)
            throws IOException, InterruptedException {
        Optional<String> after = Optional.empty();
        do {
            MembersApi.MemberPage page = after.isEmpty()
                    ? wire.api().members(MEMBER_PAGE, wire.token())
                    : wire.api().members(after.get(), MEMBER_PAGE, wire.token());
            for (MembersApi.MemberView m : page.members()) {
                if (account.equals(m.accountId())) {
                    return Optional.of(m);
                }
            }
            after = page.next();
        } while (after.isPresent());
        return Optional.empty();
    }

    /** Whether the channel's permission row for {@code role} grants what {@code right} reads (absent: no). */
    private static boolean may(
            ChannelsApi.ChannelView channel,
            String role,
            java.util.function.Function<ChannelsApi.PermissionRow, Boolean> right) {
        ChannelsApi.PermissionRow row = channel.permissions().get(role);
        return row != null && Boolean.TRUE.equals(right.apply(row));
    }

    private Bytes randomId() {
        byte[] id = new byte[16];
        random.nextBytes(id);
        return Bytes.of(id);
    }

    /** This device's sender key for a channel: its distribution id and who has been given it. */
    private record State(UUID distribution, Set<String> accounts) {}

    private Optional<State> state(UUID channel) {
        return store.settings().get(STATE + channel).map(bytes -> {
            try (DataInputStream in = new DataInputStream(new java.io.ByteArrayInputStream(bytes))) {
                UUID distribution = new UUID(in.readLong(), in.readLong());
                int count = in.readInt();
                Set<String> accounts = new LinkedHashSet<>();
                for (int i = 0; i < count; i++) {
                    accounts.add(in.readUTF());
                }
                return new State(distribution, accounts);
            } catch (IOException e) {
                throw new java.io.UncheckedIOException("corrupt sender key state for channel " + channel, e);
            }
        });
    }

    private void save(UUID channel, State state) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeLong(state.distribution().getMostSignificantBits());
            out.writeLong(state.distribution().getLeastSignificantBits());
            out.writeInt(state.accounts().size());
            for (String account : state.accounts()) {
                out.writeUTF(account);
            }
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        store.settings().put(STATE + channel, bytes.toByteArray());
    }

    private void keepWaiting(Event event) {
        List<Event> waiting = new ArrayList<>(waiting());
        if (waiting.stream()
                .anyMatch(e -> e.cid().equals(event.cid()) && e.mid().equals(event.mid()))) {
            return;
        }
        waiting.add(event);
        while (waiting.size() > MAX_WAITING) {
            waiting.removeFirst();
        }
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            for (Event e : waiting) {
                byte[] encoded = CODEC.encodeEvent(e);
                out.writeInt(encoded.length);
                out.write(encoded);
            }
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        store.settings().put(WAITING, bytes.toByteArray());
    }

    private List<Event> waiting() {
        byte[] bytes = store.settings().get(WAITING).orElse(new byte[0]);
        List<Event> events = new ArrayList<>();
        ByteBuffer in = ByteBuffer.wrap(bytes);
        while (in.remaining() >= 4) {
            byte[] encoded = new byte[in.getInt()];
            in.get(encoded);
            events.add(CODEC.decodeEvent(encoded));
        }
        return events;
    }
}
