// SPDX-License-Identifier: AGPL-3.0-or-later
package org.nexuslink.server.http;

/**
 * Answers one routed request. Runs on its own virtual thread, so blocking (JDBC, Redis) is fine.
 * Throw {@link ApiException} for a refusal the client should see; anything else is a bug and
 * becomes {@code internal_error}.
 */
@FunctionalInterface
public interface Handler {
    Response handle(Request request) throws Exception;
}
