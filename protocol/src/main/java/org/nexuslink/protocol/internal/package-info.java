// SPDX-License-Identifier: AGPL-3.0-or-later
/**
 * Implementation of the wire codec over msgpack-core; nothing outside the protocol module
 * imports it. Every msgpack-core exception is translated here into a
 * {@link org.nexuslink.protocol.ProtocolException}.
 */
package org.nexuslink.protocol.internal;
