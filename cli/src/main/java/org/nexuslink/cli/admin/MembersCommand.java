// SPDX-License-Identifier: AGPL-3.0-or-later
package org.nexuslink.cli.admin;

import java.time.Duration;
import java.util.Optional;
import java.util.UUID;
import org.nexuslink.cli.TerminalText;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/** {@code nexuslink admin members}: list members, change roles, ban, unban, mute, unmute, kick. */
@Command(
        name = "members",
        mixinStandardHelpOptions = true,
        description = "List members, change roles, ban, unban, mute, unmute and kick.",
        subcommands = {
            MembersCommand.List.class,
            MembersCommand.SetRole.class,
            MembersCommand.Ban.class,
            MembersCommand.Unban.class,
            MembersCommand.Mute.class,
            MembersCommand.Unmute.class,
            MembersCommand.Kick.class
        })
final class MembersCommand implements Runnable {
    @ParentCommand
    AdminCommand admin;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(
                spec.commandLine(), "Missing sub-command: one of list, role, ban, unban, mute, unmute, kick");
    }

    /** A leaf under {@code members}. */
    abstract static class Leaf extends AdminSubcommand {
        @ParentCommand
        MembersCommand members;

        @Override
        AdminCommand admin() {
            return members.admin;
        }

        void print(Administration.MemberRow m) {
            out().printf(
                            "%-60s %-9s %-6s %-24s %s%n",
                            TerminalText.safe(m.account()),
                            TerminalText.safe(m.role()),
                            TerminalText.safe(m.status()),
                            TerminalText.safe(m.joinedAt()),
                            TerminalText.safe(m.displayName()));
        }
    }

    @Command(name = "list", mixinStandardHelpOptions = true, description = "List every member with role and status.")
    static final class List extends Leaf {
        @Override
        void run(Administration administration) {
            administration.members().forEach(this::print);
        }
    }

    @Command(
            name = "role",
            mixinStandardHelpOptions = true,
            description = "Set a member's role (admins only; the last active admin cannot be demoted).")
    static final class SetRole extends Leaf {
        @Parameters(index = "0", paramLabel = "ACCOUNT", description = "The member's account id (nxl:...).")
        String account;

        @Parameters(index = "1", paramLabel = "ROLE", description = "admin, moderator or member.")
        String role;

        @Override
        void run(Administration administration) {
            print(administration.setRole(account, role));
        }
    }

    @Command(
            name = "ban",
            mixinStandardHelpOptions = true,
            description = "Ban a member: its tokens die, its connections close, it cannot rejoin or write anywhere.")
    static final class Ban extends Leaf {
        @Parameters(index = "0", paramLabel = "ACCOUNT", description = "The member's account id.")
        String account;

        @Option(
                names = "--reason",
                paramLabel = "TEXT",
                defaultValue = "",
                description = "Why (kept in the audit log).")
        String reason;

        @Override
        void run(Administration administration) {
            print(administration.ban(account, reason));
        }
    }

    @Command(name = "unban", mixinStandardHelpOptions = true, description = "Lift a ban.")
    static final class Unban extends Leaf {
        @Parameters(index = "0", paramLabel = "ACCOUNT", description = "The member's account id.")
        String account;

        @Override
        void run(Administration administration) {
            print(administration.unban(account));
        }
    }

    @Command(
            name = "mute",
            mixinStandardHelpOptions = true,
            description = "Mute a member in one channel or community-wide, for a while or until unmuted.")
    static final class Mute extends Leaf {
        @Parameters(index = "0", paramLabel = "ACCOUNT", description = "The member's account id.")
        String account;

        @Option(names = "--channel", paramLabel = "ID", description = "Only in this channel (default: everywhere).")
        UUID channel;

        @Option(
                names = "--for",
                paramLabel = "DURATION",
                description = "How long, as ISO-8601 (PT10M, P1D) or seconds (default: until unmuted).")
        String duration;

        @Option(
                names = "--reason",
                paramLabel = "TEXT",
                defaultValue = "",
                description = "Why (kept in the audit log).")
        String reason;

        @Override
        void run(Administration administration) {
            Optional<String> until = administration.mute(
                    account,
                    Optional.ofNullable(channel),
                    Optional.ofNullable(duration).map(this::parse),
                    reason);
            out().println("muted " + account + (channel == null ? " everywhere" : " in " + channel)
                    + until.map(t -> " until " + t).orElse(" until unmuted"));
        }

        private Duration parse(String text) {
            try {
                return text.chars().allMatch(Character::isDigit)
                        ? Duration.ofSeconds(Long.parseLong(text))
                        : Duration.parse(text);
            } catch (RuntimeException e) {
                throw new CommandLine.ParameterException(
                        spec.commandLine(), "--for must be ISO-8601 (PT10M) or seconds, got '" + text + "'");
            }
        }
    }

    @Command(name = "unmute", mixinStandardHelpOptions = true, description = "Lift a member's mute in one scope.")
    static final class Unmute extends Leaf {
        @Parameters(index = "0", paramLabel = "ACCOUNT", description = "The member's account id.")
        String account;

        @Option(
                names = "--channel",
                paramLabel = "ID",
                description = "The channel mute to lift (default: the community-wide one).")
        UUID channel;

        @Override
        void run(Administration administration) {
            administration.unmute(account, Optional.ofNullable(channel));
            out().println("unmuted " + account + (channel == null ? " everywhere" : " in " + channel));
        }
    }

    @Command(
            name = "kick",
            mixinStandardHelpOptions = true,
            description = "Remove a member from the community; it may join again.")
    static final class Kick extends Leaf {
        @Parameters(index = "0", paramLabel = "ACCOUNT", description = "The member's account id.")
        String account;

        @Option(
                names = "--reason",
                paramLabel = "TEXT",
                defaultValue = "",
                description = "Why (kept in the audit log).")
        String reason;

        @Override
        void run(Administration administration) {
            administration.kick(account, reason);
            out().println("removed " + account);
        }
    }
}
