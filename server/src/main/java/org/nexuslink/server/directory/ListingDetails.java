// SPDX-License-Identifier: AGPL-3.0-or-later
package org.nexuslink.server.directory;

import java.net.URI;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.regex.Pattern;
import org.nexuslink.crypto.identity.AccountId;
import org.nexuslink.crypto.identity.InvalidAccountIdException;
import org.nexuslink.crypto.server.ServerPublicKey;
import org.nexuslink.protocol.ErrorCode;
import org.nexuslink.protocol.directory.CommunityRegistration;
import org.nexuslink.server.http.ApiException;

/**
 * What a community says about itself, validated: name 1-100 characters, description up to 1,000,
 * up to 10 tags (lower case letters, digits and '-', 1-32 characters, duplicates dropped), an
 * http(s) endpoint without credentials, query or fragment, an admin account id and a server key.
 */
public record ListingDetails(
        String name, String description, List<String> tags, URI endpoint, AccountId admin, ServerPublicKey serverKey) {
    static final int MAX_TAGS = 10;
    private static final Pattern TAG = Pattern.compile("[\\p{Ll}\\p{Lo}\\p{N}][\\p{Ll}\\p{Lo}\\p{N}-]{0,31}");

    public ListingDetails {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(description, "description");
        tags = List.copyOf(tags);
        Objects.requireNonNull(endpoint, "endpoint");
        Objects.requireNonNull(admin, "admin");
        Objects.requireNonNull(serverKey, "serverKey");
    }

    /**
     * The validated details of a registration or update.
     *
     * @throws ApiException {@code invalid_field} naming the field and the offending value
     */
    static ListingDetails of(CommunityRegistration r) {
        String name = r.name().strip();
        if (name.isEmpty() || name.length() > 100) {
            throw invalid("name must be 1 to 100 characters, got " + name.length());
        }
        String description = r.description().strip();
        if (description.length() > 1000) {
            throw invalid("description must be at most 1000 characters, got " + description.length());
        }
        return new ListingDetails(
                name,
                description,
                tags(r.tags()),
                endpoint(r.endpoint()),
                account(r.adminAccount()),
                serverKey(r.serverKey()));
    }

    static List<String> tags(List<String> raw) {
        List<String> tags = raw.stream()
                .map(t -> t.strip().toLowerCase(Locale.ROOT))
                .distinct()
                .toList();
        if (tags.size() > MAX_TAGS) {
            throw invalid("at most " + MAX_TAGS + " tags, got " + tags.size());
        }
        for (String tag : tags) {
            checkTag(tag);
        }
        return tags;
    }

    static String checkTag(String tag) {
        if (!TAG.matcher(tag).matches()) {
            throw invalid("tag '" + tag
                    + "' must be 1 to 32 lower case letters, digits or '-', starting with a letter or digit");
        }
        return tag;
    }

    static URI endpoint(String text) {
        URI uri;
        try {
            uri = new URI(text.strip());
        } catch (java.net.URISyntaxException e) {
            throw invalid("endpoint '" + text + "' is not a URL: " + e.getReason());
        }
        if (!("http".equals(uri.getScheme()) || "https".equals(uri.getScheme()))
                || uri.getHost() == null
                || uri.getRawUserInfo() != null
                || uri.getRawQuery() != null
                || uri.getRawFragment() != null
                || text.length() > 400) {
            throw invalid(
                    "endpoint '" + text + "' must be an http(s) URL with a host and no credentials, query or fragment");
        }
        String path = uri.getRawPath() == null ? "" : uri.getRawPath();
        return URI.create(uri.getScheme() + "://" + uri.getRawAuthority()
                + (path.endsWith("/") ? path.substring(0, path.length() - 1) : path));
    }

    static AccountId account(String text) {
        try {
            return AccountId.parse(text);
        } catch (InvalidAccountIdException e) {
            throw invalid("account '" + text + "': " + e.getMessage());
        }
    }

    static ServerPublicKey serverKey(String text) {
        try {
            return ServerPublicKey.fromBase64(text);
        } catch (IllegalArgumentException e) {
            throw invalid("server_key: " + e.getMessage());
        }
    }

    static ApiException invalid(String message) {
        return new ApiException(ErrorCode.INVALID_FIELD, message);
    }
}
