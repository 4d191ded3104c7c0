// SPDX-License-Identifier: AGPL-3.0-or-later
package org.nexuslink.protocol;

import java.util.Objects;
import org.nexuslink.protocol.internal.Decoder;
import org.nexuslink.protocol.internal.Encoder;

/**
 * Encodes and decodes WebSocket frames (envelopes) and standalone events, as docs/protocol.md
 * specifies.
 *
 * <p>Decoding is strict: any input that is not a valid frame within the {@link CodecLimits}
 * raises {@link ProtocolException} and nothing else. Encoding is canonical, so equal values give
 * equal bytes. Instances are immutable and thread-safe.
 */
public final class EnvelopeCodec {

    private final CodecLimits limits;
    private final Encoder encoder;
    private final Decoder decoder;

    /** Creates a codec with {@link CodecLimits#DEFAULT}. */
    public EnvelopeCodec() {
        this(CodecLimits.DEFAULT);
    }

    /** Creates a codec that enforces {@code limits} on input and output. */
    public EnvelopeCodec(CodecLimits limits) {
        this.limits = Objects.requireNonNull(limits, "limits");
        this.encoder = new Encoder(limits);
        this.decoder = new Decoder(limits);
    }

    /** Returns the limits this codec enforces. */
    public CodecLimits limits() {
        return limits;
    }

    /**
     * Encodes an envelope as one frame.
     *
     * @throws ProtocolException {@code frame_too_large} or {@code limit_exceeded} if the frame
     *     would break the limits
     */
    public byte[] encode(Envelope envelope) {
        return encoder.envelope(Objects.requireNonNull(envelope, "envelope"));
    }

    /**
     * Decodes one frame.
     *
     * @throws ProtocolException if the frame is not a valid envelope; {@link ProtocolException#seq()}
     *     holds the envelope's seq when it could be read
     */
    public Envelope decode(byte[] frame) {
        return decoder.envelope(Objects.requireNonNull(frame, "frame"));
    }

    /**
     * Encodes an event on its own, as the relay stores it.
     *
     * @throws ProtocolException {@code frame_too_large} or {@code limit_exceeded}
     */
    public byte[] encodeEvent(Event event) {
        return encoder.event(Objects.requireNonNull(event, "event"));
    }

    /**
     * Decodes an event encoded on its own.
     *
     * @throws ProtocolException if the bytes are not a valid event
     */
    public Event decodeEvent(byte[] bytes) {
        return decoder.event(Objects.requireNonNull(bytes, "bytes"));
    }
}
