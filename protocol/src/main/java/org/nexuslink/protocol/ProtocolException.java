// SPDX-License-Identifier: AGPL-3.0-or-later
package org.nexuslink.protocol;

import java.util.Objects;
import java.util.Optional;

/**
 * The one exception the codec raises for bad input: it names the {@link ErrorCode}, the field
 * (for example {@code envelope.seq}) and what was wrong with it.
 *
 * <p>When the envelope's {@code seq} could be read, the exception carries it so the transport
 * can address its error reply to the request that caused it.
 */
public final class ProtocolException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final ErrorCode code;
    private final String field;
    private final String detail;
    private final transient Seq seq;

    /**
     * Creates an exception about one field.
     *
     * @param code the error code
     * @param field the dotted path of the offending field, e.g. {@code envelope.body.k}
     * @param detail what was wrong, naming the offending value unless it is secret
     */
    public ProtocolException(ErrorCode code, String field, String detail) {
        this(code, Objects.requireNonNull(field, "field"), detail, null);
    }

    /**
     * Creates an exception about the frame as a whole.
     *
     * @param code the error code
     * @param detail what was wrong
     */
    public ProtocolException(ErrorCode code, String detail) {
        this(code, null, detail, null);
    }

    private ProtocolException(ErrorCode code, String field, String detail, Seq seq) {
        super(field == null ? detail : field + ": " + detail);
        this.code = Objects.requireNonNull(code, "code");
        this.field = field;
        this.detail = Objects.requireNonNull(detail, "detail");
        this.seq = seq;
    }

    /** Returns the error code. */
    public ErrorCode code() {
        return code;
    }

    /** Returns the dotted path of the offending field, if the error concerns one field. */
    public Optional<String> field() {
        return Optional.ofNullable(field);
    }

    /** Returns what was wrong, without the field's path. */
    public String detail() {
        return detail;
    }

    /** Returns the seq of the envelope being decoded, if it was read before the error. */
    public Optional<Seq> seq() {
        return Optional.ofNullable(seq);
    }

    /** Returns a copy of this exception that carries {@code seq}. */
    public ProtocolException withSeq(Seq seq) {
        ProtocolException copy = new ProtocolException(code, field, detail, Objects.requireNonNull(seq, "seq"));
        copy.setStackTrace(getStackTrace());
        return copy;
    }

    /** Returns the error as peers see it. */
    public ErrorBody toErrorBody() {
        return ErrorBody.of(code, getMessage());
    }
}
