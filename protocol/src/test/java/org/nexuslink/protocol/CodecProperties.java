// SPDX-License-Identifier: AGPL-3.0-or-later
package org.nexuslink.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

class CodecProperties {

    private final EnvelopeCodec codec = new EnvelopeCodec();

    @Property(tries = 1000)
    void every_envelope_survives_an_encode_decode_round_trip(@ForAll("envelopes") Envelope envelope) {
        byte[] frame = codec.encode(envelope);
        assertThat(codec.decode(frame)).isEqualTo(envelope);
        assertThat(codec.encode(codec.decode(frame))).isEqualTo(frame);
    }

    @Property(tries = 1000)
    void every_event_survives_a_round_trip_on_its_own(@ForAll("events") Event event) {
        assertThat(codec.decodeEvent(codec.encodeEvent(event))).isEqualTo(event);
    }

    @Property(tries = 3000)
    void random_bytes_raise_only_protocol_exception(@ForAll("noise") byte[] bytes) {
        decodeOrProtocolException(bytes);
    }

    @Property(tries = 3000)
    void random_bytes_after_an_envelope_prefix_raise_only_protocol_exception(@ForAll("noise") byte[] tail) {
        byte[] prefix = Bytes.fromHex("85 00 01 01 04 02 01 04").toByteArray();
        byte[] frame = new byte[prefix.length + tail.length];
        System.arraycopy(prefix, 0, frame, 0, prefix.length);
        System.arraycopy(tail, 0, frame, prefix.length, tail.length);
        decodeOrProtocolException(frame);
    }

    private void decodeOrProtocolException(byte[] bytes) {
        try {
            Envelope decoded = codec.decode(bytes);
            assertThat(codec.decode(codec.encode(decoded))).isEqualTo(decoded);
        } catch (ProtocolException expected) {
            assertThat(expected.code()).isNotNull();
        }
        try {
            codec.decodeEvent(bytes);
        } catch (ProtocolException expected) {
            assertThat(expected.code()).isNotNull();
        }
    }

    @Provide
    Arbitrary<byte[]> noise() {
        return Arbitraries.bytes().array(byte[].class).ofMaxSize(120);
    }

    @Provide
    Arbitrary<Envelope> envelopes() {
        return Arbitraries.of(Command.values())
                .flatMap(command -> Combinators.combine(
                                Arbitraries.longs().map(Seq::new),
                                bodyOf(command),
                                Arbitraries.of(true, false),
                                extensions())
                        .as((seq, body, withSid, ext) -> {
                            Envelope envelope = new Envelope(command, seq, Optional.empty(), body, ext);
                            return withSid
                                    ? envelope.withSid(
                                            body instanceof Event e ? e.cid() : new ConversationId(Bytes.fromHex("0a")))
                                    : envelope;
                        }));
    }

    private Arbitrary<? extends Body> bodyOf(Command command) {
        return switch (command) {
            case HELLO -> Arbitraries.strings().ofMinLength(1).ofMaxLength(40).map(Hello::new);
            case PING, PONG -> Arbitraries.just(Body.Empty.INSTANCE);
            case SEND_EVENT ->
                events().map(e -> new Event(
                        e.cid(),
                        e.kind(),
                        Optional.empty(),
                        Optional.empty(),
                        e.flags(),
                        e.tags(),
                        e.data(),
                        e.signature(),
                        e.ext()));
            case EVENT_PUSH -> storedEvents();
            case ACK ->
                Combinators.combine(messageIds().optional(), times().optional()).as(Ack::new);
            case ERROR ->
                Combinators.combine(
                                Arbitraries.strings()
                                        .withCharRange('a', 'z')
                                        .ofMinLength(1)
                                        .ofMaxLength(20),
                                Arbitraries.strings().ofMaxLength(60))
                        .as(ErrorBody::new);
            case CATCH_UP ->
                Combinators.combine(
                                conversationIds(),
                                messageIds().optional(),
                                Arbitraries.integers().between(1, CatchUpRequest.MAX_LIMIT))
                        .as(CatchUpRequest::new);
            case CATCH_UP_RESULT ->
                Combinators.combine(storedEvents().list().ofMaxSize(4), Arbitraries.of(true, false))
                        .as(CatchUpResult::new);
            case SEND_DIRECT ->
                Combinators.combine(
                                Arbitraries.bytes()
                                        .array(byte[].class)
                                        .ofSize(16)
                                        .map(Bytes::of),
                                Combinators.combine(
                                                Arbitraries.of("nxl:a", "nxl:b", "nxl:c"),
                                                Arbitraries.integers().between(1, 127),
                                                Arbitraries.integers().between(0, 255),
                                                Arbitraries.bytes()
                                                        .array(byte[].class)
                                                        .ofMinSize(1)
                                                        .ofMaxSize(40)
                                                        .map(Bytes::of))
                                        .as(DirectSend.Copy::new)
                                        .list()
                                        .ofMinSize(1)
                                        .ofMaxSize(4)
                                        .uniqueElements(c -> c.account() + ":" + c.device()))
                        .as(DirectSend::new);
            case DIRECT_PUSH ->
                Combinators.combine(
                                Arbitraries.longs().filter(l -> l != 0),
                                Arbitraries.bytes()
                                        .array(byte[].class)
                                        .ofSize(16)
                                        .map(Bytes::of),
                                Arbitraries.of("nxl:a", "nxl:b"),
                                Arbitraries.integers().between(1, 127),
                                times(),
                                Arbitraries.integers().between(0, 255),
                                Arbitraries.bytes()
                                        .array(byte[].class)
                                        .ofMinSize(1)
                                        .ofMaxSize(40)
                                        .map(Bytes::of))
                        .as(DirectPush::new);
            case NOTICE ->
                Combinators.combine(
                                Arbitraries.strings()
                                        .withCharRange('a', 'z')
                                        .ofMinLength(1)
                                        .ofMaxLength(20),
                                Arbitraries.strings().ofMaxLength(60))
                        .as(Notice::new);
        };
    }

