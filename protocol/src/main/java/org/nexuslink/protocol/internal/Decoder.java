// SPDX-License-Identifier: AGPL-3.0-or-later
package org.nexuslink.protocol.internal;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.Supplier;
import org.nexuslink.protocol.Ack;
import org.nexuslink.protocol.Body;
import org.nexuslink.protocol.Bytes;
import org.nexuslink.protocol.CatchUpRequest;
import org.nexuslink.protocol.CatchUpResult;
import org.nexuslink.protocol.CodecLimits;
import org.nexuslink.protocol.Command;
import org.nexuslink.protocol.ConversationId;
import org.nexuslink.protocol.DirectPush;
import org.nexuslink.protocol.DirectSend;
import org.nexuslink.protocol.Envelope;
import org.nexuslink.protocol.ErrorBody;
import org.nexuslink.protocol.ErrorCode;
import org.nexuslink.protocol.Event;
import org.nexuslink.protocol.Extensions;
import org.nexuslink.protocol.Flags;
import org.nexuslink.protocol.Hello;
import org.nexuslink.protocol.Kind;
import org.nexuslink.protocol.MessageId;
import org.nexuslink.protocol.Notice;
import org.nexuslink.protocol.ProtocolException;
import org.nexuslink.protocol.RawValue;
import org.nexuslink.protocol.Seq;
import org.nexuslink.protocol.Tag;

/**
 * Decodes envelopes and events strictly: the frame is validated as one well-formed MsgPack value
 * within the limits, then each field is read with its type and range checked. Unknown map keys
 * are ignored; {@code ext} and unknown tags are kept verbatim. Stateless and thread-safe.
 */
public final class Decoder {

    private static final long MAX_EPOCH_SECOND = Instant.MAX.getEpochSecond();

    private final CodecLimits limits;

    /** Creates a decoder that refuses input beyond {@code limits}. */
    public Decoder(CodecLimits limits) {
        this.limits = limits;
    }

    /**
     * Decodes one envelope.
     *
     * @throws ProtocolException for any bad input; it carries the seq if that could be read
     */
    public Envelope envelope(byte[] frame) {
        FrameValidator.validate(frame, limits);
        Fields fields = Fields.scan(new WireReader(frame, 0, frame.length, "envelope"), "envelope");
        // Read seq first so every later error can be addressed to the request, but report a
        // version mismatch before a seq problem: a newer peer's envelope may lay seq out differently.
        Seq seq = null;
        ProtocolException seqError = null;
        try {
            seq = new Seq(fields.required(2, "seq").uint(WireReader.UINT64_MAX));
        } catch (ProtocolException e) {
            seqError = e;
        }
        try {
            requireVersion(fields.required(0, "v"), Envelope.VERSION);
            if (seqError != null) {
                throw seqError;
            }
            Command command = command(fields.required(1, "cmd"));
            Optional<ConversationId> sid = fields.optional(3, "sid").map(Decoder::conversationId);
            Body body = body(command, fields.optional(4, "body"));
            Extensions ext = fields.optional(15, "ext").map(Decoder::extensions).orElse(Extensions.EMPTY);
            Seq finalSeq = seq;
            return construct("envelope", () -> new Envelope(command, finalSeq, sid, body, ext));
        } catch (ProtocolException e) {
            throw seq == null ? e : e.withSeq(seq);
        }
    }

    /** Decodes one event stored or sent on its own. */
    public Event event(byte[] frame) {
        FrameValidator.validate(frame, limits);
        return event(new WireReader(frame, 0, frame.length, "event"));
    }

    private static void requireVersion(WireReader field, int supported) {
        long version = field.uint(WireReader.UINT64_MAX);
        if (version != supported) {
            throw new ProtocolException(
                    ErrorCode.UNSUPPORTED_VERSION,
                    field.path(),
                    "version " + Long.toUnsignedString(version) + " is not supported; this peer speaks " + supported);
        }
    }

    private static Command command(WireReader field) {
        long code = field.uint(WireReader.UINT64_MAX);
        Optional<Command> command = code <= Command.MAX_CODE ? Command.fromCode((int) code) : Optional.empty();
        return command.orElseThrow(() -> new ProtocolException(
                ErrorCode.UNKNOWN_COMMAND, field.path(), "unknown command " + Long.toUnsignedString(code)));
    }

