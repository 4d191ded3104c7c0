// SPDX-License-Identifier: AGPL-3.0-or-later
package org.nexuslink.client.example;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nexuslink.client.ClientEvent;
import org.nexuslink.client.NexusClient;
import org.nexuslink.client.store.StoredMessage;
import org.nexuslink.crypto.identity.AccountIdentity;
import org.nexuslink.crypto.identity.DeviceId;
import org.nexuslink.crypto.identity.DeviceKeyPair;
import org.nexuslink.crypto.keystore.VaultContents;
import org.nexuslink.server.storage.DatabaseUrl;
import org.nexuslink.server.testing.DatabaseTest;
import org.nexuslink.server.testing.MutableClock;
import org.nexuslink.server.testing.TestServer;

/** docs/client.md's embedding example: the same code as {@link EmbeddingExample}, and it works. */
class EmbeddingExampleTest {
    private static final Path DOC = Path.of("..", "docs", "client.md");
    private static final Path EXAMPLE =
            Path.of("src", "test", "java", "org", "nexuslink", "client", "example", "EmbeddingExample.java");

    @TempDir
    Path dir;

    @Test
    void the_document_shows_the_example_the_build_compiles() throws Exception {
        Matcher inSource = Pattern.compile("// example:start\\n(.*?)\\n\\s*// example:end", Pattern.DOTALL)
                .matcher(Files.readString(EXAMPLE));
        assertThat(inSource.find()).as("markers in " + EXAMPLE).isTrue();
        Matcher inDoc = Pattern.compile("```java\\n(.*?)\\n```", Pattern.DOTALL).matcher(Files.readString(DOC));
        assertThat(inDoc.find()).as("a java block in " + DOC).isTrue();
        assertThat(inDoc.group(1))
                .as("docs/client.md's first java block")
                .isEqualTo(inSource.group(1).stripIndent());
    }

    @DatabaseTest
    void the_example_joins_sends_a_reply_and_reads_its_history(DatabaseUrl url) throws Exception {
        MutableClock clock = new MutableClock();
        try (TestServer server = TestServer.start(
                url,
                clock,
                java.util.Map.of(
                        "NEXUSLINK_SERVER_DATA_DIR", dir.resolve("server").toString()))) {
            URI community = URI.create("http://127.0.0.1:" + server.port());
            LinkedBlockingQueue<StoredMessage> atBob = new LinkedBlockingQueue<>();
            try (NexusClient bob = NexusClient.open(dir.resolve("bob"), fresh(clock.instant()), Clock.systemUTC())) {
                bob.subscribe(event -> {
                    if (event instanceof ClientEvent.MessageReceived m) {
                        atBob.add(m.message());
                    }
                });
                bob.join(community, "bob");
                bob.connect();

                List<String> shown = new CopyOnWriteArrayList<>();
                EmbeddingExample.run(
                        dir.resolve("alice"),
                        fresh(clock.instant()),
                        community,
                        bob.device().account(),
                        shown::add);

                assertThat(shown).contains("online", "me: hello bob", "me: did you get it?");
                StoredMessage hello = atBob.poll(20, TimeUnit.SECONDS);
                StoredMessage reply = atBob.poll(20, TimeUnit.SECONDS);
                assertThat(hello).isNotNull().extracting(StoredMessage::text).isEqualTo("hello bob");
                assertThat(reply).isNotNull().extracting(StoredMessage::replyTo).isEqualTo(Optional.of(hello.ref()));
            }
        }
    }

    /** A new account's first device, as `nexuslink id create` makes one, certified at {@code now}. */
    private static VaultContents fresh(Instant now) {
        AccountIdentity identity = AccountIdentity.generate();
        DeviceKeyPair device = DeviceKeyPair.generate();
        return new VaultContents(
                identity.accountId(),
                Optional.of(identity),
                Optional.empty(),
                device,
                identity.certify(DeviceId.PRIMARY, device.publicKey(), now, Optional.empty()));
    }
}
