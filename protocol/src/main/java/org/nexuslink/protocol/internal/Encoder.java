// SPDX-License-Identifier: AGPL-3.0-or-later
package org.nexuslink.protocol.internal;

import java.time.Instant;
import java.util.Map;
import org.nexuslink.protocol.Ack;
import org.nexuslink.protocol.Body;
import org.nexuslink.protocol.CatchUpRequest;
import org.nexuslink.protocol.CatchUpResult;
import org.nexuslink.protocol.CodecLimits;
import org.nexuslink.protocol.DirectPush;
import org.nexuslink.protocol.DirectSend;
import org.nexuslink.protocol.Envelope;
import org.nexuslink.protocol.ErrorBody;
import org.nexuslink.protocol.Event;
import org.nexuslink.protocol.Extensions;
import org.nexuslink.protocol.Hello;
import org.nexuslink.protocol.Notice;
import org.nexuslink.protocol.RawValue;
import org.nexuslink.protocol.Tag;

/**
 * Encodes envelopes and events canonically: map keys ascending, absent and default-valued
 * optional fields omitted, shortest encodings. Equal values therefore give equal bytes.
 *
 * <p>The output is checked against the same limits the decoder applies, so nothing is sent that
 * a peer with those limits would refuse. Stateless and thread-safe.
 */
public final class Encoder {

    private final CodecLimits limits;

    /** Creates an encoder that refuses output beyond {@code limits}. */
    public Encoder(CodecLimits limits) {
        this.limits = limits;
    }

    /** Encodes an envelope; a frame beyond the limits raises {@code frame_too_large} or {@code limit_exceeded}. */
    public byte[] envelope(Envelope envelope) {
        WireWriter w = new WireWriter();
        boolean hasBody = !(envelope.body() instanceof Body.Empty);
        w.mapHeader(3
                + count(envelope.sid().isPresent())
                + count(hasBody)
                + count(!envelope.ext().isEmpty()));
        w.uint(0).uint(Envelope.VERSION);
        w.uint(1).uint(envelope.command().code());
        w.uint(2).uint(envelope.seq().value());
        envelope.sid().ifPresent(sid -> w.uint(3).bin(sid.value()));
        if (hasBody) {
            w.uint(4);
            body(w, envelope.body());
        }
        if (!envelope.ext().isEmpty()) {
            w.uint(15);
            ext(w, envelope.ext());
        }
        return checked(w.toByteArray());
    }

    /** Encodes an event on its own, as a relay stores it. */
    public byte[] event(Event event) {
        WireWriter w = new WireWriter();
        event(w, event);
        return checked(w.toByteArray());
    }

    private byte[] checked(byte[] frame) {
        FrameValidator.validate(frame, limits);
        return frame;
    }

    private static void body(WireWriter w, Body body) {
        switch (body) {
            case Body.Empty empty -> throw new IllegalStateException("an empty body is omitted, not written");
            case Hello hello -> w.mapHeader(1).uint(0).str(hello.token());
            case Event event -> event(w, event);
            case Ack ack -> {
                w.mapHeader(count(ack.mid().isPresent()) + count(ack.time().isPresent()));
                ack.mid().ifPresent(mid -> w.uint(0).uint(mid.value()));
                ack.time().ifPresent(time -> w.uint(1).uint(seconds(time)));
            }
            case ErrorBody error ->
                w.mapHeader(2).uint(0).str(error.code()).uint(1).str(error.message());
            case Notice notice ->
                w.mapHeader(2).uint(0).str(notice.type()).uint(1).str(notice.detail());
            case DirectSend send -> {
                w.mapHeader(2)
                        .uint(0)
                        .bin(send.messageId())
                        .uint(1)
                        .arrayHeader(send.copies().size());
                send.copies()
                        .forEach(copy -> w.mapHeader(4)
                                .uint(0)
                                .str(copy.account())
                                .uint(1)
                                .uint(copy.device())
                                .uint(2)
                                .uint(copy.type())
                                .uint(3)
                                .bin(copy.ciphertext()));
            }
            case DirectPush push ->
                w.mapHeader(7)
                        .uint(0)
                        .uint(push.entry())
                        .uint(1)
                        .bin(push.messageId())
                        .uint(2)
                        .str(push.sender())
                        .uint(3)
                        .uint(push.senderDevice())
                        .uint(4)
                        .uint(seconds(push.time()))
                        .uint(5)
                        .uint(push.type())
                        .uint(6)
                        .bin(push.ciphertext());
            case CatchUpRequest request -> {
                w.mapHeader(2 + count(request.after().isPresent()));
                w.uint(0).bin(request.cid().value());
                request.after().ifPresent(after -> w.uint(1).uint(after.value()));
                w.uint(2).uint(request.limit());
            }
            case CatchUpResult result -> {
                w.mapHeader(count(!result.events().isEmpty()) + count(result.more()));
                if (!result.events().isEmpty()) {
                    w.uint(0).arrayHeader(result.events().size());
                    result.events().forEach(event -> event(w, event));
                }
                if (result.more()) {
                    w.uint(1).bool(true);
                }
            }
        }
    }

    private static void event(WireWriter w, Event event) {
        w.mapHeader(4
                + count(event.mid().isPresent())
                + count(event.time().isPresent())
                + count(!event.flags().isEmpty())
                + count(!event.tags().isEmpty())
                + count(event.signature().isPresent())
                + count(!event.ext().isEmpty()));
        w.uint(0).uint(Event.VERSION);
        w.uint(1).bin(event.cid().value());
        w.uint(2).uint(event.kind().code());
        event.mid().ifPresent(mid -> w.uint(3).uint(mid.value()));
        event.time().ifPresent(time -> w.uint(4).uint(seconds(time)));
        if (!event.flags().isEmpty()) {
            w.uint(5).uint(event.flags().bits());
        }
        if (!event.tags().isEmpty()) {
            w.uint(6).arrayHeader(event.tags().size());
            event.tags().forEach(tag -> tag(w, tag));
        }
        w.uint(7).bin(event.data());
        event.signature().ifPresent(sig -> w.uint(8).bin(sig));
        if (!event.ext().isEmpty()) {
            w.uint(15);
            ext(w, event.ext());
        }
    }

    private static void tag(WireWriter w, Tag tag) {
        switch (tag) {
            case Tag.Reply reply ->
                w.arrayHeader(2).uint(Tag.REPLY_TYPE).uint(reply.target().value());
            case Tag.Revoke revoke ->
                w.arrayHeader(2).uint(Tag.REVOKE_TYPE).uint(revoke.target().value());
            case Tag.Unknown unknown -> {
                w.arrayHeader(1 + unknown.values().size()).uint(unknown.type());
                unknown.values().forEach(w::raw);
            }
        }
    }

    private static void ext(WireWriter w, Extensions ext) {
        w.mapHeader(ext.entries().size());
        for (Map.Entry<Integer, RawValue> entry : ext.entries().entrySet()) {
            w.uint(entry.getKey()).raw(entry.getValue());
        }
    }

    private static long seconds(Instant time) {
        return time.getEpochSecond();
    }

    private static int count(boolean present) {
        return present ? 1 : 0;
    }
}
