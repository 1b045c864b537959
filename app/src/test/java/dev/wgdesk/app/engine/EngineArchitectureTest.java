package dev.wgdesk.app.engine;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

/**
 * wgdesk-engine reaches TUN drivers only through {@link dev.wgdesk.engine.tun.TunProvider}
 * (ServiceLoader): the macOS rules in {@link Engine} must not pull platform code, JNA or JavaFX
 * into the engine's command-line classes.
 */
class EngineArchitectureTest {
    private static final JavaClasses ENGINE_CLI = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("dev.wgdesk.app.engine");

    @Test
    void engineCommandUsesNoPlatformModuleNativeOrUiCode() {
        noClasses().should().dependOnClassesThat()
                .resideInAnyPackage("dev.wgdesk.platform..", "com.sun.jna..", "javafx..", "dev.wgdesk.app.ui..")
                .because("the engine finds its TUN driver through TunProvider; it has no UI")
                .check(ENGINE_CLI);
        assertTrue(ENGINE_CLI.contain(Engine.class) && ENGINE_CLI.contain(HostOs.class),
                "the rule saw the engine's classes (" + ENGINE_CLI.size() + ")");
    }
}
