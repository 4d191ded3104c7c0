// SPDX-License-Identifier: AGPL-3.0-or-later
package org.nexuslink.cli.directory;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.Optional;
import org.nexuslink.cli.client.ClientFailure;
import org.nexuslink.client.directory.DirectoryClient;
import org.nexuslink.client.directory.DirectoryException;
import org.nexuslink.client.directory.JoinedDirectory;
import org.nexuslink.crypto.server.ServerPublicKey;
import org.nexuslink.protocol.directory.CommunityListing;

/**
 * {@code community join --directory URL --id ID}: finds the listing, checks the directory's
 * signature on it (the directory's key remembered in the profile once seen) and that the
 * community's live key is the listed one, then tells the join which endpoint and key to pin.
 */
public final class DirectoryJoin {
    /** The listed community to join: its endpoint and the key the join must find there. */
    public record Target(URI endpoint, ServerPublicKey serverKey, JoinedDirectory memory) {}

    private DirectoryJoin() {}

    /**
     * Resolves a listed community.
     *
     * @throws ClientFailure when the directory refuses, the listing is not signed by it, or the
     *     community presents another key than the listed one
     */
    public static Target resolve(Path profileDir, URI directory, String communityId, Clock clock, SecureRandom random)
            throws IOException, InterruptedException {
        Optional<ServerPublicKey> remembered = JoinedDirectory.read(profileDir)
                .filter(j -> j.directoryUrl().equals(strip(directory.toString())))
                .map(j -> ServerPublicKey.fromBase64(j.directoryKey()));
        try {
            DirectoryClient client = DirectoryClient.connect(directory, remembered, clock, random);
            CommunityListing listing = client.verifiedForJoin(communityId);
            return new Target(
                    URI.create(listing.endpoint()),
                    ServerPublicKey.fromBase64(listing.serverKey()),
                    new JoinedDirectory(
                            client.uri().toString(),
                            client.pinnedKey().base64(),
                            listing.communityId(),
                            listing.serverKey()));
        } catch (DirectoryException e) {
            throw new ClientFailure("not joining: " + e.code() + ": " + e.getMessage());
        }
    }

    private static String strip(String url) {
        return url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
    }
}
