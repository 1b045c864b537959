package dev.wgdesk.app.ui.view;

import java.util.Objects;
import javafx.application.ColorScheme;
import javafx.application.Platform;
import javafx.scene.Scene;

/**
 * The look: one stylesheet whose colours are theme tokens (looked-up colours such as
 * {@code -wg-surface}), with a light set on {@code .root} and a dark set on {@code .root.dark}.
 * Dark mode follows the OS's colour scheme as JavaFX reports it, live, unless forced.
 */
public final class Theme {
    /** Forces a scheme, or follows the OS. */
    public enum Mode {
        /** Follow the OS. */
        SYSTEM,
        /** Always light. */
        LIGHT,
        /** Always dark. */
        DARK
    }

    private Theme() {}

    /** The stylesheet URL. */
    public static String stylesheet() {
        return Objects.requireNonNull(Theme.class.getResource("/dev/wgdesk/app/ui/wgdesk.css"), "wgdesk.css").toExternalForm();
    }

    /** Applies {@code mode} to {@code scene} and, for {@link Mode#SYSTEM}, keeps following the OS. */
    public static void apply(Scene scene, Mode mode) {
        switch (mode) {
            case LIGHT -> setDark(scene, false);
            case DARK -> setDark(scene, true);
            case SYSTEM -> {
                var prefs = Platform.getPreferences();
                setDark(scene, prefs.getColorScheme() == ColorScheme.DARK);
                prefs.colorSchemeProperty().addListener((o, a, b) -> setDark(scene, b == ColorScheme.DARK));
            }
        }
    }

    private static void setDark(Scene scene, boolean dark) {
        var classes = scene.getRoot().getStyleClass();
        classes.remove("dark");
        if (dark) {
            classes.add("dark");
        }
    }
}
