// SPDX-License-Identifier: AGPL-3.0-or-later
package org.nexuslink.server.ops;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nexuslink.server.config.Config;
import org.slf4j.LoggerFactory;

class LogsTest {
    @TempDir
    Path dir;

    @AfterEach
    void restore() {
        Logs.configure(new Config.Logging("warn", Config.Logging.Format.PRETTY, ""));
    }

    @Test
    void json_format_writes_one_object_per_line_with_the_key_value_fields() throws Exception {
        Path file = dir.resolve("server.log");
        Logs.configure(new Config.Logging("info", Config.Logging.Format.JSON, file.toString()));

        LoggerFactory.getLogger("test").atInfo().addKeyValue("port", 8080).log("listening");
        LoggerFactory.getLogger("test").debug("below the level");

        List<String> lines = Files.readAllLines(file);
        assertThat(lines).hasSize(1);
        JsonNode line = new ObjectMapper().readTree(lines.get(0));
        assertThat(line.get("level").asText()).isEqualTo("INFO");
        assertThat(line.get("formattedMessage").asText()).isEqualTo("listening");
        assertThat(line.get("kvpList").toString()).contains("port", "8080");
    }

    @Test
    void pretty_format_writes_the_message_and_its_fields_on_one_line() throws Exception {
        Path file = dir.resolve("pretty.log");
        Logs.configure(new Config.Logging("debug", Config.Logging.Format.PRETTY, file.toString()));

        LoggerFactory.getLogger("test")
                .atDebug()
                .addKeyValue("account", "nxl:abc")
                .log("device linked");

        assertThat(Files.readString(file)).contains("DEBUG", "device linked", "account=\"nxl:abc\"");
    }
}
