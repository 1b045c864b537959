package dev.wgdesk.engine.config;

import java.util.Optional;

/**
 * The {@code Table =} setting: where {@code wg-quick} puts the routes for the peers' allowed IPs.
 * Instances are immutable.
 *
 * <ul>
 *   <li>{@link #AUTO} (the default, also written {@code auto} or left empty): the main table,
 *       with policy routing for a default route.</li>
 *   <li>{@link #OFF}: add no routes at all.</li>
 *   <li>a table number 0..4294967295, or a name from {@code /etc/iproute2/rt_tables}
 *       ({@code [A-Za-z0-9_.-]}, not all digits).</li>
 * </ul>
 * {@code auto} and {@code off} are matched without regard to case.
 */
public final class RouteTable {
    /** What a {@link RouteTable} holds. */
    public enum Kind { AUTO, OFF, NUMBER, NAME }

    /** The default: {@code wg-quick} picks the table itself. */
    public static final RouteTable AUTO = new RouteTable(Kind.AUTO, 0, "auto");
    /** No routes are added. */
    public static final RouteTable OFF = new RouteTable(Kind.OFF, 0, "off");
    /** Largest table number (tables are unsigned 32-bit in Linux). */
    public static final long MAX_NUMBER = 0xFFFF_FFFFL;
    /** Longest table name accepted. */
    static final int MAX_NAME_LENGTH = 64;

    private final Kind kind;
    private final long number;
    private final String text;

    private RouteTable(Kind kind, long number, String text) {
        this.kind = kind;
        this.number = number;
        this.text = text;
    }

    /**
     * A numbered table.
     *
     * @throws IllegalArgumentException if {@code number} is not 0..4294967295
     */
    public static RouteTable ofNumber(long number) {
        if (number < 0 || number > MAX_NUMBER) {
            throw new IllegalArgumentException("table number " + number + " is not in 0.." + MAX_NUMBER);
        }
        return new RouteTable(Kind.NUMBER, number, Long.toString(number));
    }

    /**
     * A named table.
     *
     * @throws IllegalArgumentException if the name is invalid or is {@code auto}/{@code off}
     */
    public static RouteTable ofName(String name) {
        RouteTable t = tryParse(name).orElse(null);
        if (t == null || t.kind != Kind.NAME) {
            throw new IllegalArgumentException("not a table name: \"" + name + "\"");
        }
        return t;
    }

    /**
     * Parses {@code auto}, {@code off}, a number, or a name; the empty string means {@link #AUTO}.
     * Returns empty if {@code text} is none of these.
     */
    public static Optional<RouteTable> tryParse(CharSequence text) {
        String s = text.toString();
        if (s.isEmpty() || s.equalsIgnoreCase("auto")) {
            return Optional.of(AUTO);
        }
        if (s.equalsIgnoreCase("off")) {
            return Optional.of(OFF);
        }
        if (s.length() > MAX_NAME_LENGTH) {
            return Optional.empty();
        }
        boolean allDigits = true;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            boolean digit = c >= '0' && c <= '9';
            boolean ok = digit || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || c == '.' || c == '-';
            if (!ok) {
                return Optional.empty();
            }
            allDigits &= digit;
        }
        if (allDigits) {
            if (s.length() > 10) {
                return Optional.empty();
            }
            long n = Long.parseLong(s);
            return n <= MAX_NUMBER ? Optional.of(new RouteTable(Kind.NUMBER, n, Long.toString(n))) : Optional.empty();
        }
        return Optional.of(new RouteTable(Kind.NAME, 0, s));
    }

    /**
     * Parses like {@link #tryParse}.
     *
     * @throws IllegalArgumentException if {@code text} is not a valid table
     */
    public static RouteTable parse(CharSequence text) {
        return tryParse(text).orElseThrow(
                () -> new IllegalArgumentException("not a routing table: \"" + text + "\""));
    }

    /** What this table setting is. */
    public Kind kind() {
        return kind;
    }

    /** The table number, for {@link Kind#NUMBER}. */
    public Optional<Long> number() {
        return kind == Kind.NUMBER ? Optional.of(number) : Optional.empty();
    }

    /** The table name, for {@link Kind#NAME}. */
    public Optional<String> name() {
        return kind == Kind.NAME ? Optional.of(text) : Optional.empty();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof RouteTable other && kind == other.kind && number == other.number && text.equals(other.text);
    }

    @Override
    public int hashCode() {
        return (kind.hashCode() * 31 + Long.hashCode(number)) * 31 + text.hashCode();
    }

    /** The text form: {@code auto}, {@code off}, the number, or the name. */
    @Override
    public String toString() {
        return text;
    }
}
