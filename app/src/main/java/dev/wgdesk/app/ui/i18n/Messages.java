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
 * <p>Translations: {@code messages_de.properties} (German). The app follows the OS locale
 * ({@link Locale#getDefault()}, which the JVM takes from LANG/LC_ALL/LC_MESSAGES on Linux);
 * {@code wgdesk --lang TAG} or the environment variable {@code WGDESK_LANG=TAG} override it (see
 * {@link #choose}). A locale without a translation gets the English base bundle, never the
 * translation of the OS locale: asking for English on a German desktop gives English.
 *
 * <p>Not instantiable; the bundle is loaded once for the default locale. Thread-safe.
 */
public final class Messages {
    /** The bundle's base name, as {@link ResourceBundle#getBundle(String)} wants it. */
    public static final String BUNDLE = "dev.wgdesk.app.ui.messages";

    private Messages() {}

    /** The environment variable that overrides the OS locale for the app's texts. */
    public static final String LANG_VARIABLE = "WGDESK_LANG";

    /** No fallback to the default locale's bundle: a missing translation means English. */
    private static final ResourceBundle.Control NO_FALLBACK =
            ResourceBundle.Control.getNoFallbackControl(ResourceBundle.Control.FORMAT_PROPERTIES);

    private static volatile ResourceBundle bundle = load(Locale.getDefault());

    private static ResourceBundle load(Locale locale) {
        return ResourceBundle.getBundle(BUNDLE, locale, NO_FALLBACK);
    }

    /**
     * The locale the app's texts follow: {@code option} ({@code --lang}) if given, else
     * {@code variable} ({@value #LANG_VARIABLE}) if set, else {@code os}. A value is a language
     * tag ({@code de}, {@code de-AT}) or a POSIX locale name ({@code de_DE.UTF-8}); {@code C} and
     * {@code POSIX} mean English.
     */
    public static Locale choose(String option, String variable, Locale os) {
        for (String v : new String[] {option, variable}) {
            if (v != null && !v.isBlank()) {
                return parseLocale(v.strip());
            }
        }
        return Objects.requireNonNull(os, "os");
    }

    private static Locale parseLocale(String v) {
        String s = v;
        int cut = s.indexOf('.');
        if (cut >= 0) {
            s = s.substring(0, cut);
        }
        cut = s.indexOf('@');
        if (cut >= 0) {
            s = s.substring(0, cut);
        }
        if (s.equals("C") || s.equals("POSIX") || s.isEmpty()) {
            return Locale.ENGLISH;
        }
        Locale l = Locale.forLanguageTag(s.replace('_', '-'));
        return l.getLanguage().isEmpty() ? Locale.ENGLISH : l;
    }

    /** The locale of the bundle in use ({@link Locale#ROOT} for the English base bundle). */
    public static Locale locale() {
        return bundle.getLocale();
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
