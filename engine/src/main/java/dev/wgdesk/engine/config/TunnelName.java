package dev.wgdesk.engine.config;

import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * A tunnel's name, which is also its interface name and, with {@code .conf} added, its file
 * name. Instances are immutable.
 *
 * <p>Valid names are what {@code wg-quick} accepts and Linux can use as an interface name: 1 to
 * 15 characters from {@code [a-zA-Z0-9_=+.-]}, except {@code .} and {@code ..} (which Linux
 * refuses) and the names Windows reserves for devices ({@code CON}, {@code PRN}, {@code AUX},
 * {@code NUL}, {@code COM1}..{@code COM9}, {@code LPT1}..{@code LPT9}, in any case, alone or
 * before a dot), since the file {@code CON.conf} cannot exist there.
 */
public final class TunnelName {
    /** Longest name: Linux's IFNAMSIZ (16) minus the terminating NUL. */
    public static final int MAX_LENGTH = 15;

    private static final Set<String> WINDOWS_RESERVED = Set.of(
            "con", "prn", "aux", "nul",
            "com1", "com2", "com3", "com4", "com5", "com6", "com7", "com8", "com9",
            "lpt1", "lpt2", "lpt3", "lpt4", "lpt5", "lpt6", "lpt7", "lpt8", "lpt9");

    /** What is wrong with a name. */
    public enum Problem {
        /** The name is empty. */
        EMPTY,
        /** The name is longer than {@value TunnelName#MAX_LENGTH} characters. */
        TOO_LONG,
        /** A character is not in {@code [a-zA-Z0-9_=+.-]}. */
        INVALID_CHARACTER,
        /** The name is {@code .}, {@code ..}, or a Windows device name. */
        RESERVED,
        /** A file name given to {@link TunnelName#fromFileName} does not end in {@code .conf}. */
        NOT_A_CONF_FILE
    }

    /**
     * Why a name was refused.
     *
     * @param name    the name as given
     * @param problem what is wrong
     * @param index   0-based index of the first invalid character for
     *                {@link Problem#INVALID_CHARACTER}, else -1
     */
    public record NameError(String name, Problem problem, int index) {
        /** A one-line explanation for the user. */
        public String message() {
            return switch (problem) {
                case EMPTY -> "a tunnel name may not be empty";
                case TOO_LONG -> "\"" + name + "\" is longer than " + MAX_LENGTH + " characters";
                case INVALID_CHARACTER -> "\"" + name + "\" contains '" + name.charAt(index)
                        + "' at position " + (index + 1) + "; use only letters, digits and _ = + . -";
                case RESERVED -> "\"" + name + "\" is a reserved name";
                case NOT_A_CONF_FILE -> "\"" + name + "\" does not end in .conf";
            };
        }
    }

    /** Thrown by {@link #of(String)} for an invalid name. */
    public static final class InvalidNameException extends IllegalArgumentException {
        private final transient NameError error;

        InvalidNameException(NameError error) {
            super(error.message());
            this.error = error;
        }

        /** Why the name was refused. */
        public NameError error() {
            return error;
        }
    }

    private final String value;

    private TunnelName(String value) {
        this.value = value;
    }

    /** Checks a name: empty if it is valid, else what is wrong. */
    public static Optional<NameError> validate(String name) {
        if (name.isEmpty()) {
            return Optional.of(new NameError(name, Problem.EMPTY, -1));
        }
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            boolean ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
                    || c == '_' || c == '=' || c == '+' || c == '.' || c == '-';
            if (!ok) {
                return Optional.of(new NameError(name, Problem.INVALID_CHARACTER, i));
            }
        }
        if (name.length() > MAX_LENGTH) {
            return Optional.of(new NameError(name, Problem.TOO_LONG, -1));
        }
        int dot = name.indexOf('.');
        String stem = (dot < 0 ? name : name.substring(0, dot)).toLowerCase(Locale.ROOT);
        if (name.equals(".") || name.equals("..") || WINDOWS_RESERVED.contains(stem)) {
            return Optional.of(new NameError(name, Problem.RESERVED, -1));
        }
        return Optional.empty();
    }

    /**
     * The name, validated.
     *
     * @throws InvalidNameException if the name is invalid
     */
    public static TunnelName of(String name) {
        Optional<NameError> e = validate(name);
        if (e.isPresent()) {
            throw new InvalidNameException(e.get());
        }
        return new TunnelName(name);
    }

    /**
     * The name in a file name of the form {@code name.conf} (as {@code wg-quick} requires), with
     * any directory part removed.
     *
     * @throws InvalidNameException if the file name does not end in {@code .conf} or the name
     *                              before it is invalid
     */
    public static TunnelName fromFileName(String fileName) {
        String base = fileName.substring(Math.max(fileName.lastIndexOf('/'), fileName.lastIndexOf('\\')) + 1);
        if (!base.endsWith(".conf")) {
            throw new InvalidNameException(new NameError(base, Problem.NOT_A_CONF_FILE, -1));
        }
        return of(base.substring(0, base.length() - ".conf".length()));
    }

    /** The file name {@code name.conf}. */
    public String fileName() {
        return value + ".conf";
    }

    /** The name. */
    public String value() {
        return value;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof TunnelName other && value.equals(other.value);
    }

    @Override
    public int hashCode() {
        return value.hashCode();
    }

    /** The name. */
    @Override
    public String toString() {
        return value;
    }
}
