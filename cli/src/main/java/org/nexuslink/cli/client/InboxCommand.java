// SPDX-License-Identifier: AGPL-3.0-or-later
package org.nexuslink.cli.client;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.ZoneId;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import org.nexuslink.cli.TerminalText;
import org.nexuslink.client.ClientEvent;
import org.nexuslink.client.Conversation;
import org.nexuslink.client.ConversationSummary;
import org.nexuslink.client.NexusClient;
import org.nexuslink.client.store.Direction;
import org.nexuslink.client.store.StoredMessage;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code nexuslink inbox}: connects, fetches what waited (direct messages and channel events
 * since the cursors), prints every received message not shown before, and with
 * {@code --follow} keeps printing as messages arrive, across reconnections, until interrupted.
 */
@Command(
        name = "inbox",
        mixinStandardHelpOptions = true,
        description = {
            "Fetch and show new messages; with --follow keep showing them as they arrive (Ctrl-C stops).",
            "Each message shows its conversation, ref (for --reply-to and revoke), sender, time and text or file."
        })
public final class InboxCommand extends ClientCommand {
    /** How many of a conversation's latest messages the inbox looks through for unshown ones. */
    static final int SCAN_LIMIT = 1000;

    @Option(names = "--follow", description = "Keep running and print messages as they arrive.")
    boolean follow;

    @Option(names = "--json", description = "One JSON object per line (type message or revoked).")
    boolean json;

    @Option(names = "--ids", description = "Show account and channel ids instead of display names.")
    boolean ids;

    @Option(
            names = "--save-files",
            paramLabel = "DIR",
            description = "Download, verify and decrypt received files into DIR.")
    Path saveFiles;

    /** What the listener hands to the printing thread: the listener runs on the client's worker. */
    private sealed interface Item {
        record Message(StoredMessage message) implements Item {}

        record Revoked(String conversation, String ref, String by) implements Item {}

        record Connection(boolean up) implements Item {}

        record Rejected(String sender, String reason) implements Item {}

        record Removed() implements Item {}
    }

    @Override
    protected void run() throws Exception {
        if (saveFiles != null) {
            Files.createDirectories(saveFiles);
        }
        BlockingQueue<Item> queue = new LinkedBlockingQueue<>();
        try (Session session = session(true)) {
            NexusClient client = session.client();
            ShownMarks marks = new ShownMarks(client.store().settings());
            client.subscribe(event -> {
                switch (event) {
                    case ClientEvent.MessageReceived m -> queue.add(new Item.Message(m.message()));
                    case ClientEvent.MessageRevoked r ->
                        queue.add(new Item.Revoked(
                                r.conversation().id(),
                                r.ref().text(),
                                r.revoker().map(Object::toString).orElse("moderator")));
                    case ClientEvent.ConnectionChanged c -> queue.add(new Item.Connection(c.connected()));
                    case ClientEvent.MessageRejected r ->
                        queue.add(new Item.Rejected(
                                r.sender().toString(),
                                (r.identityChanged() ? "its identity key changed: " : "") + r.reason()));
                    case ClientEvent.SafetyNumberChanged k -> {} // printed by every client command
                    case ClientEvent.DeviceRemoved d -> queue.add(new Item.Removed());
                    case ClientEvent.KeyLogRefused k -> {} // printed by every client command
                    case ClientEvent.OwnKeysChanged k -> {} // printed by every client command
                }
            });
            client.connect();
            MessageView view = new MessageView(ZoneId.systemDefault(), labels(client, ids, true));
            // What earlier commands stored but nobody showed yet, oldest first.
            List<StoredMessage> unshown = client.conversations().stream()
                    .map(ConversationSummary::conversation)
                    .flatMap(c -> history(client, c).stream())
                    .filter(m -> fromElsewhere(client, m) && !marks.isShown(m.conversationId(), m.ref()))
                    .sorted(Comparator.comparing(StoredMessage::sentAt))
                    .toList();
            for (StoredMessage m : unshown) {
                show(client, marks, view, m);
            }
            // Messages the listener queued during connect() are in the store and shown above, or
            // (when they came after the scan) come next; marks keep each one to one line.
            if (!follow) {
                Item item;
                while ((item = queue.poll()) != null) {
                    handle(client, marks, view, item);
                }
                return;
            }
            // Ctrl-C or SIGTERM: close the connection and the store cleanly before the JVM exits.
            Runtime.getRuntime().addShutdownHook(new Thread(session::close, "nexuslink-inbox-stop"));
            while (true) {
                handle(client, marks, view, queue.take());
            }
        }
    }

    /** Received, or sent by another device of this account. */
    public static boolean fromElsewhere(NexusClient client, StoredMessage m) {
        return m.direction() == Direction.IN
                || m.senderDevice() != client.device().deviceId();
    }

    private static List<StoredMessage> history(NexusClient client, Conversation conversation) {
        try {
            return client.history(conversation, SCAN_LIMIT);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private void handle(NexusClient client, ShownMarks marks, MessageView view, Item item) throws Exception {
        switch (item) {
            // Received, or sent by another device of this account: both are news here.
            case Item.Message m -> show(client, marks, view, m.message());
            case Item.Revoked r -> {
                out().println(
                                json
                                        ? view.revokedJson(r.conversation(), r.ref(), r.by())
                                        : view.revokedLine(r.conversation(), r.ref(), r.by()));
                out().flush();
            }
            case Item.Connection c -> {
                if (!follow) {
                    return;
                }
                err().println(c.up() ? "nexuslink: connected" : "nexuslink: connection lost; reconnecting");
                err().flush();
            }
            case Item.Removed r -> {
                err().println("nexuslink: this device was removed from its account; it receives nothing more");
                err().flush();
            }
            case Item.Rejected r -> {
                err().println(TerminalText.safe("nexuslink: a message from "
                        + view.labels().account(r.sender()) + " was rejected: " + r.reason()));
                err().flush();
            }
        }
    }

    private void show(NexusClient client, ShownMarks marks, MessageView view, StoredMessage m) throws Exception {
        if (marks.isShown(m.conversationId(), m.ref())) {
            return;
        }
        Optional<Path> saved = Optional.empty();
        if (saveFiles != null && MessageView.file(m).isPresent()) {
            saved = Optional.of(client.saveFile(m, saveFiles));
        }
        out().println(json ? view.json(m, saved) : view.line(m, saved));
        out().flush();
        marks.markShown(m);
    }
}
