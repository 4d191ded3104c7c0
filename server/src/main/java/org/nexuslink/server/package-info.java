// SPDX-License-Identifier: AGPL-3.0-or-later
/** NexusLink server module. */
package org.nexuslink.server;
