package dev.wgdesk.app.ui.tray;

import dev.wgdesk.app.ui.io.DesktopOs;
import dev.wgdesk.app.ui.tray.sni.SniTray;
import dev.wgdesk.app.ui.vm.UiThread;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;

/**
 * Picks the tray for this desktop. On Linux (any freedesktop.org desktop) the StatusNotifierItem
 * (D-Bus) comes first: KDE, GNOME with the AppIndicator extension, and most current panels draw
 * it, and many of them no longer draw XEmbed icons at all. Then AWT's {@code SystemTray} (XEmbed
 * trays). On Windows (the notification area) and macOS (the menu bar, with a template image) AWT's
 * tray is the only one tried.
 * If neither is there, none: the caller keeps the window open and says why.
 *
 * <p>The system property {@code wgdesk.tray} (or the environment variable {@code WGDESK_TRAY})
 * forces a choice: {@code sni}, {@code awt}, {@code none}, or {@code auto} (the default).
 * {@code wgdesk.tray.dbus} names a D-Bus address other than the session bus (tests use it).
 *
 * <p>At login the app may start before the desktop's panel, so the StatusNotifierItem path waits
 * up to {@code wgdesk.tray.wait} milliseconds (default {@value #DEFAULT_WAIT_MILLIS}) for a host
 * to appear before falling back; the window is not held up by this (the check runs in the
 * background, and a hidden start stays hidden until it is decided).
 */
public final class Trays {
    private static final System.Logger LOG = System.getLogger(Trays.class.getName());

    /** How long to wait for a StatusNotifierItem host by default. */
    public static final long DEFAULT_WAIT_MILLIS = 8000;

    private Trays() {}

    /** Which trays to try. */
    public enum Choice {
        /** StatusNotifierItem first on Linux, then AWT. */
        AUTO,
        /** Only the StatusNotifierItem. */
        SNI,
        /** Only AWT's system tray. */
        AWT,
        /** No tray. */
        NONE;

        /** The choice in {@code wgdesk.tray} / {@code WGDESK_TRAY}, AUTO when unset or unknown. */
        public static Choice configured() {
            String v = System.getProperty("wgdesk.tray", System.getenv("WGDESK_TRAY"));
            if (v == null || v.isBlank()) {
                return AUTO;
            }
            try {
                return valueOf(v.trim().toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                LOG.log(System.Logger.Level.WARNING, "wgdesk.tray=" + v + " is not one of auto, sni, awt, none;"
                        + " using auto");
                return AUTO;
            }
        }
    }

    /** A kind of tray. */
    public enum Kind {
        /** {@link SniTray}. */
        SNI,
        /** {@link AwtTray}. */
        AWT
    }

    /** The trays to try, in order, for {@code choice} on {@code os}. */
    public static List<Kind> order(Choice choice, DesktopOs os) {
        return switch (choice) {
            case AUTO -> os == DesktopOs.FREEDESKTOP ? List.of(Kind.SNI, Kind.AWT) : List.of(Kind.AWT);
            case SNI -> List.of(Kind.SNI);
            case AWT -> List.of(Kind.AWT);
            case NONE -> List.of();
        };
    }

    /**
     * Installs a tray. Blocking (D-Bus, AWT): call it off the UI thread.
     *
     * @param choice     which trays to try
     * @param actions    what the menu does
     * @param ui         where actions run
     * @param onHostLost runs on the UI thread if the desktop's tray goes away later
     * @return the tray, or empty when the desktop has none
     */
    public static Optional<Tray> install(Choice choice, TrayActions actions, UiThread ui, Runnable onHostLost) {
        Objects.requireNonNull(choice, "choice");
        DesktopOs os = DesktopOs.current();
        for (Kind k : order(choice, os)) {
            Optional<? extends Tray> t = switch (k) {
                case SNI -> SniTray.install(System.getProperty("wgdesk.tray.dbus"),
                        Duration.ofMillis(Long.getLong("wgdesk.tray.wait", DEFAULT_WAIT_MILLIS)), actions, ui, onHostLost);
                case AWT -> AwtTray.install(actions, ui, os == DesktopOs.MACOS);
            };
            if (t.isPresent()) {
                return Optional.of(t.get());
            }
        }
        return Optional.empty();
    }
}