    @Provide
    Arbitrary<Event> events() {
        Arbitrary<Event> core = Combinators.combine(
                        conversationIds(),
                        kinds(),
                        messageIds().optional(),
                        times().optional(),
                        Arbitraries.longs().between(0, Flags.MAX_BITS).map(Flags::new),
                        tags().list().ofMaxSize(4),
                        Arbitraries.bytes().array(byte[].class).ofMaxSize(300).map(Bytes::of))
                .as((cid, kind, mid, time, flags, tags, data) ->
                        new Event(cid, kind, mid, time, flags, tags, data, Optional.empty(), Extensions.EMPTY));
        return Combinators.combine(
                        core,
                        Arbitraries.bytes()
                                .array(byte[].class)
                                .ofMinSize(1)
                                .ofMaxSize(64)
                                .map(Bytes::of)
                                .optional(),
                        extensions())
                .as((event, sig, ext) -> new Event(
                        event.cid(),
                        event.kind(),
                        event.mid(),
                        event.time(),
                        event.flags(),
                        event.tags(),
                        event.data(),
                        sig,
                        ext));
    }

    private Arbitrary<Event> storedEvents() {
        return Combinators.combine(events(), messageIds(), times()).as(Event::stored);
    }

    private static Arbitrary<ConversationId> conversationIds() {
        return Arbitraries.bytes()
                .array(byte[].class)
                .ofMinSize(1)
                .ofMaxSize(ConversationId.MAX_LENGTH)
                .map(b -> new ConversationId(Bytes.of(b)));
    }

    private static Arbitrary<Kind> kinds() {
        return Arbitraries.oneOf(
                Arbitraries.of(Kind.TEXT, Kind.FILE, Kind.REVOKE),
                Arbitraries.integers().between(0, Kind.MAX_CODE).map(Kind::new));
    }

    private static Arbitrary<MessageId> messageIds() {
        return Arbitraries.longs().filter(v -> v != 0).map(MessageId::new);
    }

    private static Arbitrary<Instant> times() {
        return Arbitraries.longs().between(0, Instant.MAX.getEpochSecond()).map(Instant::ofEpochSecond);
    }

    private static Arbitrary<Tag> tags() {
        return Arbitraries.oneOf(
                messageIds().map(Tag.Reply::new),
                messageIds().map(Tag.Revoke::new),
                Combinators.combine(
                                Arbitraries.integers()
                                        .between(0, Tag.MAX_TYPE)
                                        .filter(t -> t != Tag.REPLY_TYPE && t != Tag.REVOKE_TYPE),
                                rawValues().list().ofMinSize(1).ofMaxSize(3))
                        .as(Tag.Unknown::new));
    }

    private static Arbitrary<Extensions> extensions() {
        return Arbitraries.maps(Arbitraries.integers().between(0, Extensions.MAX_KEY), rawValues())
                .ofMaxSize(3)
                .map(Extensions::of);
    }

    /** Any MsgPack value: scalars, and arrays and maps of them, as a foreign encoder wrote them. */
    private static Arbitrary<RawValue> rawValues() {
        Arbitrary<Object> scalar = Arbitraries.oneOf(
                Arbitraries.longs().map(Object.class::cast),
                Arbitraries.strings().ofMaxLength(12).map(Object.class::cast),
                Arbitraries.bytes().array(byte[].class).ofMaxSize(12).map(Object.class::cast),
                Arbitraries.of(true, false).map(Object.class::cast),
                Arbitraries.doubles().map(Object.class::cast),
                Arbitraries.just(null));
        Arbitrary<Object> value = Arbitraries.oneOf(
                scalar,
                scalar.list().ofMaxSize(3).map(Object.class::cast),
                Arbitraries.maps(Arbitraries.integers().between(0, 99), scalar)
                        .ofMaxSize(3)
                        .map(m -> (Object) Map.copyOf(m.entrySet().stream()
                                .filter(e -> e.getValue() != null)
                                .collect(java.util.stream.Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue)))));
        return value.map(v -> new RawValue(Bytes.of(MsgPack.pack(v))));
    }
}
