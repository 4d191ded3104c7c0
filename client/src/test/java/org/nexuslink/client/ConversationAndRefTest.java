// SPDX-License-Identifier: AGPL-3.0-or-later
package org.nexuslink.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.nexuslink.crypto.identity.AccountIdentity;
import org.nexuslink.protocol.Bytes;

class ConversationAndRefTest {
    private final AccountIdentity peer = AccountIdentity.generate();
    private final UUID channel = UUID.randomUUID();

    @Test
    void conversations_round_trip_through_their_store_ids() {
        Conversation direct = Conversation.direct(peer.accountId());
        Conversation inChannel = Conversation.channel(new ChannelId(channel));

        assertThat(direct.id()).isEqualTo("dm:" + peer.accountId());
        assertThat(inChannel.id()).isEqualTo("ch:" + channel);
        assertThat(Conversation.parse(direct.id())).isEqualTo(direct);
        assertThat(Conversation.parse(inChannel.id())).isEqualTo(inChannel);
    }

    @Test
    void a_malformed_conversation_id_is_refused_naming_it() {
        assertThatThrownBy(() -> Conversation.parse("dm:nxl:abc"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("dm:nxl:abc");
        assertThatThrownBy(() -> Conversation.parse("ch:not-a-uuid"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("not-a-uuid");
        assertThatThrownBy(() -> Conversation.parse("general"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("dm:<account id> or ch:<channel uuid>");
    }

    @Test
    void a_ref_takes_the_form_of_its_conversation() {
        Conversation direct = Conversation.direct(peer.accountId());
        Conversation inChannel = Conversation.channel(new ChannelId(channel));
        String hex = "00112233445566778899aabbccddeeff";

        assertThat(MessageRef.parse(direct, hex)).isEqualTo(new MessageRef.Direct(Bytes.fromHex(hex)));
        assertThat(MessageRef.parse(direct, hex.toUpperCase()).text()).isEqualTo(hex);
        assertThat(MessageRef.parse(inChannel, "42")).isEqualTo(new MessageRef.Channel(42));
        assertThat(new MessageRef.Channel(42).text()).isEqualTo("42");
        assertThatThrownBy(() -> MessageRef.parse(inChannel, hex))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("number");
        assertThatThrownBy(() -> MessageRef.parse(direct, "42"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("32 hex digits");
        assertThatThrownBy(() -> MessageRef.parse(inChannel, "0")).isInstanceOf(IllegalArgumentException.class);
    }
}
