// SPDX-License-Identifier: AGPL-3.0-or-later
/** NexusLink client module. */
package org.nexuslink.client;
