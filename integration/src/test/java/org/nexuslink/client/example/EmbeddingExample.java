// SPDX-License-Identifier: AGPL-3.0-or-later
package org.nexuslink.client.example;

import java.net.URI;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Optional;
import java.util.function.Consumer;
import org.nexuslink.client.ClientEvent;
import org.nexuslink.client.Conversation;
import org.nexuslink.client.MessageRef;
import org.nexuslink.client.NexusClient;
import org.nexuslink.client.RefusedException;
import org.nexuslink.client.store.StoredMessage;
import org.nexuslink.crypto.identity.AccountId;
import org.nexuslink.crypto.keystore.VaultContents;

/**
 * The example docs/client.md opens with, compiled and run by {@link EmbeddingExampleTest} so that
 * it cannot rot: the lines between the markers are the ones the document shows.
 */
final class EmbeddingExample {
    private EmbeddingExample() {}

    static void run(Path profileDir, VaultContents keys, URI server, AccountId bob, Consumer<String> ui)
            throws Exception {
        // example:start
        try (NexusClient client = NexusClient.open(profileDir, keys, Clock.systemUTC())) {
            client.subscribe(
                    event -> { // on the client's thread, in order
                        switch (event) { // exhaustive: a new event fails to compile
                            case ClientEvent.MessageReceived m ->
                                ui.accept(m.message().senderAccount() + ": "
                                        + m.message().text());
                            case ClientEvent.MessageRevoked r ->
                                ui.accept("revoked " + r.ref().text());
                            case ClientEvent.MessageRejected r -> ui.accept("rejected: " + r.reason());
                            case ClientEvent.SafetyNumberChanged s -> ui.accept("verify " + s.account() + " again");
                            case ClientEvent.DeviceRemoved d -> ui.accept("this device was removed");
                            case ClientEvent.ConnectionChanged c -> ui.accept(c.connected() ? "online" : "offline");
                            case ClientEvent.KeyLogRefused k -> // the key log does not back the keys shown
                                ui.accept("WARNING, keys of " + k.account() + " refused: " + k.message());
                            case ClientEvent.OwnKeysChanged k ->
                                ui.accept("WARNING, your keys changed: " + k.message());
                        }
                    });
            try {
                client.join(server, "alice"); // pins the server's key, publishes prekeys
            } catch (RefusedException e) {
                switch (e.code()) { // the protocol's ErrorCode
                    case CONFLICT -> {} // a member already: just connect
                    default -> throw e;
                }
            }
            client.connect(); // takes what waited, then keeps receiving
            Conversation withBob = Conversation.direct(bob);
            StoredMessage hello = client.sendText(withBob, "hello bob", Optional.empty());
            client.sendText(withBob, "did you get it?", Optional.of(MessageRef.of(hello)));
            client.history(withBob, 10).forEach(m -> ui.accept("me: " + m.text()));
        }
        // example:end
    }
}
