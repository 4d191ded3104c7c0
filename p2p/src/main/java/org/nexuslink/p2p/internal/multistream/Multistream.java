// SPDX-License-Identifier: AGPL-3.0-or-later
package org.nexuslink.p2p.internal.multistream;

import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import java.util.function.Predicate;
import org.nexuslink.p2p.MalformedDataException;
import org.nexuslink.p2p.NegotiationException;
import org.nexuslink.p2p.internal.wire.Varint;

/**
 * multistream-select 1.0: agree on the protocol of a connection or stream. Every message is a
 * varint length, then UTF-8 text ending in {@code '\n'}; both sides first send the header
 * {@code /multistream/1.0.0}, then the dialer proposes protocols one at a time and the
 * listener echoes the one it accepts or answers {@code na}.
 *
 * <p>The dialer sends the header and its first proposal in one write (as js-libp2p and
 * go-libp2p do), saving a round trip. {@code ls} is answered with {@code na}. Stateless.
 */
public final class Multistream {
    public static final String HEADER = "/multistream/1.0.0";
    public static final String NA = "na";
    /** Longest message accepted; protocol ids are short, and this bounds a hostile peer. */
    public static final int MAX_MESSAGE = 1024;
    /** Proposals a listener answers before it gives up on a dialer. */
    public static final int MAX_PROPOSALS = 32;

    private Multistream() {}

    /** One framed message: varint length, text, newline. */
    public static byte[] frame(String message) {
        byte[] text = (message + "\n").getBytes(StandardCharsets.UTF_8);
        ByteArrayOutputStream out = new ByteArrayOutputStream(text.length + 2);
        Varint.write(text.length, out);
        out.writeBytes(text);
        return out.toByteArray();
    }

    /**
     * Reads one message and returns its text without the newline.
     *
     * @throws MalformedDataException if it is empty, too long, not UTF-8 or lacks the newline
     * @throws EOFException if the stream ends
     */
    public static String read(InputStream in) throws IOException {
        long length = Varint.read(in);
        if (length < 1 || length > MAX_MESSAGE) {
            throw new MalformedDataException("multistream message length out of range: " + length);
        }
        byte[] bytes = in.readNBytes((int) length);
        if (bytes.length != length) {
            throw new EOFException("stream ended inside a multistream message");
        }
        if (bytes[bytes.length - 1] != '\n') {
            throw new MalformedDataException("multistream message does not end with a newline");
        }
        try {
            return StandardCharsets.UTF_8
                    .newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes, 0, bytes.length - 1))
                    .toString();
        } catch (CharacterCodingException e) {
            throw new MalformedDataException("multistream message is not UTF-8", e);
        }
    }

    /**
     * Dialer side: proposes {@code protocols} in order and returns the one the listener accepts.
     *
     * @throws NegotiationException if the listener speaks another multistream version, accepts
     *     none, or answers something it was not offered
     */
    public static String select(InputStream in, OutputStream out, List<String> protocols) throws IOException {
        if (protocols.isEmpty()) {
            throw new IllegalArgumentException("no protocol to propose");
        }
        ByteArrayOutputStream first = new ByteArrayOutputStream();
        first.writeBytes(frame(HEADER));
        first.writeBytes(frame(protocols.get(0)));
        out.write(first.toByteArray());
        out.flush();
        String header = read(in);
        if (!header.equals(HEADER)) {
            throw new NegotiationException("peer does not speak " + HEADER);
        }
        for (int i = 0; i < protocols.size(); i++) {
            if (i > 0) {
                out.write(frame(protocols.get(i)));
                out.flush();
            }
            String answer = read(in);
            if (answer.equals(protocols.get(i))) {
                return answer;
            }
            if (!answer.equals(NA)) {
                throw new NegotiationException("peer answered a protocol it was not offered");
            }
        }
        throw new NegotiationException("peer supports none of " + protocols);
    }

    /**
     * Listener side: answers proposals until one is {@code supported}, and returns it; empty if
     * the dialer closed the stream without agreeing.
     *
     * @throws NegotiationException if the dialer speaks another multistream version or makes
     *     more than {@link #MAX_PROPOSALS} proposals
     */
    public static Optional<String> handle(InputStream in, OutputStream out, Predicate<String> supported)
            throws IOException {
        out.write(frame(HEADER));
        out.flush();
        String header;
        try {
            header = read(in);
        } catch (EOFException e) {
            return Optional.empty();
        }
        if (!header.equals(HEADER)) {
            throw new NegotiationException("peer does not speak " + HEADER);
        }
        for (int i = 0; i < MAX_PROPOSALS; i++) {
            String proposal;
            try {
                proposal = read(in);
            } catch (EOFException e) {
                return Optional.empty();
            }
            if (!proposal.equals(NA) && supported.test(proposal)) {
                out.write(frame(proposal));
                out.flush();
                return Optional.of(proposal);
            }
            out.write(frame(NA));
            out.flush();
        }
        throw new NegotiationException("peer made more than " + MAX_PROPOSALS + " proposals");
    }
}
