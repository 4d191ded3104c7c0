// SPDX-License-Identifier: AGPL-3.0-or-later
package org.nexuslink.cli.client;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Path;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.Optional;
import org.nexuslink.cli.TerminalText;
import org.nexuslink.client.media.AttachmentException;
import org.nexuslink.client.media.FileDescriptor;
import org.nexuslink.client.store.StoredMessage;

/**
 * How the CLI shows a message: one human line, or one JSON object for scripts. A revoked
 * message shows {@code [revoked]}, never its text (the store erased it anyway).
 */
public final class MessageView {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss");

    private final ZoneId zone;
    private final Labels labels;

    /** @param labels how accounts and conversations are named on the human lines */
    public MessageView(ZoneId zone, Labels labels) {
        this.zone = zone;
        this.labels = labels;
    }

    /** How this view names accounts and conversations. */
    public Labels labels() {
        return labels;
    }

    /** The file a kind-3 message describes, if it carries a readable descriptor. */
    public static Optional<FileDescriptor> file(StoredMessage m) {
        if (m.revoked() || m.attachment().isEmpty()) {
            return Optional.empty();
        }
        try {
            return Optional.of(FileDescriptor.decode(m.attachment().get()));
        } catch (AttachmentException e) {
            return Optional.empty();
        }
    }

    /** The body as a chat shows it: text, {@code [file name (size, mime)]}, or {@code [revoked]}. */
    public static String body(StoredMessage m) {
        if (m.revoked()) {
            return "[revoked]";
        }
        Optional<FileDescriptor> file = file(m);
        if (file.isPresent()) {
            FileDescriptor d = file.get();
            String caption = m.text().isEmpty() ? "" : " " + TerminalText.safe(m.text());
            return "[file " + TerminalText.safe(d.name()) + " (" + d.size() + " bytes, " + TerminalText.safe(d.mime())
                    + ")]" + caption;
        }
        return TerminalText.safe(m.text());
    }

    /** One line: time, conversation, ref, sender, reply marker, body (and where a file was saved). */
    public String line(StoredMessage m, Optional<Path> saved) {
        StringBuilder b = new StringBuilder();
        b.append(TIME.format(m.sentAt().atZone(zone)))
                .append("  ")
                .append(TerminalText.safe(labels.conversation(m.conversationId())))
                .append("  [")
                .append(TerminalText.safe(m.ref()))
                .append("]  ")
                .append(TerminalText.safe(labels.account(m.senderAccount())))
                .append(':')
                .append(m.senderDevice())
                .append(": ");
        m.replyTo()
                .ifPresent(
                        r -> b.append("(reply to ").append(TerminalText.safe(r)).append(") "));
        b.append(body(m));
        saved.ifPresent(p -> b.append(" saved to ").append(p));
        return b.toString();
    }

    /** A shorter line for a conversation's own view (chat, history): time, ref, sender, body. */
    public String shortLine(StoredMessage m, String senderLabel) {
        StringBuilder b = new StringBuilder();
        b.append(TIME.format(m.sentAt().atZone(zone)))
                .append(" [")
                .append(TerminalText.safe(m.ref()))
                .append("] ")
                .append(TerminalText.safe(senderLabel))
                .append(": ");
        m.replyTo()
                .ifPresent(
                        r -> b.append("(reply to ").append(TerminalText.safe(r)).append(") "));
        return b.append(body(m)).toString();
    }

    /** One JSON object with {@code "type": "message"}. */
    public String json(StoredMessage m, Optional<Path> saved) {
        ObjectNode o = JSON.createObjectNode();
        o.put("type", "message");
        o.put("conversation", m.conversationId());
        o.put("ref", m.ref());
        o.put("sender", m.senderAccount());
        String name = labels.account(m.senderAccount());
        if (!name.equals(m.senderAccount())) {
            o.put("sender_name", name);
        }
        o.put("sender_device", m.senderDevice());
        o.put("direction", m.direction().name().toLowerCase(java.util.Locale.ROOT));
        o.put("kind", m.kind());
        o.put("sent_at", m.sentAt().toString());
        o.put("received_at", m.receivedAt().toString());
        o.put("revoked", m.revoked());
        if (!m.revoked()) {
            o.put("text", m.text());
        }
        m.replyTo().ifPresent(r -> o.put("reply_to", r));
        file(m).ifPresent(d -> {
            ObjectNode f = o.putObject("file");
            f.put("name", d.name());
            f.put("size", d.size());
            f.put("mime", d.mime());
        });
        saved.ifPresent(p -> o.put("saved_to", p.toString()));
        return TerminalText.json(o);
    }

    /** A revocation as a line. */
    public String revokedLine(String conversation, String ref, String by) {
        return TerminalText.safe(labels.conversation(conversation) + "  [" + ref + "]  revoked by "
                + (by.startsWith("nxl:") ? labels.account(by) : by));
    }

    /** A revocation as a JSON object with {@code "type": "revoked"}. */
    public String revokedJson(String conversation, String ref, String by) {
        ObjectNode o = JSON.createObjectNode();
        o.put("type", "revoked");
        o.put("conversation", conversation);
        o.put("ref", ref);
        o.put("by", by);
        return TerminalText.json(o);
    }
}
