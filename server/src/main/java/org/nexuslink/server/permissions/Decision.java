// SPDX-License-Identifier: AGPL-3.0-or-later
package org.nexuslink.server.permissions;

import java.util.Locale;
import java.util.Objects;
import org.nexuslink.protocol.ErrorCode;
import org.nexuslink.server.http.ApiException;

/** The answer of {@link Permissions}: allowed, or denied with a reason and a message naming it. */
public sealed interface Decision {
    /** Whether the action is allowed. */
    default boolean allowed() {
        return this instanceof Allowed;
    }

    /**
     * Returns normally when allowed.
     *
     * @throws ApiException {@code not_found} for a channel or member that does not exist,
     *     {@code forbidden} with the reason otherwise
     */
    default void orThrow() {
        switch (this) {
            case Allowed ignored -> {}
            case Denied denied ->
                throw new ApiException(
                        denied.reason() == Reason.NO_SUCH_CHANNEL || denied.reason() == Reason.NO_SUCH_MEMBER
                                ? ErrorCode.NOT_FOUND
                                : ErrorCode.FORBIDDEN,
                        denied.reason().wireName() + ": " + denied.message());
        }
    }

    /** Why an action is refused. The wire name starts the refusal's message. */
    enum Reason {
        /** The acting account is not a member of the community. */
        NOT_A_MEMBER,
        /** The acting account is banned: it may do nothing anywhere (seed 004: a ban mutes everywhere). */
        BANNED,
        /** The channel does not exist. */
        NO_SUCH_CHANNEL,
        /** The target member does not exist. */
        NO_SUCH_MEMBER,
        /** The channel is private and the account is not on its member list. */
        NOT_IN_CHANNEL,
        /** The account's role lacks the permission (channel_permissions, or the community rules). */
        ROLE,
        /** A member override takes the permission away (a mute, for writing). */
        MUTED,
        /** The channel is archived: read-only for everyone. */
        ARCHIVED,
        /** A speaking condition of the channel is not met. */
        CONDITION,
        /** The target's role is not below the actor's (moderators act on members only). */
        TARGET_RANK,
        /** The action would act on the actor itself where that is not allowed. */
        SELF;

        public String wireName() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    record Allowed() implements Decision {}

    record Denied(Reason reason, String message) implements Decision {
        public Denied {
            Objects.requireNonNull(reason, "reason");
            Objects.requireNonNull(message, "message");
        }
    }

    /** The one allowed decision. */
    Decision ALLOWED = new Allowed();

    static Decision deny(Reason reason, String message) {
        return new Denied(reason, message);
    }
}
