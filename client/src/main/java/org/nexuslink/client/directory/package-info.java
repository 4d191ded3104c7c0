// SPDX-License-Identifier: AGPL-3.0-or-later
/**
 * Speaking to a NexusLink directory (docs/directory.md): search, KYC, abuse reports, the
 * community side's registration, and the checks a client makes before it joins a listed
 * community.
 */
package org.nexuslink.client.directory;
