// SPDX-License-Identifier: AGPL-3.0-or-later
/** {@code nexuslink directory}: search a directory, KYC and reports as a user, and the reviewers' commands. */
package org.nexuslink.cli.directory;
