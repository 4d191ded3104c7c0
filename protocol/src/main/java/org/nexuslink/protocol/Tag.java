// SPDX-License-Identifier: AGPL-3.0-or-later
package org.nexuslink.protocol;

import java.util.List;
import java.util.Objects;

/**
 * A tag of an event, {@code [type, value, ...]}: a plaintext reference the relay may index.
 *
 * <p>Reply ({@code [1, mid]}) and revoke ({@code [6, mid]}) are defined; other types decode as
 * {@link Unknown} and are carried unchanged.
 */
public sealed interface Tag permits Tag.Reply, Tag.Revoke, Tag.Unknown {

    /** Type of the reply tag. */
    int REPLY_TYPE = 1;
    /** Type of the revoke tag. */
    int REVOKE_TYPE = 6;
    /** Largest tag type. */
    int MAX_TYPE = 0xFFFF;

    /** Returns the tag type, the first element of the tag array. */
    int type();

    /**
     * {@code [1, mid]}: the event replies to message {@code target} of the same conversation.
     *
     * @param target the message replied to
     */
    record Reply(MessageId target) implements Tag {
        /** Rejects null. */
        public Reply {
            Objects.requireNonNull(target, "target");
        }

        @Override
        public int type() {
            return REPLY_TYPE;
        }
    }

    /**
     * {@code [6, mid]}: the (kind 5) event revokes message {@code target} of the same conversation.
     *
     * @param target the message revoked
     */
    record Revoke(MessageId target) implements Tag {
        /** Rejects null. */
        public Revoke {
            Objects.requireNonNull(target, "target");
        }

        @Override
        public int type() {
            return REVOKE_TYPE;
        }
    }

    /**
     * A tag of a type this version does not define, kept verbatim.
     *
     * @param type the tag type, not 1 or 6
     * @param values the elements after the type, at least one
     */
    record Unknown(int type, List<RawValue> values) implements Tag {
        /** Validates the type and copies the values. */
        public Unknown {
            if (type < 0 || type > MAX_TYPE) {
                throw new IllegalArgumentException("tag type must be 0 to " + MAX_TYPE + ", got " + type);
            }
            if (type == REPLY_TYPE || type == REVOKE_TYPE) {
                throw new IllegalArgumentException("tag type " + type + " is defined; use its record");
            }
            values = List.copyOf(values);
            if (values.isEmpty()) {
                throw new IllegalArgumentException("tag must have a value after its type");
            }
        }
    }
}
