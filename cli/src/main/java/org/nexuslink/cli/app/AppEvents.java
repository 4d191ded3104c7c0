// SPDX-License-Identifier: AGPL-3.0-or-later
package org.nexuslink.cli.app;

import java.io.IOException;
import org.nexuslink.cli.client.ClientCommand;
import org.nexuslink.client.ClientEvent;
import org.nexuslink.client.NexusClient;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The client's events as the contract's WebSocket events. Runs on the event thread (never the
 * client's worker: building a message view asks the client). Warnings name accounts and reasons,
 * never content.
 */
final class AppEvents {
    private static final Logger LOG = LoggerFactory.getLogger(AppEvents.class);

    private AppEvents() {}

    static void publish(AppSession session, AppSession.Unlocked opened, ClientEvent event) {
        NexusClient client = opened.client();
        EventHub hub = session.events();
        switch (event) {
            case ClientEvent.MessageReceived received when !MessageViews.shown(received.message()) -> {
                // a revoke: its effect comes as MessageRevoked
            }
            case ClientEvent.MessageReceived received -> {
                try {
                    refreshNames(client, received.message().senderAccount());
                    hub.publish(EventHub.event("message")
                            .put("conversation", received.message().conversationId())
                            .set(
                                    "message",
                                    MessageViews.of(
                                                    opened,
                                                    session.environment()
                                                            .clock()
                                                            .instant())
                                            .message(received.message())));
                } catch (IOException | IllegalStateException e) {
                    LOG.atDebug()
                            .setMessage("message event dropped")
                            .addKeyValue("error", e.toString())
                            .log();
                }
            }
            case ClientEvent.MessageRevoked revoked ->
                hub.publish(EventHub.event("revoked")
                        .put("conversation", revoked.conversation().id())
                        .put("ref", revoked.ref().text()));
            case ClientEvent.ConnectionChanged changed ->
                hub.publish(EventHub.event("connection").put("connected", changed.connected()));
            case ClientEvent.SafetyNumberChanged changed ->
                warn(
                        hub,
                        "The safety number with " + changed.account() + " changed: its device " + changed.device()
                                + " has a new key, certified by the account. Verify the contact if you did not"
                                + " expect this.");
            case ClientEvent.KeyLogRefused refused ->
                warn(
                        hub,
                        "Key transparency (" + ClientCommand.reasonName(refused.reason()) + ") for "
                                + refused.account() + ": " + refused.message()
                                + ". The keys were refused: the server may be trying to read your messages.");
            case ClientEvent.OwnKeysChanged changed ->
                warn(hub, "Your account's keys changed on the server: " + changed.message());
            case ClientEvent.MessageRejected rejected ->
                warn(
                        hub,
                        "A message from " + rejected.sender() + " was rejected: " + rejected.reason()
                                + (rejected.identityChanged()
                                        ? " (its device key changed without certification)"
                                        : ""));
            case ClientEvent.DeviceRemoved removed -> {
                warn(hub, "This device was removed from the account: " + removed.detail());
                hub.publish(EventHub.event("state"));
            }
        }
    }

    /** Asks the community for its member list when {@code sender}'s name is not known yet. */
    static void refreshNames(NexusClient client, String sender) throws IOException {
        boolean known = client.memberNames().keySet().stream()
                .anyMatch(a -> a.toString().equals(sender));
        if (!known && client.community().isPresent()) {
            try {
                client.members();
            } catch (IOException e) {
                // Names are a convenience: the account id is shown instead.
            }
        }
    }

    private static void warn(EventHub hub, String text) {
        hub.publish(EventHub.event("warning").put("text", text));
    }
}
