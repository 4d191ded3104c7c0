// SPDX-License-Identifier: AGPL-3.0-or-later
/**
 * The NexusLink wire protocol: envelopes and events (MsgPack maps with integer keys), the
 * command and kind registries, tags, typed ids, the {@link org.nexuslink.protocol.ErrorCode}
 * list and the JSON error body of the REST API. docs/protocol.md is the specification;
 * {@link org.nexuslink.protocol.EnvelopeCodec} implements it.
 */
package org.nexuslink.protocol;
