// SPDX-License-Identifier: AGPL-3.0-or-later
package org.nexuslink.cli.kt;

import java.io.IOException;
import java.io.PrintWriter;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Base64;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import org.nexuslink.cli.ExitCodes;
import org.nexuslink.cli.TerminalText;
import org.nexuslink.client.community.CommunityApi;
import org.nexuslink.client.transparency.KeyTransparencyException;
import org.nexuslink.client.transparency.KeyTransparencyVerifier;
import org.nexuslink.client.transparency.LogClient;
import org.nexuslink.client.transparency.SeenHeads;
import org.nexuslink.crypto.server.ServerPublicKey;
import org.nexuslink.crypto.transparency.InvalidProofException;
import org.nexuslink.crypto.transparency.KeyLogEntry;
import org.nexuslink.crypto.transparency.MemoryMerkleTree;
import org.nexuslink.crypto.transparency.SignedTreeHead;
import org.nexuslink.protocol.Bytes;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code nexuslink kt audit}: what anyone can run from cron to hold a server to one append-only
 * log. It verifies the latest head under the server key, its consistency with the head of the
 * last run (kept in {@code --state}), downloads every leaf, checks each is a well-formed entry
 * whose signatures verify, and rebuilds the tree to the head's root.
 */
@Command(
        name = "audit",
        mixinStandardHelpOptions = true,
        description = {
            "Audit a community server's key-transparency log: the head's signature, its consistency with",
            "the last run (--state), every entry's well-formedness, and the root rebuilt from every entry.",
            "Exit codes: 0 consistent, 3 inconsistent or malformed (the server misbehaved),",
            "1 could not audit (unreachable, refused), 2 usage."
        })
public final class AuditCommand implements Callable<Integer> {
    /** The log or the head does not hold: the server misbehaved. */
    public static final int INCONSISTENT = 3;

    private static final String STATE_PREFIX = "nexuslink-kt-audit-v1 ";
    private static final int PAGE = 1000;

    @Parameters(index = "0", paramLabel = "SERVER_URL", description = "Base URL of the community server.")
    URI server;

    @Option(
            names = "--state",
            paramLabel = "FILE",
            description = "Where the server key and the last audited head are kept between runs; without it,"
                    + " each run stands alone.")
    Optional<Path> state;

    @Option(
            names = "--server-key",
            paramLabel = "BASE64",
            description = "The server key to expect (default: the one in --state, else the one the server presents).")
    Optional<String> serverKey;

    @Spec
    CommandSpec spec;

