// SPDX-License-Identifier: AGPL-3.0-or-later
package org.nexuslink.server.testing;

import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.extension.Extension;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.TestTemplateInvocationContext;
import org.junit.jupiter.api.extension.TestTemplateInvocationContextProvider;
import org.junit.platform.commons.support.AnnotationSupport;

/** The two invocations of a {@link DatabaseTest}: one per database, each with its extension. */
final class BothDatabases implements TestTemplateInvocationContextProvider {

    @Override
    public boolean supportsTestTemplate(ExtensionContext context) {
        return AnnotationSupport.isAnnotated(context.getTestMethod(), DatabaseTest.class);
    }

    @Override
    public Stream<TestTemplateInvocationContext> provideTestTemplateInvocationContexts(ExtensionContext context) {
        boolean migrated = AnnotationSupport.findAnnotation(context.getRequiredTestMethod(), DatabaseTest.class)
                .map(DatabaseTest::migrated)
                .orElse(true);
        return Stream.of(
                invocation("sqlite", new SqliteDatabaseExtension(migrated)),
                invocation("postgres", new PostgresDatabaseExtension(migrated)));
    }

    private static TestTemplateInvocationContext invocation(String name, Extension extension) {
        return new TestTemplateInvocationContext() {
            @Override
            public String getDisplayName(int invocationIndex) {
                return "[" + name + "]";
            }

            @Override
            public List<Extension> getAdditionalExtensions() {
                return List.of(extension);
            }
        };
    }
}
