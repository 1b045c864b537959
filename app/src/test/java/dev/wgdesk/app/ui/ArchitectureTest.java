package dev.wgdesk.app.ui;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import dev.wgdesk.app.ui.view.FxUiThread;
import javafx.application.Platform;
import org.junit.jupiter.api.Test;

/** Rules the tray app's code must keep. */
class ArchitectureTest {
    private static final JavaClasses UI = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("dev.wgdesk.app.ui");

    @Test
    void uiNeverTouchesPlatformTunOrDeviceCode() {
        noClasses().that().resideInAPackage("dev.wgdesk.app.ui..")
                .should().dependOnClassesThat().resideInAnyPackage(
                        "dev.wgdesk.platform..", "dev.wgdesk.engine.tun..", "dev.wgdesk.engine.device..",
                        "dev.wgdesk.engine.conn..", "dev.wgdesk.engine.noise..")
                .because("the app does everything through the helper's IPC")
                .check(UI);
    }

    @Test
    void onlyOneClassCallsRunLater() {
        noClasses().that().resideInAPackage("dev.wgdesk.app.ui..")
                .and().doNotHaveFullyQualifiedName(FxUiThread.class.getName())
                .should().callMethod(Platform.class, "runLater", Runnable.class)
                .because("every hand-over to the FX thread goes through FxUiThread")
                .check(UI);
        classes().that().haveFullyQualifiedName(FxUiThread.class.getName())
                .should().callMethod(Platform.class, "runLater", Runnable.class)
                .check(UI);
        assertTrue(UI.size() > 30, "the rule saw the UI classes (" + UI.size() + ")");
    }

    @Test
    void viewModelsNeedNoStage() {
        noClasses().that().resideInAnyPackage("dev.wgdesk.app.ui.vm..", "dev.wgdesk.app.ui.config..",
                        "dev.wgdesk.app.ui.io..", "dev.wgdesk.app.ui.gateway..", "dev.wgdesk.app.ui.tray..")
                .should().dependOnClassesThat().resideInAnyPackage("javafx.scene..", "javafx.stage..", "javafx.application..")
                .because("view models are tested without a window")
                .check(UI);
    }

    @Test
    void onlyTheGatewayAdapterUsesTheIpcClient() {
        noClasses().that().resideInAPackage("dev.wgdesk.app.ui..")
                .and().doNotHaveSimpleName("IpcHelperGateway")
                .should().dependOnClassesThat().haveSimpleName("IpcClient")
                .check(UI);
    }
}
