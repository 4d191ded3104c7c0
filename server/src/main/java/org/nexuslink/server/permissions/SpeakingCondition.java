// SPDX-License-Identifier: AGPL-3.0-or-later
package org.nexuslink.server.permissions;

import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import org.nexuslink.server.accounts.Member;
import org.nexuslink.server.accounts.Role;

/**
 * A condition a member must meet to write in a channel (seed 004's gated speaking), checked by
 * {@link Permissions} after the role and override rules. Admins are exempt. A new kind (e.g. a
 * wallet balance) is a new record here, its {@link #kind()} and {@link #value()} for storage, and
 * a case in {@link #of}; the exhaustive switches then show every place that must handle it.
 */
public sealed interface SpeakingCondition {
    /** The longest membership age a condition may require. */
    Duration MAX_AGE = Duration.ofDays(3650);

    /** The stored kind ({@code channel_conditions.kind}). */
    String kind();

    /** The stored parameter ({@code channel_conditions.value}). */
    String value();

    /**
     * Why {@code member} does not meet the condition at {@code now}, naming the condition, or
     * empty when it does.
     */
    Optional<String> unmetBy(Member member, Instant now);

    /** The member's role must be {@code minimum} or higher (admin > moderator > member). */
    record MinimumRole(Role minimum) implements SpeakingCondition {
        public static final String KIND = "min_role";

        public MinimumRole {
            Objects.requireNonNull(minimum, "minimum");
        }

        @Override
        public String kind() {
            return KIND;
        }

        @Override
        public String value() {
            return minimum.wireName();
        }

        @Override
        public Optional<String> unmetBy(Member member, Instant now) {
            return Permissions.rank(member.role()) >= Permissions.rank(minimum)
                    ? Optional.empty()
                    : Optional.of("condition min_role: writing here needs role " + minimum.wireName()
                            + " or higher, the account is " + member.role().wireName());
        }
    }

    /** The member must have joined at least {@code age} ago. */
    record MinimumMembershipAge(Duration age) implements SpeakingCondition {
        public static final String KIND = "min_membership_age";

        public MinimumMembershipAge {
            Objects.requireNonNull(age, "age");
            if (age.isNegative() || age.isZero() || age.compareTo(MAX_AGE) > 0 || age.toMillis() % 1000 != 0) {
                throw new IllegalArgumentException(
                        "min_membership_age must be 1 s to " + MAX_AGE.toDays() + " days in whole seconds, got " + age);
            }
        }

        @Override
        public String kind() {
            return KIND;
        }

        @Override
        public String value() {
            return Long.toString(age.toSeconds());
        }

        @Override
        public Optional<String> unmetBy(Member member, Instant now) {
            Instant allowedFrom = member.joinedAt().plus(age);
            return now.isBefore(allowedFrom)
                    ? Optional.of("condition min_membership_age: writing here needs " + age.toSeconds()
                            + " s of membership; the account may write from " + allowedFrom)
                    : Optional.empty();
        }
    }

    /**
     * The condition stored as {@code (kind, value)}.
     *
     * @throws IllegalArgumentException for an unknown kind or a bad value, naming it
     */
    static SpeakingCondition of(String kind, String value) {
        return switch (kind) {
            case MinimumRole.KIND ->
                new MinimumRole(Role.fromWire(value)
                        .orElseThrow(() -> new IllegalArgumentException("min_role: unknown role '" + value + "'")));
            case MinimumMembershipAge.KIND -> {
                long seconds;
                try {
                    seconds = Long.parseLong(value);
                } catch (NumberFormatException e) {
                    throw new IllegalArgumentException("min_membership_age: not a number of seconds: '" + value + "'");
                }
                if (seconds <= 0 || seconds > MAX_AGE.toSeconds()) {
                    throw new IllegalArgumentException(
                            "min_membership_age must be 1-" + MAX_AGE.toSeconds() + " seconds, got " + seconds);
                }
                yield new MinimumMembershipAge(Duration.ofSeconds(seconds));
            }
            default ->
                throw new IllegalArgumentException("unknown speaking condition '" + kind + "'; known: "
                        + MinimumRole.KIND + ", " + MinimumMembershipAge.KIND);
        };
    }
}
