// SPDX-License-Identifier: AGPL-3.0-or-later
/** NexusLink protocol module. */
package org.nexuslink.protocol;
