// SPDX-License-Identifier: AGPL-3.0-or-later
package org.nexuslink.server.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.nexuslink.crypto.identity.AccountIdentity;
import org.nexuslink.crypto.identity.DeviceId;
import org.nexuslink.protocol.MessageId;
import org.nexuslink.protocol.Notice;
import org.nexuslink.server.auth.Principal;
import org.nexuslink.server.permissions.ChannelId;

/** Fan-out messages read back exactly as written, and unreadable text is refused, never half-read. */
class FanOutCodecTest {
    private static final UUID NODE = UUID.randomUUID();
    private final Principal device = new Principal(AccountIdentity.generate().accountId(), new DeviceId(3));
    private final ChannelId channel = ChannelId.random();

    @Test
    void every_message_round_trips_with_its_node() {
        List<FanOutMessage> messages = List.of(
                new FanOutMessage.DirectQueued(device, List.of(7L, 9L)),
                new FanOutMessage.EventStored(channel, new MessageId(42)),
                new FanOutMessage.EventDeleted(channel, new MessageId(1)),
                new FanOutMessage.DeviceNotice(device, new Notice(Notice.PREKEYS_LOW, "ec=5,kyber=19")),
                new FanOutMessage.DeviceRemoved(device),
                new FanOutMessage.AccountClosed(device.account(), "banned"),
                new FanOutMessage.Resync());
        for (FanOutMessage message : messages) {
            FanOutCodec.Received back = FanOutCodec.decode(FanOutCodec.encode(NODE, message));
            assertThat(back.node()).isEqualTo(NODE);
            assertThat(back.message()).isEqualTo(message);
        }
    }

    @Test
    void carries_ids_only() {
        String text = FanOutCodec.encode(NODE, new FanOutMessage.DirectQueued(device, List.of(5L)));
        assertThat(text)
                .isEqualTo("{\"node\":\"" + NODE + "\",\"type\":\"direct\",\"account\":\"" + device.account()
                        + "\",\"device\":3,\"entries\":[5]}");
    }

    @Test
    void refuses_what_is_not_a_message() {
        assertThatThrownBy(() -> FanOutCodec.decode("not json"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("not JSON");
        assertThatThrownBy(() -> FanOutCodec.decode("[]")).hasMessage("not a JSON object");
        assertThatThrownBy(() -> FanOutCodec.decode("{\"node\":\"" + NODE + "\",\"type\":\"gossip\"}"))
                .hasMessage("unknown type 'gossip'");
        assertThatThrownBy(() -> FanOutCodec.decode(
                        "{\"node\":\"" + NODE + "\",\"type\":\"event\",\"channel\":\"" + channel + "\",\"mid\":0}"))
                .hasMessage("mid must be a positive integer");
        assertThatThrownBy(() -> FanOutCodec.decode("{\"type\":\"event\"}")).hasMessage("node must be a string");
    }
}
