// SPDX-License-Identifier: AGPL-3.0-or-later
package org.nexuslink.crypto.challenge;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.Locale;
import java.util.Objects;

/**
 * The origin a client talks to, {@code scheme://host[:port]} (RFC 6454), normalised: scheme and
 * host lower-case, the default port of the scheme dropped, no path, user info, query or fragment.
 * Only {@code http} and {@code https}. A sign-in challenge names it so that a device signs only
 * for the server at the URL it is connected to. Immutable.
 */
public record Origin(String scheme, String host, int port) {
    public Origin {
        Objects.requireNonNull(scheme, "scheme");
        Objects.requireNonNull(host, "host");
        scheme = scheme.toLowerCase(Locale.ROOT);
        host = host.toLowerCase(Locale.ROOT);
        if (!scheme.equals("http") && !scheme.equals("https")) {
            throw new IllegalArgumentException("an origin's scheme is http or https, got '" + scheme + "'");
        }
        if (host.isEmpty() || host.length() > 253 || !host.chars().allMatch(Origin::hostChar)) {
            throw new IllegalArgumentException("not a host name or address: '" + host + "'");
        }
        if (port == defaultPort(scheme)) {
            port = -1;
        }
        if (port != -1 && (port < 1 || port > 65535)) {
            throw new IllegalArgumentException("port out of range: " + port);
        }
    }

    /** The origin of a URL (its path and the rest are ignored). */
    public static Origin of(URI url) {
        Objects.requireNonNull(url, "url");
        if (url.getScheme() == null || url.getHost() == null) {
            throw new IllegalArgumentException("not an absolute http(s) URL with a host: " + url);
        }
        return new Origin(url.getScheme(), url.getHost(), url.getPort());
    }

    /**
     * The origin of a scheme and an HTTP {@code Host} header value ({@code host[:port]}).
     *
     * @throws IllegalArgumentException when the header is not a host with an optional port
     */
    public static Origin fromHost(String scheme, String hostHeader) {
        Objects.requireNonNull(hostHeader, "hostHeader");
        try {
            return bare(new URI(scheme + "://" + hostHeader.strip()), hostHeader);
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("not a Host header: '" + hostHeader + "'", e);
        }
    }

    /**
     * Parses the text form, as a challenge carries it.
     *
     * @throws IllegalArgumentException unless the text is exactly a normalised origin
     */
    public static Origin parse(String text) {
        Objects.requireNonNull(text, "text");
        Origin origin;
        try {
            origin = bare(new URI(text), text);
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("not an origin: '" + text + "'", e);
        }
        if (!origin.toString().equals(text)) {
            throw new IllegalArgumentException("origin '" + text + "' is not normalised (expected '" + origin + "')");
        }
        return origin;
    }

    private static Origin bare(URI uri, String text) {
        if (uri.getRawPath() != null && !uri.getRawPath().isEmpty()
                || uri.getRawQuery() != null
                || uri.getRawFragment() != null
                || uri.getRawUserInfo() != null) {
            throw new IllegalArgumentException("an origin has no path, query, fragment or user info: '" + text + "'");
        }
        return of(uri);
    }

    private static int defaultPort(String scheme) {
        return scheme.equals("https") ? 443 : 80;
    }

    private static boolean hostChar(int c) {
        // Names, IPv4 and bracketed IPv6 literals, as URI.getHost() returns them.
        return c >= 'a' && c <= 'z'
                || c >= '0' && c <= '9'
                || c == '.'
                || c == '-'
                || c == '_'
                || c == ':'
                || c == '['
                || c == ']'
                || c == '%';
    }

    @Override
    public String toString() {
        return scheme + "://" + host + (port == -1 ? "" : ":" + port);
    }
}