    private static Body body(Command command, Optional<WireReader> field) {
        // Commands without a body ignore one if present, as receivers ignore unknown keys.
        if (command.bodyType() == Body.Empty.class) {
            return Body.Empty.INSTANCE;
        }
        WireReader body =
                field.orElseThrow(() -> WireReader.invalid("envelope.body", command.wireName() + " requires a body"));
        return switch (command) {
            case PING, PONG -> Body.Empty.INSTANCE;
            case HELLO -> hello(body);
            case SEND_EVENT, EVENT_PUSH -> event(body);
            case ACK -> ack(body);
            case ERROR -> error(body);
            case CATCH_UP -> catchUpRequest(body);
            case CATCH_UP_RESULT -> catchUpResult(body);
            case NOTICE -> notice(body);
            case SEND_DIRECT -> directSend(body);
            case DIRECT_PUSH -> directPush(body);
        };
    }

    private static Hello hello(WireReader reader) {
        Fields fields = Fields.scan(reader, reader.path());
        String token = fields.required(0, "token").str();
        return construct(reader.path(), () -> new Hello(token));
    }

    private static Notice notice(WireReader reader) {
        Fields fields = Fields.scan(reader, reader.path());
        String type = fields.required(0, "type").str();
        String detail = fields.required(1, "detail").str();
        return construct(reader.path(), () -> new Notice(type, detail));
    }

    private static DirectSend directSend(WireReader reader) {
        Fields fields = Fields.scan(reader, reader.path());
        Bytes messageId =
                fields.required(0, "message_id").bin(DirectSend.MESSAGE_ID_LENGTH, DirectSend.MESSAGE_ID_LENGTH);
        WireReader copiesField = fields.required(1, "copies");
        int size = copiesField.arrayHeader();
        List<DirectSend.Copy> copies = new ArrayList<>(size);
        for (int i = 0; i < size; i++) {
            WireReader item = copiesField.next(copiesField.path(), i);
            Fields copy = Fields.scan(item, item.path());
            String account = copy.required(0, "account").str();
            int device = (int) copy.required(1, "device").uint(127);
            int type = (int) copy.required(2, "type").uint(DirectSend.Copy.MAX_TYPE);
            Bytes ciphertext = copy.required(3, "ciphertext").bin(1, Integer.MAX_VALUE);
            copies.add(construct(item.path(), () -> new DirectSend.Copy(account, device, type, ciphertext)));
        }
        return construct(reader.path(), () -> new DirectSend(messageId, copies));
    }

    private static DirectPush directPush(WireReader reader) {
        Fields fields = Fields.scan(reader, reader.path());
        long entry = fields.required(0, "entry").uint(WireReader.UINT64_MAX);
        Bytes messageId =
                fields.required(1, "message_id").bin(DirectSend.MESSAGE_ID_LENGTH, DirectSend.MESSAGE_ID_LENGTH);
        String sender = fields.required(2, "sender").str();
        int senderDevice = (int) fields.required(3, "sender_device").uint(127);
        Instant time = time(fields.required(4, "t"));
        int type = (int) fields.required(5, "type").uint(DirectSend.Copy.MAX_TYPE);
        Bytes ciphertext = fields.required(6, "ciphertext").bin(1, Integer.MAX_VALUE);
        return construct(
                reader.path(), () -> new DirectPush(entry, messageId, sender, senderDevice, time, type, ciphertext));
    }

    private static Ack ack(WireReader reader) {
        Fields fields = Fields.scan(reader, reader.path());
        Optional<MessageId> mid = fields.optional(0, "mid").map(Decoder::messageId);
        Optional<Instant> time = fields.optional(1, "t").map(Decoder::time);
        return construct(reader.path(), () -> new Ack(mid, time));
    }

    private static ErrorBody error(WireReader reader) {
        Fields fields = Fields.scan(reader, reader.path());
        WireReader codeField = fields.required(0, "code");
        String code = codeField.str();
        String message = fields.required(1, "message").str();
        return construct(codeField.path(), () -> new ErrorBody(code, message));
    }

    private static CatchUpRequest catchUpRequest(WireReader reader) {
        Fields fields = Fields.scan(reader, reader.path());
        ConversationId cid = conversationId(fields.required(0, "cid"));
        Optional<MessageId> after = fields.optional(1, "after").map(Decoder::messageId);
        WireReader limitField = fields.required(2, "limit");
        int limit = (int) limitField.uint(CatchUpRequest.MAX_LIMIT);
        return construct(limitField.path(), () -> new CatchUpRequest(cid, after, limit));
    }

