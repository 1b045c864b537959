package dev.wgdesk.engine;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

/** The engine is pure Java: no JNA, no JavaFX, no platform or app code. */
class ArchitectureTest {
    private static final JavaClasses ENGINE = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("dev.wgdesk.engine");

    @Test
    void engineHasNoNativeOrUiDependencies() {
        noClasses().should().dependOnClassesThat()
                .resideInAnyPackage("com.sun.jna..", "javafx..", "java.awt..", "javax.swing..")
                .because("engine is pure Java; native and UI code live in platform-* and app")
                .check(ENGINE);
    }

    @Test
    void engineDoesNotReachPlatformOrApp() {
        noClasses().should().dependOnClassesThat()
                .resideInAnyPackage("dev.wgdesk.platform..", "dev.wgdesk.app..")
                .check(ENGINE);
    }

    @Test
    void engineImportsSomething() {
        // Guards the two rules above against passing vacuously on an empty import.
        org.junit.jupiter.api.Assertions.assertTrue(ENGINE.size() > 5, "engine classes were not imported");
    }
}
