// SPDX-License-Identifier: AGPL-3.0-or-later
/** NexusLink crypto module. */
package org.nexuslink.crypto;
