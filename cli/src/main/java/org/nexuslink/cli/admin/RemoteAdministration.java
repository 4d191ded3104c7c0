// SPDX-License-Identifier: AGPL-3.0-or-later
package org.nexuslink.cli.admin;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.nexuslink.crypto.challenge.InvalidChallengeException;
import org.nexuslink.crypto.challenge.ServerChallenge;
import org.nexuslink.crypto.keystore.VaultContents;

/**
 * The admin operations through a running server's REST API (docs/api.md), as the account of a
 * profile's identity: it authenticates its device with a signed challenge, then sends the
 * bearer token with every call. Every wait has a timeout.
 */
final class RemoteAdministration implements Administration {
    private static final Duration TIMEOUT = Duration.ofSeconds(30);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final URI server;
    private final HttpClient http;
    private final String token;

    private RemoteAdministration(URI server, HttpClient http, String token) {
        this.server = server;
        this.http = http;
        this.token = token;
    }

    /** Authenticates the profile's device at {@code server}. */
    static RemoteAdministration connect(URI server, VaultContents identity) {
        HttpClient http = HttpClient.newBuilder().connectTimeout(TIMEOUT).build();
        ObjectNode ask = JSON.createObjectNode().put("account_id", identity.accountId().toString())
                .put("device_id", identity.deviceId().value());
        JsonNode challenge = send(http, server, "POST", "/api/v1/auth/challenge", ask, null);
        byte[] encoded = Base64.getDecoder().decode(challenge.path("challenge").asText());
        byte[] signature;
        try {
            signature = ServerChallenge.decode(encoded).sign(identity.deviceKey());
        } catch (InvalidChallengeException e) {
            throw new AdminFailure("the server sent a malformed challenge: " + e.getMessage());
        }
        ObjectNode verify = ask.deepCopy().put("challenge", Base64.getEncoder().encodeToString(encoded))
                .put("signature", Base64.getEncoder().encodeToString(signature));
        String token = send(http, server, "POST", "/api/v1/auth/verify", verify, null).path("token").asText();
        return new RemoteAdministration(server, http, token);
    }

    @Override
    public List<MemberRow> members() {
        List<MemberRow> rows = new ArrayList<>();
        String after = "";
        while (true) {
            JsonNode page = call("GET", "/api/v1/members?limit=500" + (after.isEmpty() ? "" : "&after=" + query(after)), null);
            page.path("members").forEach(m -> rows.add(member(m)));
            if (!page.has("next")) {
                return rows;
            }
            after = page.get("next").asText();
        }
    }

    @Override
    public MemberRow setRole(String account, String role) {
        return member(call("PUT", members(account) + "/role", JSON.createObjectNode().put("role", role)));
    }

    @Override
    public MemberRow ban(String account, String reason) {
        return member(call("POST", members(account) + "/ban", JSON.createObjectNode().put("reason", reason)));
    }

    @Override
    public MemberRow unban(String account) {
        return member(call("DELETE", members(account) + "/ban", null));
    }

    @Override
    public Optional<String> mute(String account, Optional<UUID> channel, Optional<Duration> duration, String reason) {
        ObjectNode body = JSON.createObjectNode().put("reason", reason);
        channel.ifPresent(c -> body.put("channel_id", c.toString()));
        duration.ifPresent(d -> body.put("duration_seconds", d.toSeconds()));
        JsonNode mute = call("POST", members(account) + "/mute", body);
        return mute.has("expires_at") ? Optional.of(mute.get("expires_at").asText()) : Optional.empty();
    }

    @Override
    public void unmute(String account, Optional<UUID> channel) {
        call("DELETE", members(account) + "/mute" + channel.map(c -> "?channel_id=" + c).orElse(""), null);
    }

    @Override
    public void kick(String account, String reason) {
        call("DELETE", members(account) + (reason.isEmpty() ? "" : "?reason=" + query(reason)), null);
    }

    @Override
    public List<ChannelRow> channels() {
        List<ChannelRow> rows = new ArrayList<>();
        call("GET", "/api/v1/channels", null).path("channels").forEach(c -> rows.add(channel(c)));
        return rows;
    }

    @Override
    public ChannelRow createChannel(String name, String type, boolean isPrivate, String description) {
        return channel(call("POST", "/api/v1/channels", JSON.createObjectNode().put("name", name).put("type", type)
                .put("private", isPrivate).put("description", description)));
    }

    @Override
    public ChannelRow archiveChannel(UUID id, boolean archived) {
        return channel(call("PUT", "/api/v1/channels/" + id, JSON.createObjectNode().put("archived", archived)));
    }

    @Override
    public List<AuditRow> audit(AuditQuery q) {
        StringBuilder path = new StringBuilder("/api/v1/audit?limit=" + q.limit());
        q.actor().ifPresent(a -> path.append("&actor=").append(query(a)));
        q.target().ifPresent(t -> path.append("&target=").append(query(t)));
        q.action().ifPresent(a -> path.append("&action=").append(query(a)));
        q.since().ifPresent(s -> path.append("&since=").append(query(s.toString())));
        List<AuditRow> rows = new ArrayList<>();
        call("GET", path.toString(), null).path("entries").forEach(e -> rows.add(new AuditRow(e.path("id").asLong(),
                e.path("created_at").asText(), e.path("actor").asText(), e.path("action").asText(),
                e.path("target_account").asText(""), e.path("target_channel").asText(""), e.path("details").toString())));
        return rows;
    }

    @Override
    public void close() {
        http.close();
    }

    private JsonNode call(String method, String path, JsonNode body) {
        return send(http, server, method, path, body, token);
    }

    private static JsonNode send(HttpClient http, URI server, String method, String path, JsonNode body, String token) {
        HttpRequest.Builder request = HttpRequest.newBuilder(server.resolve(path)).timeout(TIMEOUT);
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        try {
            request.method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                    : HttpRequest.BodyPublishers.ofByteArray(JSON.writeValueAsBytes(body)));
            if (body != null) {
                request.header("Content-Type", "application/json");
            }
            HttpResponse<byte[]> response = http.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
            JsonNode answer = response.body().length == 0 ? JSON.createObjectNode() : JSON.readTree(response.body());
            if (response.statusCode() >= 400) {
                throw new AdminFailure(answer.path("code").asText("http_" + response.statusCode()) + ": "
                        + answer.path("message").asText(""));
            }
            return answer;
        } catch (IOException e) {
            throw new AdminFailure("cannot reach " + server + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AdminFailure("interrupted while talking to " + server, e);
        }
    }

    private static String members(String account) {
        return "/api/v1/members/" + query(account);
    }

    private static String query(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }

    private static MemberRow member(JsonNode m) {
        return new MemberRow(m.path("account_id").asText(), m.path("display_name").asText(""), m.path("role").asText(),
                m.path("status").asText(), m.path("joined_at").asText());
    }

    private static ChannelRow channel(JsonNode c) {
        return new ChannelRow(c.path("id").asText(), c.path("name").asText(), c.path("type").asText(),
                c.path("private").asBoolean(), c.path("archived").asBoolean());
    }
}
