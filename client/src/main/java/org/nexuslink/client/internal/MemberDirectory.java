// SPDX-License-Identifier: AGPL-3.0-or-later
package org.nexuslink.client.internal;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import org.nexuslink.client.ChannelId;
import org.nexuslink.client.Member;
import org.nexuslink.client.community.CommunityApi;
import org.nexuslink.client.store.ProfileStore;
import org.nexuslink.crypto.identity.AccountId;
import org.nexuslink.crypto.identity.InvalidAccountIdException;
import org.nexuslink.protocol.api.MembersApi;

/**
 * The community's member list with display names, and the names kept locally (sealed in the
 * store's settings) so that a conversation shows {@code alice} offline too. On the worker.
 */
public final class MemberDirectory {
    /** The setting holding the names last listed: a JSON object from account id to display name. */
    static final String NAMES = "community.member_names";

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int PAGE = 500;

    private final ProfileStore store;

    MemberDirectory(ProfileStore store) {
        this.store = Objects.requireNonNull(store, "store");
    }

    /** Every member, in account id order, as the server lists them now; the names are kept. */
    public List<Member> list(CommunityApi api, String token) throws IOException, InterruptedException {
        List<Member> members = new ArrayList<>();
        Optional<String> after = Optional.empty();
        do {
            MembersApi.MemberPage page =
                    after.isPresent() ? api.members(after.get(), PAGE, token) : api.members(PAGE, token);
            for (MembersApi.MemberView m : page.members()) {
                members.add(
                        new Member(account(m.accountId()), m.displayName().filter(name -> !name.isEmpty()), m.role()));
            }
            after = page.next();
        } while (after.isPresent());
        keep(members);
        return members;
    }

    /**
     * A private channel's members, with the names and roles of the community's list (which is
     * listed afresh, and kept).
     */
    public List<Member> channel(CommunityApi api, String token, ChannelId channel)
            throws IOException, InterruptedException {
        Set<String> onList = new HashSet<>();
        api.channelMembers(channel.toString(), token).members().forEach(m -> onList.add(m.accountId()));
        return list(api, token).stream()
                .filter(m -> onList.contains(m.account().toString()))
                .toList();
    }

    /** The display names kept from the last listing, by account. */
    public Map<AccountId, String> names() {
        Optional<byte[]> kept = store.settings().get(NAMES);
        if (kept.isEmpty()) {
            return Map.of();
        }
        Map<String, String> byText;
        try {
            byText = JSON.readValue(kept.get(), new TypeReference<Map<String, String>>() {});
        } catch (IOException e) {
            return Map.of(); // unreadable: the next listing writes it again
        }
        Map<AccountId, String> names = new LinkedHashMap<>();
        byText.forEach((account, name) -> {
            try {
                names.put(AccountId.parse(account), name);
            } catch (InvalidAccountIdException e) {
                // skipped: the next listing writes it again
            }
        });
        return Map.copyOf(names);
    }

    private void keep(List<Member> members) throws IOException {
        Map<String, String> names = new LinkedHashMap<>();
        members.forEach(
                m -> m.displayName().ifPresent(name -> names.put(m.account().toString(), name)));
        store.settings().put(NAMES, JSON.writeValueAsBytes(names));
    }

    private static AccountId account(String text) throws IOException {
        try {
            return AccountId.parse(text);
        } catch (InvalidAccountIdException e) {
            throw new IOException("the server listed an invalid account id: " + e.getMessage(), e);
        }
    }
}
