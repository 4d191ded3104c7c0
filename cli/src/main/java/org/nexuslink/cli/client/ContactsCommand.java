// SPDX-License-Identifier: AGPL-3.0-or-later
package org.nexuslink.cli.client;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.nexuslink.cli.TerminalText;
import org.nexuslink.client.Conversation;
import org.nexuslink.client.ConversationSummary;
import org.nexuslink.client.NexusClient;
import org.nexuslink.client.store.Contact;
import org.nexuslink.crypto.identity.AccountId;
import org.nexuslink.crypto.identity.InvalidAccountIdException;
import org.nexuslink.crypto.verification.FirstContactCode;
import org.nexuslink.crypto.verification.FirstContactNonce;
import org.nexuslink.crypto.verification.SafetyNumber;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code nexuslink contacts}: the accounts this profile talks to, and verifying them. */
@Command(
        name = "contacts",
        mixinStandardHelpOptions = true,
        description =
                "List contacts (accounts with a direct conversation or saved as contacts) and their verification.",
        subcommands = {ContactsCommand.ListContacts.class, ContactsCommand.Verify.class})
public final class ContactsCommand extends ClientCommand {
    private static final ObjectMapper JSON = new ObjectMapper();

    @Option(names = "--json", description = "One JSON object per line.")
    boolean json;

    @Override
    protected void run() throws Exception {
        list(this, json);
    }

    static void list(ClientCommand command, boolean json) throws Exception {
        try (ClientCommand.Session session = command.session(false)) {
            NexusClient client = session.client();
            Map<String, Contact> all = new TreeMap<>();
            for (ConversationSummary c : client.conversations()) {
                if (c.conversation() instanceof Conversation.Direct direct) {
                    String peer = direct.peer().toString();
                    all.put(peer, new Contact(peer, Optional.empty(), false, Optional.empty()));
                }
            }
            client.store().contacts().list().forEach(c -> all.put(c.accountId(), c));
            // The names the community listed last (an online command refreshes them).
            Labels names = Labels.of(client.memberNames(), java.util.List.of());
            for (Contact c : all.values()) {
                Optional<String> name =
                        Optional.of(names.account(c.accountId())).filter(n -> !n.equals(c.accountId()));
                if (json) {
                    ObjectNode o = JSON.createObjectNode()
                            .put("account", c.accountId())
                            .put("verified", c.verified());
                    name.ifPresent(n -> o.put("display_name", n));
                    c.nickname().ifPresent(n -> o.put("nickname", n));
                    c.verifiedAt().ifPresent(t -> o.put("verified_at", t.toString()));
                    command.out().println(TerminalText.json(o));
                } else {
                    command.out()
                            .println(c.accountId()
                                    + name.map(n -> "  " + TerminalText.safe(n)).orElse("")
                                    + "  "
                                    + (c.verified()
                                            ? "verified "
                                                    + c.verifiedAt()
                                                            .map(Instant::toString)
                                                            .orElse("")
                                            : "not verified")
                                    + c.nickname()
                                            .map(n -> "  (" + TerminalText.safe(n) + ")")
                                            .orElse(""));
                }
            }
        }
    }

    /** {@code nexuslink contacts list}. */
    @Command(
            name = "list",
            mixinStandardHelpOptions = true,
            description = "List contacts and whether they are verified.")
    public static final class ListContacts extends ClientCommand {
        @Option(names = "--json", description = "One JSON object per line.")
        boolean json;

        @Override
        protected void run() throws Exception {
            list(this, json);
        }
    }

    /** {@code nexuslink contacts verify <id>}. */
    @Command(
            name = "verify",
            mixinStandardHelpOptions = true,
            description = {
                "Show the safety number shared with a contact (compare it with theirs, in person or on a "
                        + "trusted channel); with --code, the first-contact code; with --confirm, mark the contact verified.",
                "For the first-contact code one side runs --code without --nonce, which makes a nonce, and gives "
                        + "it to the other, who runs --code --nonce NONCE. Both codes must match."
            })
    public static final class Verify extends ClientCommand {
        @Parameters(
                index = "0",
                paramLabel = "ACCOUNT",
                description = "The contact's account id (nxl:... or dm:nxl:...).")
        String account;

        @Option(names = "--code", description = "Also show the first-contact code.")
        boolean code;

        @Option(names = "--nonce", paramLabel = "NONCE", description = "With --code: the nonce the contact gave you.")
        String nonceText;

        @Option(names = "--confirm", description = "Mark the contact verified in this profile (after comparing).")
        boolean confirm;

        @Option(
                names = "--nickname",
                paramLabel = "NAME",
                description = "With --confirm: a local name for the contact.")
        String nickname;

        @Override
        protected void run() throws Exception {
            AccountId theirs;
            try {
                theirs = AccountId.parse(account.strip().replaceFirst("^dm:", ""));
            } catch (InvalidAccountIdException e) {
                throw new CommandLine.ParameterException(spec.commandLine(), "ACCOUNT: " + e.getMessage());
            }
            if (nonceText != null && !code) {
                throw new CommandLine.ParameterException(spec.commandLine(), "--nonce needs --code");
            }
            if (nickname != null && !confirm) {
                throw new CommandLine.ParameterException(spec.commandLine(), "--nickname needs --confirm");
            }
            FirstContactNonce nonce = null;
            if (code) {
                try {
                    nonce = nonceText != null
                            ? FirstContactNonce.parse(nonceText.strip())
                            : FirstContactNonce.generate(random);
                } catch (IllegalArgumentException e) {
                    throw new CommandLine.ParameterException(spec.commandLine(), "--nonce: " + e.getMessage());
                }
            }
            try (Session session = session(false)) {
                NexusClient client = session.client();
                AccountId mine = session.keys().accountId();
                if (mine.equals(theirs)) {
                    throw new ClientFailure("that is this profile's own id; give the contact's id");
                }
                out().println("You:     " + mine);
                out().println("Contact: " + theirs);
                out().println("Safety number (the same on both sides):");
                out().println("  " + SafetyNumber.between(mine, theirs).displayText());
                if (nonce != null) {
                    out().println("First-contact code: "
                            + FirstContactCode.compute(mine, theirs, nonce).displayText());
                    out().println("  nonce: " + nonce);
                    if (nonceText == null) {
                        out().println("  This nonce is new: give it to your contact, who runs");
                        out().println("  nexuslink contacts verify " + mine + " --code --nonce " + nonce);
                    }
                }
                Optional<Contact> existing = client.store().contacts().find(theirs.toString());
                if (confirm) {
                    Instant now = environment().clock().instant();
                    Optional<String> name =
                            nickname != null ? Optional.of(nickname) : existing.flatMap(Contact::nickname);
                    client.store().contacts().save(new Contact(theirs.toString(), name, true, Optional.of(now)));
                    out().println("Marked " + theirs + " as verified.");
                } else {
                    out().println(
                                    existing.filter(Contact::verified).isPresent()
                                            ? "Status: verified "
                                                    + existing.get()
                                                            .verifiedAt()
                                                            .map(Instant::toString)
                                                            .orElse("")
                                            : "Status: not verified (compare, then run again with --confirm)");
                }
            }
        }
    }
}
