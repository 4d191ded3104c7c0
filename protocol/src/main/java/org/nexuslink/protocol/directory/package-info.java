// SPDX-License-Identifier: AGPL-3.0-or-later
/**
 * The directory API's JSON records (docs/directory.md, docs/api.md): signed request envelopes,
 * the payloads they carry, and what the directory answers. Field names are snake_case on the
 * wire. Every signed payload names the directory it is meant for, a timestamp and a nonce, so a
 * request signed for one directory, or seen once, is refused elsewhere or again.
 */
package org.nexuslink.protocol.directory;
