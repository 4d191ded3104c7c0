// SPDX-License-Identifier: AGPL-3.0-or-later
package org.nexuslink.p2p.internal.chat;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.SequenceInputStream;
import java.util.Optional;
import org.nexuslink.p2p.MalformedDataException;
import org.nexuslink.p2p.internal.wire.Varint;

/** Unsigned-varint length-prefixed messages, as libp2p protocols frame them. */
public final class Frames {
    private Frames() {}

    public static void write(OutputStream out, byte[] message) throws IOException {
        ByteArrayOutputStream framed = new ByteArrayOutputStream(message.length + Varint.MAX_BYTES);
        Varint.write(message.length, framed);
        framed.writeBytes(message);
        out.write(framed.toByteArray());
        out.flush();
    }

    /**
     * The next message, or empty at a clean end of stream.
     *
     * @throws MalformedDataException if the length is over {@code max}
     * @throws EOFException if the stream ends inside a message
     */
    public static Optional<byte[]> read(InputStream in, int max) throws IOException {
        int first = in.read();
        if (first < 0) {
            return Optional.empty();
        }
        // The first byte is read alone, so that a stream ending between messages is a clean end.
        long length = Varint.read(new SequenceInputStream(new ByteArrayInputStream(new byte[] {(byte) first}), in));
        if (length > max) {
            throw new MalformedDataException("message of " + length + " bytes, at most " + max + " allowed");
        }
        byte[] message = in.readNBytes((int) length);
        if (message.length != length) {
            throw new EOFException("stream ended inside a message");
        }
        return Optional.of(message);
    }
}