    private static CatchUpResult catchUpResult(WireReader reader) {
        Fields fields = Fields.scan(reader, reader.path());
        List<Event> events = new ArrayList<>();
        fields.optional(0, "events").ifPresent(field -> {
            int size = field.arrayHeader();
            for (int i = 0; i < size; i++) {
                events.add(event(field.next(field.path(), i)));
            }
        });
        boolean more = fields.optional(1, "more").map(WireReader::bool).orElse(false);
        return construct(reader.path(), () -> new CatchUpResult(events, more));
    }

    private static Event event(WireReader reader) {
        String path = reader.path();
        Fields fields = Fields.scan(reader, path);
        requireVersion(fields.required(0, "ev_v"), Event.VERSION);
        ConversationId cid = conversationId(fields.required(1, "cid"));
        Kind kind = new Kind((int) fields.required(2, "k").uint(Kind.MAX_CODE));
        Optional<MessageId> mid = fields.optional(3, "mid").map(Decoder::messageId);
        Optional<Instant> time = fields.optional(4, "t").map(Decoder::time);
        Flags flags = fields.optional(5, "flg")
                .map(f -> new Flags(f.uint(Flags.MAX_BITS)))
                .orElse(Flags.NONE);
        List<Tag> tags = fields.optional(6, "tags").map(Decoder::tags).orElse(List.of());
        var data = fields.required(7, "data").bin(0, Integer.MAX_VALUE);
        var sig = fields.optional(8, "sig").map(f -> f.bin(1, Integer.MAX_VALUE));
        Extensions ext = fields.optional(15, "ext").map(Decoder::extensions).orElse(Extensions.EMPTY);
        return construct(path, () -> new Event(cid, kind, mid, time, flags, tags, data, sig, ext));
    }

    private static List<Tag> tags(WireReader reader) {
        int size = reader.arrayHeader();
        List<Tag> tags = new ArrayList<>(size);
        for (int i = 0; i < size; i++) {
            String at = reader.path() + "[" + i + "]";
            int elements = reader.arrayHeader(at);
            if (elements < 2) {
                throw WireReader.invalid(at, "a tag is [type, value, ...], got " + elements + " elements");
            }
            int type = (int) reader.uint(at + "[0]", Tag.MAX_TYPE);
            tags.add(
                    switch (type) {
                        case Tag.REPLY_TYPE -> new Tag.Reply(targetOf(reader, at, elements));
                        case Tag.REVOKE_TYPE -> new Tag.Revoke(targetOf(reader, at, elements));
                        default -> {
                            List<RawValue> values = new ArrayList<>(elements - 1);
                            for (int j = 1; j < elements; j++) {
                                values.add(reader.raw(at + "[" + j + "]"));
                            }
                            yield new Tag.Unknown(type, values);
                        }
                    });
        }
        return tags;
    }

    private static MessageId targetOf(WireReader reader, String at, int elements) {
        if (elements != 2) {
            throw WireReader.invalid(at, "a reply or revoke tag is [type, mid], got " + elements + " elements");
        }
        return messageId(reader, at + "[1]");
    }

    private static Extensions extensions(WireReader reader) {
        Fields fields = Fields.scan(reader, reader.path());
        Map<Integer, RawValue> entries = new TreeMap<>();
        for (Map.Entry<Long, WireReader> entry : fields.all().entrySet()) {
            long key = entry.getKey();
            if (Long.compareUnsigned(key, Extensions.MAX_KEY) > 0) {
                throw WireReader.invalid(
                        reader.path(),
                        "key " + Long.toUnsignedString(key) + " exceeds the maximum " + Extensions.MAX_KEY);
            }
            WireReader value = entry.getValue();
            entries.put((int) key, value.raw(value.path()));
        }
        return Extensions.of(entries);
    }

    private static ConversationId conversationId(WireReader field) {
        return new ConversationId(field.bin(1, ConversationId.MAX_LENGTH));
    }

    private static MessageId messageId(WireReader field) {
        return messageId(field, field.path());
    }

    private static MessageId messageId(WireReader reader, String at) {
        long value = reader.uint(at, WireReader.UINT64_MAX);
        if (value == 0) {
            throw WireReader.invalid(at, "message id must not be 0");
        }
        return new MessageId(value);
    }

    private static Instant time(WireReader field) {
        return Instant.ofEpochSecond(field.uint(MAX_EPOCH_SECOND));
    }

    /**
     * Builds a record whose compact constructor checks rules spanning several fields, and turns
     * its verdict into the codec's error for the field at {@code path}.
     */
    private static <T> T construct(String path, Supplier<T> constructor) {
        try {
            return constructor.get();
        } catch (IllegalArgumentException e) {
            throw WireReader.invalid(path, e.getMessage());
        }
    }
}
