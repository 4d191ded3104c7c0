// SPDX-License-Identifier: AGPL-3.0-or-later
package org.nexuslink.cli.app;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.javalin.config.RoutesConfig;
import java.net.URI;
import java.util.List;
import java.util.Optional;
import org.nexuslink.cli.client.ClientFailure;
import org.nexuslink.cli.client.CommunityJoin;
import org.nexuslink.cli.directory.DirectoryJoin;
import org.nexuslink.client.ChannelId;
import org.nexuslink.client.Member;
import org.nexuslink.client.NexusClient;
import org.nexuslink.client.directory.DirectoryClient;
import org.nexuslink.client.directory.DirectoryException;
import org.nexuslink.protocol.api.ApiRoute;
import org.nexuslink.protocol.api.ChannelsApi;
import org.nexuslink.protocol.directory.CommunityListing;
import org.nexuslink.protocol.directory.SearchResults;

/** Joining a community (by URL or from a directory), its members and its channels. */
final class CommunityRoutes {
    /** The role that may create channels. */
    static final String ADMIN = "admin";

    private CommunityRoutes() {}

    static void register(RoutesConfig routes, AppSession session) {
        routes.post("/api/community/join", ctx -> {
            JsonNode body = AppJson.body(ctx);
            String name = AppJson.optionalText(body, "displayName").orElse("").strip();
            Optional<String> url = AppJson.optionalText(body, "url");
            Optional<String> directory = AppJson.optionalText(body, "directory");
            session.unlocked(); // 409 before any network call
            if (name.length() > CommunityJoin.MAX_NAME_LENGTH) {
                throw ApiError.badRequest("a display name is at most " + CommunityJoin.MAX_NAME_LENGTH + " characters");
            }
            if (url.isPresent() == directory.isPresent()) {
                throw ApiError.badRequest("give either url, or directory and id");
            }
            if (url.isPresent()) {
                URI server = parse(url.get());
                session.join(server, name, Optional.empty(), Optional.empty());
            } else {
                URI dir = parse(directory.get());
                String id = AppJson.text(body, "id");
                DirectoryJoin.Target target;
                try {
                    target = DirectoryJoin.resolve(
                            session.profileDir(), dir, id, session.environment().clock(), session.random());
                } catch (ClientFailure e) {
                    throw new ApiError(400, "refused", e.getMessage(), Optional.of("directory"));
                }
                session.join(target.endpoint(), name, Optional.of(target.serverKey()), Optional.of(target));
            }
            AppJson.send(ctx, session.state());
        });
        routes.get("/api/directory/search", ctx -> {
            String directory = ctx.queryParam("directory");
            if (directory == null) {
                throw ApiError.badRequest("'directory' is required");
            }
            String query = Optional.ofNullable(ctx.queryParam("q")).orElse("");
            SearchResults results;
            try {
                DirectoryClient client = DirectoryClient.connect(
                        parse(directory),
                        Optional.empty(),
                        session.environment().clock(),
                        session.random());
                results = client.search(query, List.of(), 50, 0);
            } catch (DirectoryException e) {
                throw new ApiError(
                        400,
                        "refused",
                        "the directory refused: " + e.getMessage(),
                        Optional.of(e.code().toString()));
            }
            ObjectNode answer = AppJson.object();
            ArrayNode list = answer.putArray("communities");
            for (CommunityListing c : results.communities()) {
                list.addObject()
                        .put("id", c.communityId())
                        .put("name", c.name())
                        .put("description", c.description())
                        .put("endpoint", c.endpoint())
                        .putNull("members")
                        .put("reputation", c.reputation());
            }
            AppJson.send(ctx, answer);
        });
        routes.get("/api/members", ctx -> {
            AppSession.Unlocked u = session.joined();
            List<Member> members = u.client().members();
            ObjectNode answer = AppJson.object();
            answer.set("members", members(members));
            String me = u.keys().accountId().toString();
            answer.putObject("me").put("account", me).put("role", role(members, me));
            AppJson.send(ctx, answer);
        });
        routes.get("/api/channels", ctx -> {
            AppSession.Unlocked u = session.joined();
            NexusClient client = u.client();
            ObjectNode answer = AppJson.object();
            ArrayNode list = answer.putArray("channels");
            List<ChannelsApi.ChannelView> channels = client.channels().channels();
            u.managed().listed(channels);
            for (ChannelsApi.ChannelView c : channels) {
                list.add(channel(c));
            }
            String me = u.keys().accountId().toString();
            answer.put("canCreate", ADMIN.equals(role(client.members(), me)));
            AppJson.send(ctx, answer);
        });
        routes.post("/api/channels", ctx -> {
            JsonNode body = AppJson.body(ctx);
            String name = AppJson.text(body, "name").strip();
            String visibility = AppJson.optionalText(body, "visibility").orElse("public");
            if (name.isEmpty() || name.length() > 100) {
                throw ApiError.badRequest("a channel name has 1 to 100 characters");
            }
            if (!visibility.equals("public") && !visibility.equals("private")) {
                throw ApiError.badRequest("visibility is public or private, not '" + visibility + "'");
            }
            AppSession.Unlocked u = session.joined();
            ChannelsApi.ChannelView created = u.client()
                    .request(
                            ApiRoute.CHANNEL_CREATE,
                            new ChannelsApi.CreateRequest(name, null, null, visibility.equals("private"), null, null),
                            ChannelsApi.ChannelView.class);
            AppJson.send(ctx, channel(created));
        });
        routes.get("/api/channels/{id}/members", ctx -> {
            ChannelId channel;
            try {
                channel = ChannelId.parse(ctx.pathParam("id"));
            } catch (IllegalArgumentException e) {
                throw ApiError.badRequest(e.getMessage());
            }
            AppSession.Unlocked u = session.joined();
            ObjectNode answer = AppJson.object();
            answer.set("members", members(u.client().channelMembers(channel)));
            AppJson.send(ctx, answer);
        });
    }

    private static URI parse(String url) {
        try {
            return CommunityJoin.parseServerUrl(url);
        } catch (IllegalArgumentException e) {
            throw ApiError.badRequest(e.getMessage());
        }
    }

    private static String role(List<Member> members, String account) {
        return members.stream()
                .filter(m -> m.account().toString().equals(account))
                .map(Member::role)
                .findFirst()
                .orElse("member");
    }

    private static ArrayNode members(List<Member> members) {
        ArrayNode list = AppJson.MAPPER.createArrayNode();
        for (Member m : members) {
            ObjectNode node = list.addObject().put("account", m.account().toString());
            m.displayName().ifPresentOrElse(n -> node.put("displayName", n), () -> node.putNull("displayName"));
            node.put("role", m.role());
        }
        return list;
    }

    private static ObjectNode channel(ChannelsApi.ChannelView c) {
        return AppJson.object()
                .put("id", c.id())
                .put("name", c.name())
                .put("visibility", c.isPrivate() ? "private" : "public")
                .put("conversation", "ch:" + c.id());
    }
}
