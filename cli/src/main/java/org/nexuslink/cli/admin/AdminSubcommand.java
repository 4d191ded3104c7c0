// SPDX-License-Identifier: AGPL-3.0-or-later
package org.nexuslink.cli.admin;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.Callable;
import org.nexuslink.cli.TerminalText;
import org.nexuslink.cli.profile.ProfileOption;
import org.nexuslink.crypto.keystore.FileKeyVault;
import org.nexuslink.crypto.keystore.KeystoreException;
import org.nexuslink.crypto.keystore.Passphrase;
import org.nexuslink.crypto.keystore.VaultContents;
import org.nexuslink.server.config.Config;
import org.nexuslink.server.config.ConfigException;
import org.nexuslink.server.config.ConfigKey;
import org.nexuslink.server.config.ConfigLoader;
import org.nexuslink.server.ops.Logs;
import org.nexuslink.server.storage.StorageException;
import picocli.CommandLine;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** What every admin leaf command shares: where it acts, opening that, and reporting failures. */
abstract class AdminSubcommand implements Callable<Integer> {
    static final int EXIT_FAILURE = 1;

    @Mixin
    AdminOptions target;

    @Mixin
    ProfileOption profile;

    @Spec
    CommandSpec spec;

    /** The {@code admin} command above this one. */
    abstract AdminCommand admin();

    /** Does the work with an open administration. */
    abstract void run(Administration administration);

    @Override
    public final Integer call() {
        if (!target.local && (target.config != null || target.dataDir != null)) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--config and --data-dir need --local");
        }
        if (target.local && target.server != null) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--server and --local exclude each other");
        }
        try (Administration administration = open()) {
            run(administration);
            out().flush();
            return 0;
        } catch (AdminFailure | ConfigException | StorageException e) {
            err().println("error: " + TerminalText.safe(String.valueOf(e.getMessage())));
            err().flush();
            return EXIT_FAILURE;
        }
    }

    private Administration open() {
        if (target.local) {
            Map<String, String> env = admin().env();
            Path file = target.config != null
                    ? target.config
                    : env.containsKey("NEXUSLINK_CONFIG") ? Path.of(env.get("NEXUSLINK_CONFIG")) : null;
            Map<ConfigKey, String> overrides = new EnumMap<>(ConfigKey.class);
            if (target.dataDir != null) {
                overrides.put(ConfigKey.SERVER_DATA_DIR, target.dataDir.toString());
            }
            Config config = ConfigLoader.load(file, env, overrides);
            // The command's output is the table on standard output: only problems may join it.
            Logs.configure(new Config.Logging("warn", config.logging().format(), ""));
            return LocalAdministration.open(config, admin().clock());
        }
        VaultContents identity;
        char[] secret = admin().passphrase();
        try (Passphrase passphrase = Passphrase.of(secret)) {
            FileKeyVault vault =
                    FileKeyVault.inProfile(profile.dir(), passphrase, AdminCommand.kdf(), new SecureRandom());
            if (!vault.exists()) {
                throw new AdminFailure("no identity in profile " + profile.dir()
                        + "; run `nexuslink id create` or `nexuslink id restore`, or use --local");
            }
            identity = vault.load();
        } catch (KeystoreException e) {
            throw new AdminFailure(e.getMessage());
        } finally {
            java.util.Arrays.fill(secret, '\0');
        }
        return RemoteAdministration.connect(
                target.server != null ? target.server : java.net.URI.create(AdminOptions.DEFAULT_SERVER), identity);
    }

    PrintWriter out() {
        return spec.commandLine().getOut();
    }

    PrintWriter err() {
        return spec.commandLine().getErr();
    }
}
