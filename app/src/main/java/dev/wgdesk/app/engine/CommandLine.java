package dev.wgdesk.app.engine;

import java.util.List;
import java.util.Objects;

/**
 * The parsed command line of {@code wgdesk-engine}, which takes the same arguments as
 * {@code wireguard-go}: {@code [-f|--foreground] INTERFACE}, or {@code --version}, or
 * {@code --help}.
 */
public sealed interface CommandLine {
    /** The usage line printed by {@code --help} and on errors. */
    String USAGE = "Usage: wgdesk-engine [-f/--foreground] INTERFACE-NAME";

    /** Run the engine for {@code interfaceName}, in the foreground or as a daemon. */
    record Run(boolean foreground, String interfaceName) implements CommandLine {
        public Run {
            Objects.requireNonNull(interfaceName, "interfaceName");
        }
    }

    /** Print the version and exit 0. */
    record Version() implements CommandLine {}

    /** Print the usage and exit 0. */
    record Help() implements CommandLine {}

    /** Print {@code message} and the usage, and exit 1. */
    record Invalid(String message) implements CommandLine {}

    /** Parses {@code args} with the interface naming rules of this OS; never throws for user input. */
    static CommandLine parse(List<String> args) {
        return parse(args, HostOs.current());
    }

    /** Parses {@code args} with the interface naming rules of {@code os}; never throws for user input. */
    static CommandLine parse(List<String> args, HostOs os) {
        Objects.requireNonNull(args, "args");
        Objects.requireNonNull(os, "os");
        if (args.size() == 1 && args.get(0).equals("--version")) {
            return new Version();
        }
        if (args.size() == 1 && (args.get(0).equals("--help") || args.get(0).equals("-h"))) {
            return new Help();
        }
        if (args.isEmpty()) {
            return new Invalid("missing interface name");
        }
        boolean foreground = false;
        String name = null;
        for (String a : args) {
            if (a.equals("-f") || a.equals("--foreground")) {
                if (foreground) {
                    return new Invalid("option " + a + " given twice");
                }
                foreground = true;
            } else if (a.startsWith("-")) {
                return new Invalid("unknown option: " + printable(a));
            } else if (name != null) {
                return new Invalid("unexpected argument: " + printable(a));
            } else {
                name = a;
            }
        }
        if (name == null) {
            return new Invalid("missing interface name");
        }
        String problem = InterfaceName.problem(name, os);
        if (problem != null) {
            return new Invalid("invalid interface name \"" + printable(name) + "\": " + problem);
        }
        return new Run(foreground, name);
    }

    /** {@code s} with control and non-ASCII characters escaped, shortened to 64 characters. */
    private static String printable(String s) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < s.length() && b.length() < 64; i++) {
            char c = s.charAt(i);
            if (c >= 0x20 && c < 0x7f) {
                b.append(c);
            } else {
                b.append(String.format("\\u%04x", (int) c));
            }
        }
        return b.toString();
    }
}
