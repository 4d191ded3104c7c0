// SPDX-License-Identifier: AGPL-3.0-or-later
package org.nexuslink.cli;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static org.assertj.core.api.Assertions.assertThat;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The module rules of ARCHITECTURE.md and STYLE.md, checked on the compiled main classes of every
 * module (all are on this module's test classpath): dependencies point one way, {@code protocol}
 * <- {@code crypto} <- {@code client} / {@code server} / {@code p2p} <- {@code cli}, so server and
 * client share only protocol and crypto; a module's {@code internal} packages are its own; and
 * inside the server, the relay reaches neither membership nor permissions.
 */
class ArchitectureTest {
    private static final String ROOT = "org.nexuslink";
    /** For each module, the modules its main code must not use. */
    private static final Map<String, List<String>> FORBIDDEN = Map.of(
            "protocol", List.of("crypto", "client", "server", "p2p", "bench", "cli"),
            "crypto", List.of("client", "server", "p2p", "bench", "cli"),
            "client", List.of("server", "p2p", "bench", "cli"),
            "server", List.of("client", "p2p", "bench", "cli"),
            "p2p", List.of("client", "server", "bench", "cli"),
            "bench", List.of("server", "p2p", "cli"));

    private static final List<String> MODULES =
            List.of("protocol", "crypto", "client", "server", "p2p", "bench", "cli");

    private static JavaClasses main;

    @BeforeAll
    static void importMainClasses() {
        main = new ClassFileImporter()
                .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .importPackages(ROOT);
    }

    @Test
    void the_classes_of_every_module_were_imported() {
        // A rule over no classes holds vacuously: make sure each module is really there.
        for (String module : MODULES) {
            assertThat(main.stream().anyMatch(c -> c.getPackageName().startsWith(pkg(module))))
                    .as("main classes of %s on the test classpath", module)
                    .isTrue();
        }
    }

    @Test
    void dependencies_between_modules_point_one_way() {
        FORBIDDEN.forEach((module, forbidden) -> noClasses()
                .that()
                .resideInAPackage(pkg(module) + "..")
                .should()
                .dependOnClassesThat()
                .resideInAnyPackage(forbidden.stream().map(m -> pkg(m) + "..").toArray(String[]::new))
                .because("dependencies point protocol <- crypto <- client / server / p2p <- cli (STYLE.md)")
                .check(main));
    }

    @Test
    void server_and_client_share_only_protocol_and_crypto() {
        noClasses()
                .that()
                .resideInAPackage(pkg("server") + "..")
                .should()
                .dependOnClassesThat()
                .resideInAPackage(pkg("client") + "..")
                .check(main);
        noClasses()
                .that()
                .resideInAPackage(pkg("client") + "..")
                .should()
                .dependOnClassesThat()
                .resideInAPackage(pkg("server") + "..")
                .check(main);
    }

    @Test
    void no_class_outside_a_module_uses_its_internal_packages() {
        for (String module : MODULES) {
            noClasses()
                    .that()
                    .resideOutsideOfPackage(pkg(module) + "..")
                    .should()
                    .dependOnClassesThat()
                    .resideInAPackage(pkg(module) + "..internal..")
                    .because("internal packages are their module's implementation (STYLE.md)")
                    .check(main);
        }
    }

    @Test
    void the_relay_reaches_neither_membership_nor_permissions() {
        noClasses()
                .that()
                .resideInAPackage(pkg("server") + ".relay..")
                .should()
                .dependOnClassesThat()
                .resideInAPackage(pkg("server") + ".permissions..")
                .orShould()
                .dependOnClassesThat()
                .haveFullyQualifiedName(pkg("server") + ".accounts.Member")
                .orShould()
                .dependOnClassesThat()
                .haveFullyQualifiedName(pkg("server") + ".accounts.MemberStore")
                .orShould()
                .dependOnClassesThat()
                .haveFullyQualifiedName(pkg("server") + ".accounts.Role")
                .because("the relay (event store) knows nothing of members or permissions (ARCHITECTURE.md)")
                .check(main);
    }

    private static String pkg(String module) {
        return ROOT + "." + module;
    }
}