    /** What one run remembers for the next: the server key and the largest head audited. */
    record State(ServerPublicKey key, SignedTreeHead head) {}

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        Optional<State> previous;
        Optional<ServerPublicKey> expected;
        try {
            previous = state.isPresent() ? readState(state.get()) : Optional.empty();
            expected = serverKey.map(ServerPublicKey::fromBase64).or(() -> previous.map(State::key));
        } catch (IllegalArgumentException e) {
            err.println("nexuslink: " + TerminalText.safe(e.getMessage()));
            return ExitCodes.USAGE;
        }
        CommunityApi api = new CommunityApi(server);
        ServerPublicKey presented;
        try {
            presented = api.serverInfo().publicKey();
        } catch (IOException e) {
            err.println("nexuslink: cannot reach " + server + ": " + TerminalText.safe(String.valueOf(e.getMessage())));
            return ExitCodes.FAILURE;
        }
        if (expected.isPresent() && !expected.get().equals(presented)) {
            err.println("nexuslink: INCONSISTENT: " + server + " presents server key " + presented.base64() + ", not "
                    + expected.get().base64());
            return INCONSISTENT;
        }
        SeenHeads seen = SeenHeads.inMemory();
        previous.ifPresent(p -> seen.record(p.head()));
        KeyTransparencyVerifier verifier =
                new KeyTransparencyVerifier(presented, seen, new LogClient(api.pinnedTo(presented)));
        LogClient log = new LogClient(api);
        SignedTreeHead head;
        Map<Kind, Long> counts = new EnumMap<>(Kind.class);
        try {
            head = verifier.accept(log.head());
            MemoryMerkleTree tree = new MemoryMerkleTree();
            while (tree.size() < head.treeSize()) {
                int count = (int) Math.min(PAGE, head.treeSize() - tree.size());
                List<Bytes> page = log.leaves(tree.size(), count);
                if (page.isEmpty()) {
                    throw new InvalidProofException(
                            "the server serves no leaf " + tree.size() + " of a log of " + head.treeSize());
                }
                for (Bytes leaf : page) {
                    long index = tree.append(leaf.toByteArray());
                    KeyLogEntry entry;
                    try {
                        entry = KeyLogEntry.decode(leaf.toByteArray());
                    } catch (InvalidProofException e) {
                        throw new InvalidProofException("entry " + index + ": " + e.getMessage());
                    }
                    counts.merge(Kind.of(entry), 1L, Long::sum);
                }
                if (head.treeSize() > 10 * PAGE) {
                    err.print("\rnexuslink: audited " + tree.size() + " / " + head.treeSize() + " entries");
                    err.flush();
                }
            }
            if (head.treeSize() > 10 * PAGE) {
                err.println();
            }
            if (!tree.root().equals(head.root())) {
                throw new InvalidProofException("the " + head.treeSize() + " entries served rebuild to root "
                        + tree.root() + ", not the signed root " + head.root());
            }
        } catch (KeyTransparencyException | InvalidProofException e) {
            err.println("nexuslink: INCONSISTENT: " + TerminalText.safe(e.getMessage()));
            return INCONSISTENT;
        } catch (IllegalArgumentException e) {
            err.println(
                    "nexuslink: INCONSISTENT: the server's answer is malformed: " + TerminalText.safe(e.getMessage()));
            return INCONSISTENT;
        } catch (IOException e) {
            err.println("nexuslink: cannot audit " + server + ": " + TerminalText.safe(String.valueOf(e.getMessage())));
            return ExitCodes.FAILURE;
        }
        out.println("server key   " + presented.base64());
        out.println("tree size    " + head.treeSize());
        out.println("root         " + head.root().hex());
        out.println("signed at    " + head.timestamp());
        out.println("entries      identity " + counts.getOrDefault(Kind.IDENTITY, 0L) + ", device added "
                + counts.getOrDefault(Kind.DEVICE_ADDED, 0L) + ", device removed "
                + counts.getOrDefault(Kind.DEVICE_REMOVED, 0L));
        out.println("previous     "
                + previous.map(p -> "size " + p.head().treeSize() + ", consistent")
                        .orElse("none (first run)"));
        if (state.isPresent()) {
            writeState(state.get(), new State(presented, head));
        }
        return ExitCodes.OK;
    }

    private enum Kind {
        IDENTITY,
        DEVICE_ADDED,
        DEVICE_REMOVED;

        static Kind of(KeyLogEntry e) {
            return switch (e) {
                case KeyLogEntry.IdentityKey i -> IDENTITY;
                case KeyLogEntry.DeviceAdded a -> DEVICE_ADDED;
                case KeyLogEntry.DeviceRemoved r -> DEVICE_REMOVED;
            };
        }
    }

    /** One line: prefix, base64 server key, space, base64 encoded head. */
    static Optional<State> readState(Path file) throws IOException {
        if (!Files.exists(file)) {
            return Optional.empty();
        }
        String text = Files.readString(file, StandardCharsets.US_ASCII).strip();
        String[] parts = text.startsWith(STATE_PREFIX)
                ? text.substring(STATE_PREFIX.length()).split(" ")
                : new String[0];
        if (parts.length != 2) {
            throw new IllegalArgumentException(
                    file + " is not a kt audit state file (it must start with '" + STATE_PREFIX.strip() + "')");
        }
        return Optional.of(new State(
                ServerPublicKey.fromBase64(parts[0]),
                SignedTreeHead.decode(Base64.getDecoder().decode(parts[1]))));
    }

    private static void writeState(Path file, State s) throws IOException {
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        Files.writeString(
                tmp,
                STATE_PREFIX + s.key().base64() + " "
                        + Base64.getEncoder().encodeToString(s.head().encoded()) + "\n",
                StandardCharsets.US_ASCII);
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }
}
