// SPDX-License-Identifier: AGPL-3.0-or-later
/** The {@code nexuslink id} commands: create, restore, show and verify an account identity. */
package org.nexuslink.cli.id;
