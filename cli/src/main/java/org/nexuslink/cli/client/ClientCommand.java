// SPDX-License-Identifier: AGPL-3.0-or-later
package org.nexuslink.cli.client;

import java.io.Console;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpTimeoutException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.Callable;
import org.nexuslink.cli.TerminalText;
import org.nexuslink.cli.profile.ProfileOption;
import org.nexuslink.client.ClientEvent;
import org.nexuslink.client.NexusClient;
import org.nexuslink.client.RefusedException;
import org.nexuslink.client.store.StoreException;
import org.nexuslink.client.transparency.KeyTransparencyException;
import org.nexuslink.crypto.keystore.FileKeyVault;
import org.nexuslink.crypto.keystore.KeystoreException;
import org.nexuslink.crypto.keystore.Passphrase;
import org.nexuslink.crypto.keystore.VaultContents;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * What every client command shares: the profile, the passphrase, the profile lock, opening the
 * client, and turning failures into one line on standard error with exit code 1 (bad usage is
 * picocli's exit code 2).
 */
public abstract class ClientCommand implements Callable<Integer> {
    /** Exit code of a failed operation. */
    public static final int EXIT_FAILURE = 1;

    @Spec
    protected CommandSpec spec;

    @Mixin
    protected ProfileOption profile;

    protected final SecureRandom random = new SecureRandom();

    /** Does the work. */
    protected abstract void run() throws Exception;

    @Override
    public final Integer call() {
        try {
            run();
            out().flush();
            return 0;
        } catch (picocli.CommandLine.ParameterException e) {
            throw e; // bad usage: picocli prints it with the usage and exits 2
        } catch (ClientFailure | KeystoreException | StoreException e) {
            return fail(e.getMessage());
        } catch (RefusedException e) {
            return fail("the server refused: " + e.getMessage());
        } catch (ConnectException | HttpTimeoutException e) {
            return fail(e.getMessage() == null ? "cannot reach the community server" : e.getMessage());
        } catch (IOException | UncheckedIOException e) {
            return fail(describe(e));
        } catch (IllegalArgumentException | IllegalStateException e) {
            // The SDK's refusals of bad input (unknown ref, not the author, no community ...).
            return fail(e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return fail("interrupted");
        } catch (Exception e) {
            return fail(describe(e));
        }
    }

    private static String describe(Exception e) {
        String message = e.getMessage();
        Throwable cause = e.getCause();
        if (cause instanceof ConnectException) {
            return "cannot reach the community server: " + (message == null ? cause : message);
        }
        return message == null ? e.toString() : message;
    }

    private int fail(String message) {
        out().flush();
        err().println("error: " + TerminalText.safe(message));
        err().flush();
        return EXIT_FAILURE;
    }

    protected PrintWriter out() {
        return spec.commandLine().getOut();
    }

    protected PrintWriter err() {
        return spec.commandLine().getErr();
    }

    protected ClientEnvironment environment() {
        Object root = spec.root().userObject();
        return root instanceof ClientEnvironment.Holder holder
                ? holder.clientEnvironment()
                : ClientEnvironment.system();
    }

    protected Path profileDir() {
        return profile.dir();
    }

    protected Path keystoreFile() {
        return profileDir().resolve(FileKeyVault.FILE_NAME);
    }

    /** Fails unless the profile has an identity (created, restored or linked). */
    protected void requireKeystore() {
        if (!Files.exists(keystoreFile())) {
            throw new ClientFailure("no identity in profile " + profileDir()
                    + "; run `nexuslink id create`, `nexuslink id restore` or `nexuslink device link request`");
        }
    }

    /**
     * The keystore passphrase: {@code NEXUSLINK_PASSPHRASE} if set, else asked on the terminal
     * without echo (twice when {@code confirm}).
     */
    protected Passphrase readPassphrase(boolean confirm) {
        ClientEnvironment env = environment();
        Optional<String> fromEnv = env.variable(ClientEnvironment.PASSPHRASE_ENV);
        if (fromEnv.isPresent()) {
            if (fromEnv.get().isEmpty()) {
                throw new ClientFailure(ClientEnvironment.PASSPHRASE_ENV + " is set but empty");
            }
            return Passphrase.of(fromEnv.get().toCharArray());
        }
        Console console = env.interactive() ? ClientEnvironment.terminal().orElse(null) : null;
        if (console == null) {
            throw new ClientFailure(
                    "no terminal to ask for the keystore passphrase; set " + ClientEnvironment.PASSPHRASE_ENV);
        }
        char[] first = console.readPassword("Keystore passphrase: ");
        try {
            if (first == null || first.length == 0) {
                throw new ClientFailure("the passphrase must not be empty");
            }
            if (confirm) {
                char[] second = console.readPassword("Repeat the passphrase: ");
                try {
                    if (!Arrays.equals(first, second)) {
                        throw new ClientFailure("the two passphrases differ; nothing was changed");
                    }
                } finally {
                    if (second != null) {
                        Arrays.fill(second, '\0');
                    }
                }
            }
            return Passphrase.of(first);
        } finally {
            if (first != null) {
                Arrays.fill(first, '\0');
            }
        }
    }

    /** The profile's unlocked keys. */
    protected VaultContents unlock() throws KeystoreException {
        requireKeystore();
        try (Passphrase passphrase = readPassphrase(false)) {
            return FileKeyVault.inProfile(
                            profileDir(), passphrase, environment().kdf(), random)
                    .load();
        }
    }

    /** Opens the client on the profile's store (the caller holds the profile lock). */
    protected NexusClient open(VaultContents keys) throws IOException {
        NexusClient client = NexusClient.open(profileDir(), keys, environment().clock(), "cli");
        client.subscribe(event -> {
            String warning = switch (event) {
                case ClientEvent.SafetyNumberChanged changed ->
                    safetyNumberWarning(changed.account().toString(), changed.device());
                case ClientEvent.KeyLogRefused refused -> keyTransparencyWarning(refused);
                case ClientEvent.OwnKeysChanged changed ->
                    keyTransparencyWarning(keys.accountId().toString(), OWN_KEYS_CHANGED, changed.message());
                default -> null;
            };
            if (warning != null) {
                err().println(warning);
                err().flush();
            }
        });
        return client;
    }

    /**
     * How to name accounts and conversations: ids with {@code --ids}, else display names. With
     * {@code refresh} (the command is online anyway) the member list is asked first; when that
     * fails, the names the last listing kept are used, as offline.
     */
    protected static Labels labels(NexusClient client, boolean ids, boolean refresh) throws IOException {
        if (ids) {
            return Labels.ids();
        }
        if (refresh) {
            try {
                client.members();
            } catch (IOException e) {
                // Names are a convenience: the messages are shown with the names kept before.
            }
        }
        return Labels.of(client.memberNames(), client.conversations());
    }

    /** The reason {@link #keyTransparencyWarning} gives for a change of the account's own keys. */
    static final String OWN_KEYS_CHANGED = "own_keys_changed";

    /** {@link #keyTransparencyWarning(String, String, String)} for a refusal the client told. */
    static String keyTransparencyWarning(ClientEvent.KeyLogRefused refused) {
        return keyTransparencyWarning(refused.account().toString(), reasonName(refused.reason()), refused.message());
    }

    /** A key-transparency check's reason as the CLI prints it, e.g. {@code key_not_in_log}. */
    public static String reasonName(KeyTransparencyException.Reason reason) {
        return reason.name().toLowerCase(Locale.ROOT);
    }

    /** What every client command prints when the server's key log does not back what it showed. */
    static String keyTransparencyWarning(String account, String reason, String message) {
        return "WARNING: key transparency (" + TerminalText.safe(reason) + ") for " + TerminalText.safe(account)
                + ": " + TerminalText.safe(message)
                + (reason.equals(OWN_KEYS_CHANGED)
                        ? ""
                        : ". The keys were refused: the server may be trying to read your messages.");
    }

    /** What every client command prints when a device shows up with a new certified key. */
    static String safetyNumberWarning(String account, int device) {
        return "warning: the safety number with " + TerminalText.safe(account) + " changed: its device " + device
                + " has a new key, certified by the account (re-linked or restored). Messages continue; "
                + "verify the contact if you did not expect this.";
    }

    /** Fails unless the client's profile has joined a community; returns its URL. */
    protected static URI requireCommunity(NexusClient client) {
        return client.community()
                .orElseThrow(() -> new ClientFailure(
                        "this profile has not joined a community; run `nexuslink community join <url>`"));
    }

    /** A session of a command that works on an unlocked, locked profile with its client open. */
    protected final class Session implements AutoCloseable {
        private final ProfileLock lock;
        private final VaultContents keys;
        private final NexusClient client;

        private Session(ProfileLock lock, VaultContents keys, NexusClient client) {
            this.lock = lock;
            this.keys = keys;
            this.client = client;
        }

        /** The unlocked keys (the identity key only on the device that holds it). */
        public VaultContents keys() {
            return keys;
        }

        public NexusClient client() {
            return client;
        }

        @Override
        public void close() {
            try {
                client.close();
            } finally {
                lock.close();
            }
        }
    }

    /**
     * Unlocks the keys, takes the profile lock and opens the client; with {@code needCommunity},
     * fails (having changed nothing) when the profile has joined no community.
     */
    protected Session session(boolean needCommunity) throws KeystoreException, IOException {
        requireKeystore();
        if (needCommunity && !Files.exists(profileDir().resolve(NexusClient.STORE_FILE))) {
            throw new ClientFailure("this profile has not joined a community; run `nexuslink community join <url>`");
        }
        ProfileLock lock = ProfileLock.acquire(profileDir());
        NexusClient client = null;
        try {
            VaultContents keys = unlock();
            client = open(keys);
            if (needCommunity) {
                requireCommunity(client);
            }
            return new Session(lock, keys, client);
        } catch (RuntimeException | KeystoreException | IOException e) {
            if (client != null) {
                client.close();
            }
            lock.close();
            throw e;
        }
    }
}
