// SPDX-License-Identifier: AGPL-3.0-or-later
package org.nexuslink.cli.app;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.nexuslink.client.Conversation;
import org.nexuslink.client.ConversationSummary;
import org.nexuslink.client.MessageRef;
import org.nexuslink.client.NexusClient;
import org.nexuslink.client.store.ConversationType;
import org.nexuslink.client.store.Direction;
import org.nexuslink.client.store.Settings;
import org.nexuslink.client.store.StoredMessage;
import org.nexuslink.crypto.identity.AccountId;
import org.nexuslink.crypto.identity.InvalidAccountIdException;

/**
 * Conversations and their messages: the list with unread counts, history, sending texts and
 * replies, revoking, and the read marker. The marker of a conversation is the send time of the
 * last message read there, kept in the profile's sealed settings; a received message after it is
 * unread.
 */
final class ConversationRoutes {
    /** The prefix of a conversation's read marker in the sealed settings. */
    static final String READ_MARKER = "app.read:";
    /** The most messages a history answer carries. */
    static final int MAX_LIMIT = 1000;
    /** How far back unread messages are counted. */
    static final int UNREAD_WINDOW = 500;

    private ConversationRoutes() {}

    static void register(RoutesConfig routes, AppSession session) {
        routes.get("/api/conversations", ctx -> {
            NexusClient client = session.unlocked().client();
            Map<AccountId, String> names = client.memberNames();
            record Row(ObjectNode node, Instant at) {}
            List<Row> rows = new ArrayList<>();
            for (ConversationSummary summary : client.conversations()) {
                List<StoredMessage> last = client.history(summary.conversation(), 1);
                Instant at =
                        last.isEmpty() ? summary.createdAt() : last.getFirst().sentAt();
                rows.add(new Row(summary(client, summary, names), at));
            }
            rows.sort(Comparator.comparing(Row::at).reversed());
            ObjectNode answer = AppJson.object();
            ArrayNode list = answer.putArray("conversations");
            rows.forEach(r -> list.add(r.node()));
            AppJson.send(ctx, answer);
        });
        routes.post("/api/conversations", ctx -> {
            String text = AppJson.text(AppJson.body(ctx), "account").strip();
            AccountId peer;
            try {
                peer = AccountId.parse(text.startsWith("dm:") ? text.substring(3) : text);
            } catch (InvalidAccountIdException e) {
                throw ApiError.badRequest("not an account id: " + e.getMessage());
            }
            AppSession.Unlocked u = session.unlocked();
            if (peer.equals(u.keys().accountId())) {
                throw ApiError.badRequest("that is this profile's own account");
            }
            NexusClient client = u.client();
            Conversation conversation = Conversation.direct(peer);
            if (client.store().conversations().find(conversation.id()).isEmpty()) {
                client.store()
                        .conversations()
                        .save(new org.nexuslink.client.store.Conversation(
                                conversation.id(),
                                ConversationType.DIRECT,
                                peer.toString(),
                                session.environment().clock().instant()));
            }
            ConversationSummary summary = client.conversations().stream()
                    .filter(s -> s.conversation().equals(conversation))
                    .findFirst()
                    .orElseThrow();
            AppJson.send(ctx, summary(client, summary, client.memberNames()));
        });
        routes.get("/api/conversations/{id}/messages", ctx -> {
            Conversation conversation = conversation(ctx);
            int limit = limit(ctx.queryParam("limit"));
            AppSession.Unlocked u = session.unlocked();
            NexusClient client = u.client();
            MessageViews views =
                    MessageViews.of(u, session.environment().clock().instant());
            ObjectNode answer = AppJson.object();
            ArrayNode list = answer.putArray("messages");
            for (StoredMessage m : client.history(conversation, limit)) {
                if (MessageViews.shown(m)) {
                    list.add(views.message(m));
                }
            }
            AppJson.send(ctx, answer);
        });
        routes.post("/api/conversations/{id}/messages", ctx -> {
            Conversation conversation = conversation(ctx);
            JsonNode body = AppJson.body(ctx);
            String text = AppJson.text(body, "text");
            if (text.isBlank()) {
                throw ApiError.badRequest("an empty message is not sent");
            }
            Optional<MessageRef> replyTo = replyTo(conversation, AppJson.optionalText(body, "replyTo"));
            AppSession.Unlocked u = session.joined();
            NexusClient client = u.client();
            replyTo.ifPresent(r -> requireMessage(client, conversation, r));
            StoredMessage sent = client.sendText(conversation, text, replyTo);
            AppJson.send(
                    ctx,
                    MessageViews.of(u, session.environment().clock().instant()).message(sent));
        });
        routes.post("/api/conversations/{id}/messages/{ref}/revoke", ctx -> {
            Conversation conversation = conversation(ctx);
            MessageRef ref = ref(conversation, ctx.pathParam("ref"));
            NexusClient client = session.joined().client();
            requireMessage(client, conversation, ref);
            try {
                client.revoke(conversation, ref);
            } catch (IllegalArgumentException e) {
                throw new ApiError(403, "refused", e.getMessage(), Optional.of("forbidden"));
            }
            ctx.status(204);
        });
        routes.post("/api/conversations/{id}/read", ctx -> {
            Conversation conversation = conversation(ctx);
            MessageRef ref = ref(conversation, AppJson.text(AppJson.body(ctx), "ref"));
            NexusClient client = session.unlocked().client();
            StoredMessage m = requireMessage(client, conversation, ref);
            Settings settings = client.store().settings();
            String key = READ_MARKER + conversation.id();
            long at = nanos(m.sentAt());
            if (at > settings.getLong(key, Long.MIN_VALUE)) {
                settings.putLong(key, at);
            }
            ctx.status(204);
        });
    }

