package dev.wgdesk.app.ui.i18n;

import java.text.MessageFormat;
import java.util.Locale;
import java.util.MissingResourceException;
import java.util.Objects;
import java.util.ResourceBundle;

/**
 * Every piece of user-visible text of the tray app, from the resource bundle
 * {@code dev/wgdesk/app/ui/messages.properties} (and its translations). Values are
 * {@link MessageFormat} patterns: {@code {0}} is the first argument, and an apostrophe is
 * written twice.
 *
 * <p>Not instantiable; the bundle is loaded once for the default locale. Thread-safe.
 */
public final class Messages {
    /** The bundle's base name, as {@link ResourceBundle#getBundle(String)} wants it. */
    public static final String BUNDLE = "dev.wgdesk.app.ui.messages";

    private static volatile ResourceBundle bundle = load(Locale.getDefault());

    private Messages() {}

    private static ResourceBundle load(Locale locale) {
        return ResourceBundle.getBundle(BUNDLE, locale);
    }

    /** Switches to {@code locale} (tests use {@link Locale#ROOT} to get the base bundle). */
    public static void useLocale(Locale locale) {
        bundle = load(Objects.requireNonNull(locale, "locale"));
    }

    /** The bundle itself. */
    public static ResourceBundle bundle() {
        return bundle;
    }

    /**
     * The text for {@code key}, formatted with {@code args}.
     *
     * @throws MissingResourceException if the bundle has no such key (a bug: tests check every key)
     */
    public static String get(String key, Object... args) {
        ResourceBundle b = bundle;
        return new MessageFormat(b.getString(key), b.getLocale()).format(args);
    }

    /** True when the bundle has {@code key}. */
    public static boolean has(String key) {
        return bundle.containsKey(key);
    }
}
