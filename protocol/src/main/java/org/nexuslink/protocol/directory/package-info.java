// SPDX-License-Identifier: AGPL-3.0-or-later
/**
 * The directory API's JSON records (docs/directory.md, docs/api.md): signed request envelopes,
 * the payloads they carry, and what the directory answers. Field names are snake_case on the
 * wire. Every signed payload names the directory it is meant for, a timestamp and a nonce, so a
 * request signed for one directory, or seen once, is refused elsewhere or again. The routes are
 * the directory's entries of {@link org.nexuslink.protocol.api.ApiRoute}, and the JSON rules
 * those of {@link org.nexuslink.protocol.api.ApiJson}; a signed payload travels as the exact
 * bytes its signer wrote, so both sides write it with those rules.
 */
package org.nexuslink.protocol.directory;
