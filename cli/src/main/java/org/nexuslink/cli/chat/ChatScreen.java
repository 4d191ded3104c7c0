// SPDX-License-Identifier: AGPL-3.0-or-later
package org.nexuslink.cli.chat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.locks.ReentrantLock;
import org.jline.reader.EndOfFileException;
import org.jline.reader.LineReader;
import org.jline.reader.LineReaderBuilder;
import org.jline.reader.UserInterruptException;
import org.jline.terminal.Terminal;
import org.nexuslink.cli.TerminalText;
import org.nexuslink.cli.client.ClientCommand;
import org.nexuslink.cli.client.ClientFailure;
import org.nexuslink.cli.client.ConversationArg;
import org.nexuslink.cli.client.Labels;
import org.nexuslink.cli.client.MessageView;
import org.nexuslink.cli.client.SendCommand;
import org.nexuslink.cli.client.ShownMarks;
import org.nexuslink.client.ClientEvent;
import org.nexuslink.client.Conversation;
import org.nexuslink.client.MessageRef;
import org.nexuslink.client.NexusClient;
import org.nexuslink.client.store.StoredMessage;

/**
 * The chat's screen: JLine's line reader keeps the input line at the bottom while messages from
 * the client's worker thread are printed above it ({@link LineReader#printAbove}), which is safe
 * from any thread. One screen per terminal; the lock guards which refs were displayed.
 */
final class ChatScreen {
    static final String HELP = "Type to send. /reply REF TEXT, /revoke REF, /file PATH [MIME], /help, /quit";

    private final Terminal terminal;
    private final NexusClient client;
    private final MessageView view;
    private final Labels labels;
    private final ShownMarks marks;
    private final ReentrantLock lock = new ReentrantLock();
    /** Refs displayed so far; guarded by {@link #lock}. */
    private final Set<String> displayed = new HashSet<>();
    /** Set once the history is on screen; guarded by {@link #lock}. */
    private Conversation conversation;

    private LineReader reader;

    ChatScreen(Terminal terminal, NexusClient client, MessageView view) {
        this.terminal = Objects.requireNonNull(terminal, "terminal");
        this.client = Objects.requireNonNull(client, "client");
        this.view = Objects.requireNonNull(view, "view");
        this.labels = view.labels();
        this.marks = new ShownMarks(client.store().settings());
    }

    void run(ConversationArg target, int historyLines) throws IOException {
        reader = LineReaderBuilder.builder()
                .terminal(terminal)
                .appName("nexuslink")
                .build();
        client.subscribe(event -> {
            switch (event) {
                case ClientEvent.MessageReceived m -> {
                    lock.lock();
                    try {
                        if (Conversation.of(m.message()).equals(conversation)) {
                            display(m.message());
                        }
                    } finally {
                        lock.unlock();
                    }
                }
                case ClientEvent.MessageRevoked r -> {
                    if (r.conversation().equals(current())) {
                        print(TerminalText.safe("-- [" + r.ref().text() + "] was revoked by "
                                + r.revoker().map(a -> label(a.toString())).orElse("a moderator")));
                    }
                }
                case ClientEvent.ConnectionChanged c ->
                    print(c.connected() ? "-- connected" : "-- connection lost; reconnecting");
                case ClientEvent.MessageRejected r ->
                    print(TerminalText.safe(
                            "-- a message from " + label(r.sender().toString()) + " was rejected: " + r.reason()));
                case ClientEvent.SafetyNumberChanged k -> {} // every client command prints it
                case ClientEvent.DeviceRemoved d -> print("-- this device was removed from its account");
                case ClientEvent.KeyLogRefused k ->
                    print(TerminalText.safe("-- WARNING, key transparency ("
                            + ClientCommand.reasonName(k.reason()) + ") for "
                            + label(k.account().toString()) + ": "
                            + k.message()));
                case ClientEvent.OwnKeysChanged k ->
                    print(TerminalText.safe(
                            "-- WARNING, key transparency: your account's keys changed: " + k.message()));
            }
        });
        terminal.writer()
                .println("Connecting to "
                        + client.community().map(Object::toString).orElse("?") + " ...");
        terminal.flush();
        client.connect();
        Conversation id = SendCommand.resolve(client, target);
        terminal.writer().println("Chat in " + labels.conversation(id) + ". " + HELP);
        terminal.flush();
        // The client stores a message before it tells the listener, so under the lock every
        // message is either in this history or displayed by the listener afterwards. The store is
        // read directly: asking the client's worker here could wait on a listener waiting on us.
        lock.lock();
        try {
            for (StoredMessage m : client.store().messages().history(id.id(), historyLines)) {
                display(m);
            }
            conversation = id;
        } finally {
            lock.unlock();
        }
        while (true) {
            String line;
            try {
                line = reader.readLine("> ");
            } catch (UserInterruptException | EndOfFileException e) {
                return;
            }
            if (line == null) {
                return;
            }
            String text = line.strip();
            if (text.isEmpty()) {
                continue;
            }
            try {
                if (!handle(text)) {
                    return;
                }
            } catch (ClientFailure | IOException | IllegalArgumentException | IllegalStateException e) {
                print("error: " + TerminalText.safe(String.valueOf(e.getMessage())));
            }
        }
    }

