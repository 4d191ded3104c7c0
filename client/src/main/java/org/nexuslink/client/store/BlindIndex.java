// SPDX-License-Identifier: AGPL-3.0-or-later
package org.nexuslink.client.store;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.Arrays;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The blind index of a lookup value: HMAC-SHA256 under the store's index key over a domain name,
 * a NUL and the value. Equal values in one domain give equal indexes, so SQLite can look rows up
 * and keep them unique without ever holding the value; the domain keeps the same value in two
 * tables from giving the same index (no linking a contact to its sessions by equal bytes).
 *
 * <p>Not thread-safe: the store calls it only while holding its database lock.
 */
final class BlindIndex {
    static final int BYTES = 32;

    private final Mac mac;

    BlindIndex(StoreKey storeKey) {
        byte[] raw = storeKey.indexKey();
        try {
            this.mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(raw, "HmacSHA256"));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HMAC-SHA256 is unavailable in this JDK", e);
        } finally {
            Arrays.fill(raw, (byte) 0);
        }
    }

    /** The index of {@code value} in {@code domain} (a fixed ASCII name). */
    byte[] of(String domain, byte[] value) {
        mac.update(domain.getBytes(StandardCharsets.US_ASCII));
        mac.update((byte) 0);
        return mac.doFinal(value);
    }

    byte[] of(String domain, String value) {
        return of(domain, value.getBytes(StandardCharsets.UTF_8));
    }
}
