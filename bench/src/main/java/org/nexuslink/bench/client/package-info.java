// SPDX-License-Identifier: AGPL-3.0-or-later
/**
 * JMH benchmarks of the client's per-message encryption: raw libsignal over its in-memory stores
 * against the client's layer (payload codec, certificate check) over the encrypted profile
 * store (docs/benchmarks.md, "Client encrypt and decrypt per message").
 */
package org.nexuslink.bench.client;
