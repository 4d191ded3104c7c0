// SPDX-License-Identifier: AGPL-3.0-or-later
package org.nexuslink.server.cluster;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.nexuslink.protocol.MessageId;
import org.nexuslink.protocol.Notice;
import org.nexuslink.server.auth.Principal;
import org.nexuslink.server.permissions.ChannelId;

/**
 * The text of a fan-out message on Redis: one JSON object with the publishing node's id, so a
 * node can skip its own. docs/architecture.md shows the forms. Thread-safe.
 */
final class FanOutCodec {
    /** A decoded message and the node that published it. */
    record Received(UUID node, FanOutMessage message) {}

    private static final ObjectMapper JSON = new ObjectMapper();

    private FanOutCodec() {}

    static String encode(UUID node, FanOutMessage message) {
        ObjectNode o = JSON.createObjectNode().put("node", node.toString());
        switch (message) {
            case FanOutMessage.DirectQueued d -> {
                device(o.put("type", "direct"), d.device());
                d.entries().forEach(o.putArray("entries")::add);
            }
            case FanOutMessage.EventStored e ->
                o.put("type", "event")
                        .put("channel", e.channel().toString())
                        .put("mid", e.mid().value());
            case FanOutMessage.EventDeleted e ->
                o.put("type", "event_deleted")
                        .put("channel", e.channel().toString())
                        .put("mid", e.mid().value());
            case FanOutMessage.DeviceNotice n ->
                device(o.put("type", "notice"), n.device())
                        .put("notice", n.notice().type())
                        .put("detail", n.notice().detail());
            case FanOutMessage.DeviceRemoved r -> device(o.put("type", "device_removed"), r.device());
            case FanOutMessage.AccountClosed c ->
                o.put("type", "account_closed")
                        .put("account", c.account().toString())
                        .put("reason", c.reason());
            case FanOutMessage.Resync r -> o.put("type", "resync");
        }
        return o.toString();
    }

    /**
     * Reads a message.
     *
     * @throws IllegalArgumentException naming what is wrong when the text is not one
     */
    static Received decode(String text) {
        JsonNode o;
        try {
            o = JSON.readTree(text);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("not JSON: " + e.getOriginalMessage());
        }
        if (o == null || !o.isObject()) {
            throw new IllegalArgumentException("not a JSON object");
        }
        UUID node = UUID.fromString(text(o, "node"));
        String type = text(o, "type");
        FanOutMessage message = switch (type) {
            case "direct" -> {
                List<Long> entries = new ArrayList<>();
                o.path("entries").forEach(e -> entries.add(e.asLong()));
                yield new FanOutMessage.DirectQueued(device(o), entries);
            }
            case "event" -> new FanOutMessage.EventStored(ChannelId.parse(text(o, "channel")), mid(o));
            case "event_deleted" -> new FanOutMessage.EventDeleted(ChannelId.parse(text(o, "channel")), mid(o));
            case "notice" ->
                new FanOutMessage.DeviceNotice(device(o), new Notice(text(o, "notice"), text(o, "detail")));
            case "device_removed" -> new FanOutMessage.DeviceRemoved(device(o));
            case "account_closed" ->
                new FanOutMessage.AccountClosed(Principal.storedAccount(text(o, "account")), text(o, "reason"));
            case "resync" -> new FanOutMessage.Resync();
            default -> throw new IllegalArgumentException("unknown type '" + type + "'");
        };
        return new Received(node, message);
    }

    private static ObjectNode device(ObjectNode o, Principal device) {
        return o.put("account", device.account().toString())
                .put("device", device.device().value());
    }

    private static Principal device(JsonNode o) {
        if (!o.path("device").canConvertToInt()) {
            throw new IllegalArgumentException("device must be an integer");
        }
        return Principal.fromStored(text(o, "account"), o.get("device").asInt());
    }

    private static MessageId mid(JsonNode o) {
        if (!o.path("mid").canConvertToLong() || o.get("mid").asLong() < 1) {
            throw new IllegalArgumentException("mid must be a positive integer");
        }
        return new MessageId(o.get("mid").asLong());
    }

    private static String text(JsonNode o, String field) {
        JsonNode value = o.get(field);
        if (value == null || !value.isTextual()) {
            throw new IllegalArgumentException(field + " must be a string");
        }
        return value.asText();
    }
}
