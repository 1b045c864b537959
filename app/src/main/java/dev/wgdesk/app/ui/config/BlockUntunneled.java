package dev.wgdesk.app.ui.config;

import dev.wgdesk.app.ui.config.ConfigText.Line;
import dev.wgdesk.engine.config.ConfigKey;
import dev.wgdesk.engine.config.ConfigSection;
import dev.wgdesk.engine.config.IpPrefix;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The "Block untunneled traffic" switch, as wireguard-windows has it. A peer whose AllowedIPs hold
 * a default route {@code 0.0.0.0/0} (or {@code ::/0}) makes the helper block every packet that
 * does not go through the tunnel (a kill switch). The same routes written as two halves,
 * {@code 0.0.0.0/1, 128.0.0.0/1} (or {@code ::/1, 8000::/1}), send everything through the tunnel
 * too, but without the block. This class tells which form a text uses and rewrites one into the
 * other on each AllowedIPs line, leaving everything else (comments, order, other prefixes) as it
 * was. Pure functions; thread-safe.
 */
public final class BlockUntunneled {
    /** Whether the switch applies, and where it stands. */
    public enum State {
        /** No peer routes everything: the switch does not apply. */
        UNAVAILABLE,
        /** A default route is written as /0: untunneled traffic is blocked. */
        BLOCKING,
        /** The default route is written only as two /1 halves: not blocked. */
        NOT_BLOCKING
    }

    private static final IpPrefix V4_ALL = IpPrefix.parse("0.0.0.0/0");
    private static final IpPrefix V4_LOW = IpPrefix.parse("0.0.0.0/1");
    private static final IpPrefix V4_HIGH = IpPrefix.parse("128.0.0.0/1");
    private static final IpPrefix V6_ALL = IpPrefix.parse("::/0");
    private static final IpPrefix V6_LOW = IpPrefix.parse("::/1");
    private static final IpPrefix V6_HIGH = IpPrefix.parse("8000::/1");

    private BlockUntunneled() {}

    /** Where the switch stands for {@code text}. */
    public static State state(String text) {
        ConfigText t = ConfigText.of(text);
        boolean halves = false;
        for (Line l : allowedIpLines(t)) {
            List<IpPrefix> p = prefixes(t.value(l));
            if (p.contains(V4_ALL) || p.contains(V6_ALL)) {
                return State.BLOCKING;
            }
            halves |= (p.contains(V4_LOW) && p.contains(V4_HIGH)) || (p.contains(V6_LOW) && p.contains(V6_HIGH));
        }
        return halves ? State.NOT_BLOCKING : State.UNAVAILABLE;
    }

    /**
     * {@code text} with every default route written as /0 ({@code block}) or as two /1 halves
     * (not {@code block}). Lines without a default route are unchanged.
     */
    public static String apply(String text, boolean block) {
        ConfigText t = ConfigText.of(text);
        StringBuilder out = new StringBuilder(text.length() + 32);
        int copied = 0;
        for (Line l : allowedIpLines(t)) {
            Optional<String> rewritten = rewrite(t.value(l), block);
            if (rewritten.isPresent()) {
                out.append(text, copied, l.valueStart()).append(rewritten.get());
                copied = l.valueEnd();
            }
        }
        return out.append(text, copied, text.length()).toString();
    }

    private static Optional<String> rewrite(String value, boolean block) {
        String[] parts = value.split(",", -1);
        List<String> out = new ArrayList<>();
        List<IpPrefix> parsed = new ArrayList<>();
        for (String p : parts) {
            parsed.add(IpPrefix.tryParse(p.strip()).orElse(null));
        }
        boolean changed = false;
        if (block) {
            boolean v4 = parsed.contains(V4_LOW) && parsed.contains(V4_HIGH);
            boolean v6 = parsed.contains(V6_LOW) && parsed.contains(V6_HIGH);
            for (int i = 0; i < parts.length; i++) {
                IpPrefix p = parsed.get(i);
                if (v4 && V4_LOW.equals(p)) {
                    out.add("0.0.0.0/0");
                } else if (v6 && V6_LOW.equals(p)) {
                    out.add("::/0");
                } else if ((v4 && V4_HIGH.equals(p)) || (v6 && V6_HIGH.equals(p))) {
                    continue;
                } else {
                    out.add(parts[i].strip());
                }
            }
            changed = v4 || v6;
        } else {
            for (int i = 0; i < parts.length; i++) {
                IpPrefix p = parsed.get(i);
                if (V4_ALL.equals(p)) {
                    out.add("0.0.0.0/1");
                    out.add("128.0.0.0/1");
                    changed = true;
                } else if (V6_ALL.equals(p)) {
                    out.add("::/1");
                    out.add("8000::/1");
                    changed = true;
                } else {
                    out.add(parts[i].strip());
                }
            }
        }
        return changed ? Optional.of(String.join(", ", out)) : Optional.empty();
    }

    private static List<Line> allowedIpLines(ConfigText t) {
        List<Line> out = new ArrayList<>();
        for (Line l : t.lines()) {
            if (l.section() == ConfigSection.PEER && t.key(l).filter(ConfigKey.ALLOWED_IPS::equals).isPresent()) {
                out.add(l);
            }
        }
        return out;
    }

    private static List<IpPrefix> prefixes(String value) {
        List<IpPrefix> out = new ArrayList<>();
        for (String p : value.split(",")) {
            IpPrefix.tryParse(p.strip()).ifPresent(out::add);
        }
        return out;
    }
}
