// SPDX-License-Identifier: AGPL-3.0-or-later
package org.nexuslink.client;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.io.TempDir;
import org.nexuslink.server.storage.DatabaseUrl;
import org.nexuslink.server.testing.DatabaseTest;
import org.nexuslink.server.testing.MutableClock;

/** Display names travel with members: listed by the server, kept by the profile for offline use. */
class MemberNamesTest {
    private final MutableClock clock = new MutableClock();

    @TempDir
    Path dir;

    @DatabaseTest
    void members_come_with_their_display_names_and_the_names_stay_known_offline(DatabaseUrl url) throws Exception {
        try (TwoMembers m = TwoMembers.joined(url, clock, dir, Map.of())) {
            assertThat(m.bob().client.memberNames()).as("nothing listed yet").isEmpty();

            assertThat(m.bob().client.members())
                    .extracting(Member::account, Member::displayName)
                    .containsExactlyInAnyOrder(
                            org.assertj.core.groups.Tuple.tuple(m.alice().keys.accountId(), Optional.of("alice")),
                            org.assertj.core.groups.Tuple.tuple(m.bob().keys.accountId(), Optional.of("bob")));

            m.bob().close();
            m.bob().reopen(); // a restarted app, not connected
            assertThat(m.bob().client.isConnected()).isFalse();
            assertThat(m.bob().client.memberNames())
                    .containsExactlyInAnyOrderEntriesOf(Map.of(
                            m.alice().keys.accountId(), "alice", m.bob().keys.accountId(), "bob"));
        }
    }
}
