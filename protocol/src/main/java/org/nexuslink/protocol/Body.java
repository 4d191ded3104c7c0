// SPDX-License-Identifier: AGPL-3.0-or-later
package org.nexuslink.protocol;

/**
 * The {@code body} of an envelope; each {@link Command} fixes which of these it carries.
 */
public sealed interface Body
        permits Body.Empty,
                Hello,
                Event,
                Ack,
                ErrorBody,
                CatchUpRequest,
                CatchUpResult,
                Notice,
                DirectSend,
                DirectPush {

    /** The body of commands that carry none ({@code ping}, {@code pong}); the field is omitted. */
    record Empty() implements Body {
        /** The only value anyone needs. */
        public static final Empty INSTANCE = new Empty();
    }
}
