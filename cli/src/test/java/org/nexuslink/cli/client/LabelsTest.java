// SPDX-License-Identifier: AGPL-3.0-or-later
package org.nexuslink.cli.client;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.nexuslink.client.Conversation;
import org.nexuslink.client.ConversationSummary;
import org.nexuslink.crypto.identity.AccountId;
import org.nexuslink.crypto.identity.AccountIdentity;

class LabelsTest {
    private final AccountId alice = AccountIdentity.generate().accountId();
    private final AccountId stranger = AccountIdentity.generate().accountId();
    private final UUID general = UUID.randomUUID();
    private final UUID unnamed = UUID.randomUUID();
    private final Labels labels = Labels.of(
            Map.of(alice, "alice"),
            List.of(
                    new ConversationSummary(Conversation.parse("ch:" + general), "general", Instant.now()),
                    new ConversationSummary(Conversation.parse("ch:" + unnamed), unnamed.toString(), Instant.now())));

    @Test
    void known_names_replace_ids_and_unknown_ones_stay_ids() {
        assertThat(labels.account(alice.toString())).isEqualTo("alice");
        assertThat(labels.account(stranger.toString())).isEqualTo(stranger.toString());
        assertThat(labels.conversation(Conversation.direct(alice))).isEqualTo("@alice");
        assertThat(labels.conversation(Conversation.direct(stranger))).isEqualTo("dm:" + stranger);
        assertThat(labels.conversation("ch:" + general)).isEqualTo("#general");
        assertThat(labels.conversation("ch:" + unnamed))
                .as("a channel titled by its id")
                .isEqualTo("ch:" + unnamed);
        assertThat(labels.conversation("not a conversation id")).isEqualTo("not a conversation id");
    }

    @Test
    void ids_show_every_id() {
        assertThat(Labels.ids().account(alice.toString())).isEqualTo(alice.toString());
        assertThat(Labels.ids().conversation(Conversation.direct(alice))).isEqualTo("dm:" + alice);
    }
}
