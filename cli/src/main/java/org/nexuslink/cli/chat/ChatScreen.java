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
import org.nexuslink.cli.client.ClientFailure;
import org.nexuslink.cli.client.ConversationArg;
import org.nexuslink.cli.client.MessageView;
import org.nexuslink.cli.client.SendCommand;
import org.nexuslink.cli.client.ShownMarks;
import org.nexuslink.client.ClientListener;
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
    private final ShownMarks marks;
    private final ReentrantLock lock = new ReentrantLock();
    /** Refs displayed so far; guarded by {@link #lock}. */
    private final Set<String> displayed = new HashSet<>();
    /** Set once the history is on screen; guarded by {@link #lock}. */
    private String conversationId;
    private LineReader reader;

    ChatScreen(Terminal terminal, NexusClient client, MessageView view) {
        this.terminal = Objects.requireNonNull(terminal, "terminal");
        this.client = Objects.requireNonNull(client, "client");
        this.view = Objects.requireNonNull(view, "view");
        this.marks = new ShownMarks(client.store().settings());
    }

    void run(ConversationArg target, int historyLines) throws IOException {
        reader = LineReaderBuilder.builder().terminal(terminal).appName("nexuslink").build();
        client.addListener(new ClientListener() {
            @Override
            public void onMessage(StoredMessage message) {
                lock.lock();
                try {
                    if (message.conversationId().equals(conversationId)) {
                        display(message);
                    }
                } finally {
                    lock.unlock();
                }
            }

            @Override
            public void onRevoked(String conversation, String ref, String by) {
                if (conversation.equals(current())) {
                    print(TerminalText.safe("-- [" + ref + "] was revoked by " + label(by)));
                }
            }

            @Override
            public void onConnection(boolean connected) {
                print(connected ? "-- connected" : "-- connection lost; reconnecting");
            }

            @Override
            public void onRejected(String sender, String reason, boolean identityChanged) {
                print(TerminalText.safe("-- a message from " + label(sender) + " was rejected: " + reason));
            }

            @Override
            public void onKeyTransparencyWarning(String account, String reason, String message) {
                print(TerminalText.safe("-- WARNING, key transparency (" + reason + ") for " + label(account) + ": "
                        + message));
            }
        });
        terminal.writer().println("Connecting to " + client.community().map(Object::toString).orElse("?") + " ...");
        terminal.flush();
        client.connect();
        String id = SendCommand.resolve(client, target);
        terminal.writer().println("Chat in " + id + ". " + HELP);
        terminal.flush();
        // The client stores a message before it tells the listener, so under the lock every
        // message is either in this history or displayed by the listener afterwards. The store is
        // read directly: asking the client's worker here could wait on a listener waiting on us.
        lock.lock();
        try {
            for (StoredMessage m : client.store().messages().history(id, historyLines)) {
                display(m);
            }
            conversationId = id;
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
        String conversationId = current();
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
                String ref = SendCommand.cleanRef(parts[1]);
                SendCommand.requireMessage(client, conversationId, ref);
                display(client.sendText(conversationId, parts[2], Optional.of(ref)));
            }
            case "/revoke" -> {
                if (parts.length != 2) {
                    throw new ClientFailure("usage: /revoke REF");
                }
                String ref = SendCommand.cleanRef(parts[1]);
                SendCommand.requireMessage(client, conversationId, ref);
                client.revoke(conversationId, ref);
                print("-- [" + ref + "] revoked");
            }
            case "/file" -> {
                if (parts.length < 2) {
                    throw new ClientFailure("usage: /file PATH [MIME]");
                }
                Path file = Path.of(parts[1]);
                if (!Files.isRegularFile(file)) {
                    throw new ClientFailure("no such file: " + file);
                }
                String mime = parts.length == 3 ? parts[2].strip()
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
            print(view.shortLine(m, m.senderAccount().equals(client.device().accountId())
                    ? (m.senderDevice() == client.device().deviceId() ? "me" : "me (device " + m.senderDevice() + ")")
                    : label(m.senderAccount())));
            marks.markShown(m);
        } finally {
            lock.unlock();
        }
    }

    private String current() {
        lock.lock();
        try {
            return conversationId;
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

    /** An account shortened for the screen: nxl: and the first 8 characters. */
    private static String label(String account) {
        return account.length() > 12 ? account.substring(0, 12) + "…" : account;
    }
}
