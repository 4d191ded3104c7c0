// SPDX-License-Identifier: AGPL-3.0-or-later
package org.nexuslink.server.config;

/**
 * Invalid configuration: names the offending key (or file) and the problem. The server refuses to
 * start on it and exits with code 2.
 */
public final class ConfigException extends RuntimeException {
    private final String key;

    /**
     * @param key the dotted key ({@code server.port}) or the file that was wrong
     * @param problem what was wrong, with the offending value unless it is secret
     */
    public ConfigException(String key, String problem) {
        super(key + ": " + problem);
        this.key = key;
    }

    /** The dotted key or file name this error is about. */
    public String key() {
        return key;
    }
}
