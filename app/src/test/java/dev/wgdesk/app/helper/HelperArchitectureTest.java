package dev.wgdesk.app.helper;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import dev.wgdesk.engine.platform.HelperPlatform;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/**
 * The helper, its IPC and the CLI reach the operating system only through the engine's platform
 * seam ({@code dev.wgdesk.engine.platform}); the platform jars are found with ServiceLoader.
 */
class HelperArchitectureTest {
    private static final JavaClasses HELPER = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("dev.wgdesk.app.helper", "dev.wgdesk.app.ipc", "dev.wgdesk.app.cli");

    @Test
    void helperIpcAndCliUseNoPlatformModuleNorNativeCode() {
        noClasses().that().resideInAnyPackage("dev.wgdesk.app.helper..", "dev.wgdesk.app.ipc..", "dev.wgdesk.app.cli..")
                .should().dependOnClassesThat().resideInAnyPackage("dev.wgdesk.platform..", "com.sun.jna..")
                .because("OS-specific code lives in the platform-* modules behind dev.wgdesk.engine.platform")
                .check(HELPER);
        assertTrue(HELPER.size() > 30, "the rule saw the helper's classes (" + HELPER.size() + ")");
    }

    @Test
    void serviceLoaderFindsThePlatformsAndExactlyOneIsCurrent() throws java.io.IOException {
        Set<String> oses = new TreeSet<>();
        List<HelperPlatform> all = HelperPlatform.all();
        all.forEach(p -> oses.add(p.os()));
        assertEquals(all.size(), oses.size(), "one platform per OS: " + all);
        // Every platform jar on the class path registers exactly its own OS; platform-linux is always there.
        assertTrue(oses.contains("linux"), "platforms found: " + oses);
        assertTrue(Set.of("linux", "macos", "windows").containsAll(oses), "platforms found: " + oses);
        int files = java.util.Collections.list(getClass().getClassLoader()
                .getResources("META-INF/services/" + HelperPlatform.class.getName())).size();
        assertEquals(files, all.size(), "each platform jar registers one platform");
        assertEquals(1, all.stream().filter(HelperPlatform::isCurrent).count(), "exactly one is current: " + all);
        assertEquals("linux", HelperPlatform.current().orElseThrow().os(), "these tests run on Linux");
    }
}
