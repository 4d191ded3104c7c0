// SPDX-License-Identifier: AGPL-3.0-or-later
/** {@code nexuslink chat}: an interactive terminal chat in one conversation (JLine). */
package org.nexuslink.cli.chat;
