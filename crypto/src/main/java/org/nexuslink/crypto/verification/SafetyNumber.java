// SPDX-License-Identifier: AGPL-3.0-or-later
package org.nexuslink.crypto.verification;

import java.nio.charset.StandardCharsets;
import java.util.Objects;
import org.nexuslink.crypto.identity.AccountId;
import org.signal.libsignal.protocol.fingerprint.Fingerprint;
import org.signal.libsignal.protocol.fingerprint.FingerprintParsingException;
import org.signal.libsignal.protocol.fingerprint.FingerprintVersionMismatchException;
import org.signal.libsignal.protocol.fingerprint.NumericFingerprintGenerator;

/**
 * The safety number of two accounts: libsignal's numeric fingerprint over both identity keys,
 * with each account's {@code nxl:} text (UTF-8) as its stable identifier. Both sides see the same
 * 60 digits; the scannable form is what a QR code carries.
 *
 * <p>Immutable and thread-safe.
 */
public final class SafetyNumber {
    /** libsignal's hash iterations for fingerprints, as Signal uses. */
    public static final int ITERATIONS = 5200;
    /** The scannable fingerprint version; libsignal's current one. */
    public static final int VERSION = 2;

    private final Fingerprint fingerprint;

    private SafetyNumber(Fingerprint fingerprint) {
        this.fingerprint = fingerprint;
    }

    /** The safety number as {@code local} sees it with {@code remote}. */
    public static SafetyNumber between(AccountId local, AccountId remote) {
        Objects.requireNonNull(local, "local");
        Objects.requireNonNull(remote, "remote");
        Fingerprint f = new NumericFingerprintGenerator(ITERATIONS)
                .createFor(
                        VERSION,
                        local.toString().getBytes(StandardCharsets.UTF_8),
                        local.identityKey(),
                        remote.toString().getBytes(StandardCharsets.UTF_8),
                        remote.identityKey());
        return new SafetyNumber(f);
    }

    /** The 60 digits, without spaces. */
    public String digits() {
        return fingerprint.getDisplayableFingerprint().getDisplayText();
    }

    /** The 60 digits in twelve groups of five, as people read them to each other. */
    public String displayText() {
        String d = digits();
        StringBuilder out = new StringBuilder(d.length() + 11);
        for (int i = 0; i < d.length(); i += 5) {
            if (i > 0) {
                out.append(' ');
            }
            out.append(d, i, Math.min(i + 5, d.length()));
        }
        return out.toString();
    }

    /** The bytes to show as a QR code for the other side to scan. */
    public byte[] scannable() {
        return fingerprint.getScannableFingerprint().getSerialized();
    }

    /**
     * Whether the other side's scanned code shows the same two keys.
     *
     * @throws InvalidFingerprintException if the scan is not a fingerprint or has another version
     */
    public boolean matchesScanned(byte[] scanned) throws InvalidFingerprintException {
        try {
            return fingerprint.getScannableFingerprint().compareTo(scanned);
        } catch (FingerprintVersionMismatchException e) {
            throw new InvalidFingerprintException(
                    InvalidFingerprintException.Reason.VERSION_MISMATCH,
                    "the scanned safety number has another version (theirs " + e.getTheirVersion() + ", ours "
                            + e.getOurVersion() + ")",
                    e);
        } catch (FingerprintParsingException e) {
            throw new InvalidFingerprintException(
                    InvalidFingerprintException.Reason.MALFORMED, "the scanned code is not a safety number", e);
        }
    }

    @Override
    public String toString() {
        return displayText();
    }
}
