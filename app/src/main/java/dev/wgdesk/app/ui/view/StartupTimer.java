package dev.wgdesk.app.ui.view;

import java.lang.management.ManagementFactory;
import javafx.application.Platform;
import javafx.scene.Scene;
import javafx.stage.Stage;

/**
 * Measures the time from JVM start to the first frame of the main window. With
 * {@code -Dwgdesk.startup.report=true} it prints {@code wgdesk: window visible after N ms (JVM
 * start) / M ms (main)}; with {@code -Dwgdesk.startup.exit=true} the app exits right after (for
 * the startup benchmark).
 */
public final class StartupTimer {
    private static volatile long mainNanos = System.nanoTime();

    private StartupTimer() {}

    /** Records the moment {@code main} was entered. */
    public static void mainEntered() {
        mainNanos = System.nanoTime();
    }

    static void windowShown(Stage stage) {
        if (!Boolean.getBoolean("wgdesk.startup.report")) {
            return;
        }
        Scene scene = stage.getScene();
        Runnable[] once = new Runnable[1];
        once[0] = () -> {
            scene.removePostLayoutPulseListener(once[0]);
            long now = System.currentTimeMillis();
            long sinceJvm = now - ManagementFactory.getRuntimeMXBean().getStartTime();
            long sinceMain = (System.nanoTime() - mainNanos) / 1_000_000;
            System.out.println("wgdesk: window visible after " + sinceJvm + " ms (JVM start) / " + sinceMain + " ms (main)");
            if (Boolean.getBoolean("wgdesk.startup.exit")) {
                Platform.exit();
                System.exit(0);
            }
        };
        scene.addPostLayoutPulseListener(once[0]);
    }
}
