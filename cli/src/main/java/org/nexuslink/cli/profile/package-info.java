// SPDX-License-Identifier: AGPL-3.0-or-later
/** Command-line options shared by commands that work on a local profile directory. */
package org.nexuslink.cli.profile;
