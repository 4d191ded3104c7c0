// SPDX-License-Identifier: AGPL-3.0-or-later
package org.nexuslink.client.internal;

import static java.nio.charset.StandardCharsets.UTF_8;

import java.net.URI;
import java.util.Objects;
import java.util.Optional;
import org.nexuslink.client.LocalDevice;
import org.nexuslink.client.community.CommunityApi;
import org.nexuslink.client.keys.PrekeyStock;
import org.nexuslink.client.store.ProfileStore;
import org.nexuslink.crypto.keystore.VaultContents;
import org.nexuslink.crypto.server.ServerPublicKey;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The community a profile belongs to: its URL and the server key pinned at join, both kept in the
 * store's settings, and the API to reach it. Written on the worker thread; read from any.
 */
public final class CommunityLink {
    /** The setting holding the community's URL. */
    public static final String COMMUNITY_URL = "community.url";
    /** The community server's long-term public key, pinned at join (or at the first sign-in of older profiles). */
    public static final String COMMUNITY_SERVER_KEY = "community.server_key";

    private static final Logger LOG = LoggerFactory.getLogger(CommunityLink.class);

    private final ProfileStore store;
    private final VaultContents keys;
    private final LocalDevice me;
    private volatile CommunityApi api;

    public CommunityLink(ProfileStore store, VaultContents keys, LocalDevice me) {
        this.store = Objects.requireNonNull(store, "store");
        this.keys = Objects.requireNonNull(keys, "keys");
        this.me = Objects.requireNonNull(me, "me");
        Optional<ServerPublicKey> pinned =
                store.settings().get(COMMUNITY_SERVER_KEY).map(ServerPublicKey::of);
        store.settings()
                .get(COMMUNITY_URL)
                .map(b -> URI.create(new String(b, UTF_8)))
                .ifPresent(url -> this.api =
                        pinned.map(key -> new CommunityApi(url, key)).orElseGet(() -> new CommunityApi(url)));
    }

    /** The community's URL, once joined. */
    public Optional<URI> server() {
        return Optional.ofNullable(api).map(CommunityApi::server);
    }

    /** The server key this profile pinned, once it has. */
    public Optional<ServerPublicKey> serverKey() {
        return Optional.ofNullable(api).flatMap(CommunityApi::pinnedKey);
    }

    /** The community's API; fails when the profile has joined none. */
    public CommunityApi require() {
        CommunityApi current = api;
        if (current == null) {
            throw new IllegalStateException(
                    "this profile has not joined a community; run `nexuslink community join <url>`");
        }
        return current;
    }

    /**
     * Joins {@code server} (the device holding the identity key registers the account; a linked
     * device only authenticates), publishes prekeys, and pins the key the server presents, unless
     * it differs from {@code expectedKey} or from the key already pinned for that server.
     */
    public void join(
            URI server,
            String displayName,
            Optional<ServerPublicKey> expectedKey,
            String deviceType,
            PrekeyStock prekeys)
            throws Exception {
        CommunityApi unpinned = new CommunityApi(server);
        ServerPublicKey presented = unpinned.serverInfo().publicKey();
        Optional<ServerPublicKey> expected = expectedKey.or(() ->
                Optional.ofNullable(api).filter(a -> a.server().equals(server)).flatMap(CommunityApi::pinnedKey));
        if (expected.isPresent() && !expected.get().equals(presented)) {
            throw new CommunityApi.UntrustedServerException(
                    "refusing to join " + server + ": it presents server key " + presented.base64()
                            + ", not the expected " + expected.get().base64());
        }
        CommunityApi candidate = unpinned.pinnedTo(presented);
        CommunityApi.Session session = keys.identity().isPresent()
                ? candidate.join(keys.identity().get(), keys.deviceKey(), keys.certificate(), displayName, deviceType)
                : candidate.authenticate(me.accountId(), me.deviceId(), keys.deviceKey());
        prekeys.publishAll(candidate, session.token());
        store.settings().put(COMMUNITY_URL, server.toString().getBytes(UTF_8));
        store.settings().put(COMMUNITY_SERVER_KEY, presented.bytes());
        api = candidate;
        LOG.atInfo()
                .setMessage("joined community")
                .addKeyValue("server", server)
                .addKeyValue("server_key", presented.base64())
                .log();
    }

    /**
     * The community's API with its server key pinned. A profile that joined before servers had
     * keys pins the key its server presents now, once (trust on first use), and keeps it.
     */
    public CommunityApi pinned() throws Exception {
        CommunityApi current = require();
        if (current.pinnedKey().isPresent()) {
            return current;
        }
        ServerPublicKey presented = current.serverInfo().publicKey();
        store.settings().put(COMMUNITY_SERVER_KEY, presented.bytes());
        api = current.pinnedTo(presented);
        LOG.atInfo()
                .setMessage("server key pinned")
                .addKeyValue("server", current.server())
                .addKeyValue("server_key", presented.base64())
                .log();
        return api;
    }

    /** Signs in afresh and returns a new token (for calls made while no connection is open). */
    public String signIn() throws Exception {
        return pinned().authenticate(me.accountId(), me.deviceId(), keys.deviceKey())
                .token();
    }

    /** Where the store keeps this community's channel cursors. */
    public String cursorScope() {
        return require().server().toString();
    }
}
