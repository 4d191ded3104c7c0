// SPDX-License-Identifier: AGPL-3.0-or-later
package org.nexuslink.p2p.internal.protocols;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Arrays;
import org.nexuslink.p2p.NegotiationException;

/**
 * libp2p ping ({@code /ipfs/ping/1.0.0}): the dialer sends 32 random bytes, the listener echoes
 * them, on the same stream as many times as the dialer likes. Stateless.
 */
public final class Ping {
    public static final String PROTOCOL = "/ipfs/ping/1.0.0";
    public static final int SIZE = 32;

    private Ping() {}

    /** Echoes every 32-byte payload until the dialer closes its side. */
    public static void serve(InputStream in, OutputStream out) throws IOException {
        while (true) {
            byte[] payload = in.readNBytes(SIZE);
            if (payload.length < SIZE) {
                return;
            }
            out.write(payload);
            out.flush();
        }
    }

    /** One ping; the round-trip time. */
    public static Duration ping(InputStream in, OutputStream out, SecureRandom random) throws IOException {
        byte[] payload = new byte[SIZE];
        random.nextBytes(payload);
        long start = System.nanoTime();
        out.write(payload);
        out.flush();
        byte[] echo = in.readNBytes(SIZE);
        long elapsed = System.nanoTime() - start;
        if (!Arrays.equals(echo, payload)) {
            throw new NegotiationException("ping answer does not echo the payload");
        }
        return Duration.ofNanos(elapsed);
    }
}
