// SPDX-License-Identifier: AGPL-3.0-or-later
/** NexusLink cli module. */
package org.nexuslink.cli;
