// SPDX-License-Identifier: AGPL-3.0-or-later
package org.nexuslink.cli.client;

import java.util.Objects;
import org.nexuslink.cli.TerminalText;
import org.nexuslink.protocol.api.DevicesApi;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code nexuslink device}: this account's devices. */
@Command(
        name = "device",
        mixinStandardHelpOptions = true,
        description = "List, remove and link this account's devices.",
        subcommands = {DeviceCommand.ListDevices.class, DeviceCommand.Remove.class, DeviceLinkCommand.class})
public final class DeviceCommand implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "Missing sub-command: one of list, remove, link");
    }

    /** {@code nexuslink device list}. */
    @Command(name = "list", mixinStandardHelpOptions = true, description = "List the account's active devices.")
    public static final class ListDevices extends ClientCommand {
        @Option(names = "--json", description = "Print the server's JSON list.")
        boolean json;

        @Override
        protected void run() throws Exception {
            try (Session session = session(true)) {
                DevicesApi.DeviceList devices = session.client().devices();
                if (json) {
                    out().println(TerminalText.json(devices));
                    return;
                }
                int me = session.client().device().deviceId();
                for (DevicesApi.DeviceView d : devices.devices()) {
                    int id = d.deviceId();
                    out().printf(
                                    "%3d  %-10s registered %s  last active %s%s%n",
                                    id,
                                    TerminalText.safe(Objects.requireNonNullElse(d.deviceType(), "")),
                                    TerminalText.safe(Objects.requireNonNullElse(d.registeredAt(), "")),
                                    TerminalText.safe(Objects.requireNonNullElse(d.lastActiveAt(), "")),
                                    id == me ? "  (this device)" : "");
                }
            }
        }
    }

    /** {@code nexuslink device remove <id>}. */
    @Command(
            name = "remove",
            mixinStandardHelpOptions = true,
            description = {
                "Remove one of the account's devices (this one included): it is disconnected at once, "
                        + "its queued messages are deleted and it receives nothing more.",
                "Removing another device needs the account's identity key: run it on the device that holds "
                        + "the key, which signs a revocation of the device's certificate (contacts refuse a revoked "
                        + "device, and its certificate never joins this community again). A linked device can remove "
                        + "only itself. The last device cannot be removed; leave the community instead."
            })
    public static final class Remove extends ClientCommand {
        @Parameters(index = "0", paramLabel = "ID", description = "The device id (see `device list`).")
        int deviceId;

        @Override
        protected void run() throws Exception {
            if (deviceId < 1 || deviceId > 127) {
                throw new CommandLine.ParameterException(
                        spec.commandLine(), "ID is a device id 1-127, got " + deviceId);
            }
            try (Session session = session(true)) {
                DeviceApproval.remove(session.client(), session.keys(), deviceId);
                out().println("removed device " + deviceId
                        + (deviceId == session.client().device().deviceId() ? " (this device)" : ""));
            }
        }
    }
}