    /** Acts on one typed line; false to quit. */
    private boolean handle(String text) throws IOException {
        Conversation conversationId = current();
        if (!text.startsWith("/")) {
            display(client.sendText(current(), text, Optional.empty()));
            return true;
        }
        String[] parts = text.split("\\s+", 3);
        switch (parts[0]) {
            case "/quit", "/exit" -> {
                return false;
            }
            case "/help" -> print(HELP);
            case "/reply" -> {
                if (parts.length < 3) {
                    throw new ClientFailure("usage: /reply REF TEXT");
                }
                StoredMessage target =
                        SendCommand.requireMessage(client, conversationId, SendCommand.cleanRef(parts[1]));
                display(client.sendText(conversationId, parts[2], Optional.of(MessageRef.of(target))));
            }
            case "/revoke" -> {
                if (parts.length != 2) {
                    throw new ClientFailure("usage: /revoke REF");
                }
                StoredMessage target =
                        SendCommand.requireMessage(client, conversationId, SendCommand.cleanRef(parts[1]));
                client.revoke(conversationId, MessageRef.of(target));
                print("-- [" + target.ref() + "] revoked");
            }
            case "/file" -> {
                if (parts.length < 2) {
                    throw new ClientFailure("usage: /file PATH [MIME]");
                }
                Path file = Path.of(parts[1]);
                if (!Files.isRegularFile(file)) {
                    throw new ClientFailure("no such file: " + file);
                }
                String mime = parts.length == 3
                        ? parts[2].strip()
                        : Optional.ofNullable(Files.probeContentType(file)).orElse("application/octet-stream");
                display(client.sendFile(conversationId, file, mime, Optional.empty()));
            }
            default -> print("unknown command " + parts[0] + ". " + HELP);
        }
        return true;
    }

    private void display(StoredMessage m) {
        lock.lock();
        try {
            if (!displayed.add(m.ref())) {
                return;
            }
            print(view.shortLine(
                    m,
                    m.senderAccount().equals(client.device().accountId())
                            ? (m.senderDevice() == client.device().deviceId()
                                    ? "me"
                                    : "me (device " + m.senderDevice() + ")")
                            : label(m.senderAccount())));
            marks.markShown(m);
        } finally {
            lock.unlock();
        }
    }

    private Conversation current() {
        lock.lock();
        try {
            return conversation;
        } finally {
            lock.unlock();
        }
    }

    private void print(String line) {
        if (reader != null && reader.isReading()) {
            reader.printAbove(line);
        } else {
            terminal.writer().println(line);
            terminal.flush();
        }
    }

    /** An account by its display name, else shortened for the screen: nxl: and the first 8 characters. */
    private String label(String account) {
        String label = labels.account(account);
        return label.equals(account) && account.length() > 12 ? account.substring(0, 12) + "…" : label;
    }
}
