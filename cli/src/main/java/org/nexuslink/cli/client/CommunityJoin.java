// SPDX-License-Identifier: AGPL-3.0-or-later
package org.nexuslink.cli.client;

import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.Objects;
import java.util.Optional;
import org.nexuslink.cli.directory.DirectoryJoin;
import org.nexuslink.client.NexusClient;
import org.nexuslink.crypto.server.ServerPublicKey;

/**
 * Joining a community, as {@code nexuslink community join} and the local app do it: a profile
 * belongs to one community, the server's key is pinned (the expected one when given), and a
 * community found in a directory has the directory remembered in the profile.
 */
public final class CommunityJoin {
    /** The longest display name a member may give. */
    public static final int MAX_NAME_LENGTH = 100;

    private CommunityJoin() {}

    /**
     * A server's base URL in the form the profile keeps: http or https, a host, no trailing slash.
     *
     * @throws IllegalArgumentException naming the text
     */
    public static URI parseServerUrl(String text) {
        Objects.requireNonNull(text, "text");
        try {
            URI uri = new URI(text.strip());
            if (!("http".equals(uri.getScheme()) || "https".equals(uri.getScheme())) || uri.getHost() == null) {
                throw new URISyntaxException(text, "not an http or https URL with a host");
            }
            String path = uri.getPath() == null ? "" : uri.getPath();
            return new URI(
                    uri.getScheme(),
                    null,
                    uri.getHost(),
                    uri.getPort(),
                    path.isEmpty() || path.equals("/") ? null : path,
                    null,
                    null);
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("'" + text + "' is not a server URL like http://localhost:8080");
        }
    }

    /**
     * Joins {@code server} with the client's identity, pinning {@code expected} when given, and
     * remembers the directory of a {@code listed} community.
     *
     * @throws ClientFailure when the profile belongs to another community already
     */
    public static void join(
            NexusClient client,
            Path profileDir,
            URI server,
            String displayName,
            Optional<ServerPublicKey> expected,
            Optional<DirectoryJoin.Target> listed)
            throws IOException {
        if (displayName.length() > MAX_NAME_LENGTH) {
            throw new IllegalArgumentException("a display name is at most " + MAX_NAME_LENGTH + " characters");
        }
        Optional<URI> current = client.community();
        if (current.isPresent() && !current.get().equals(server)) {
            throw new ClientFailure("this profile already belongs to " + current.get()
                    + "; a profile joins one community (use another --profile)");
        }
        client.join(server, displayName, expected);
        if (listed.isPresent()) {
            listed.get().memory().write(profileDir);
        }
    }
}