    static ObjectNode summary(NexusClient client, ConversationSummary summary, Map<AccountId, String> names)
            throws IOException {
        Conversation conversation = summary.conversation();
        ObjectNode node = AppJson.object().put("id", conversation.id());
        switch (conversation) {
            case Conversation.Direct d -> {
                node.put("kind", "direct");
                node.put(
                        "title",
                        Optional.ofNullable(names.get(d.peer())).orElse(d.peer().toString()));
                node.put("peer", d.peer().toString());
            }
            case Conversation.Channel c -> {
                node.put("kind", "channel");
                node.put("title", summary.title());
                node.putNull("peer");
            }
        }
        List<StoredMessage> recent = client.history(conversation, UNREAD_WINDOW).stream()
                .filter(MessageViews::shown)
                .toList();
        long marker = client.store().settings().getLong(READ_MARKER + conversation.id(), Long.MIN_VALUE);
        node.put(
                "unread",
                recent.stream()
                        .filter(m -> m.direction() == Direction.IN && !m.revoked() && nanos(m.sentAt()) > marker)
                        .count());
        if (recent.isEmpty()) {
            node.putNull("last");
        } else {
            StoredMessage last = recent.getLast();
            node.putObject("last")
                    .put("ref", last.ref())
                    .put("text", last.text())
                    .put("at", last.sentAt().toString())
                    .put("mine", last.direction() == Direction.OUT)
                    .put("kind", MessageViews.kind(last.kind()));
        }
        return node;
    }

    static long nanos(Instant at) {
        return Math.addExact(Math.multiplyExact(at.getEpochSecond(), 1_000_000_000L), at.getNano());
    }

    static Conversation conversation(Context ctx) {
        try {
            return Conversation.parse(ctx.pathParam("id"));
        } catch (IllegalArgumentException e) {
            throw ApiError.badRequest(e.getMessage());
        }
    }

    static MessageRef ref(Conversation conversation, String text) {
        try {
            return MessageRef.parse(conversation, text);
        } catch (IllegalArgumentException e) {
            throw ApiError.badRequest(e.getMessage());
        }
    }

    static Optional<MessageRef> replyTo(Conversation conversation, Optional<String> text) {
        return text.filter(t -> !t.isEmpty()).map(t -> ref(conversation, t));
    }

    static StoredMessage requireMessage(NexusClient client, Conversation conversation, MessageRef ref) {
        try {
            return client.message(conversation, ref)
                    .orElseThrow(() -> ApiError.notFound("no message " + ref.text() + " in " + conversation.id()));
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static int limit(String text) {
        if (text == null) {
            return 200;
        }
        try {
            int limit = Integer.parseInt(text);
            if (limit < 1 || limit > MAX_LIMIT) {
                throw ApiError.badRequest("limit is 1 to " + MAX_LIMIT + ", not " + text);
            }
            return limit;
        } catch (NumberFormatException e) {
            throw ApiError.badRequest("limit is a number, not '" + text + "'");
        }
    }
}
