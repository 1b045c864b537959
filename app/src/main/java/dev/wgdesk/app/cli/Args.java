package dev.wgdesk.app.cli;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * A verb's arguments: options ({@code --name value} or {@code --flag}) and operands, in any
 * order; {@code --} ends options. Options not declared are usage errors.
 */
final class Args {
    private final List<String> operands = new ArrayList<>();
    private final java.util.Map<String, String> options = new java.util.HashMap<>();

    private Args() {}

    /**
     * @param withValue options taking a value (e.g. {@code --socket})
     * @param flags     options without a value (e.g. {@code --json})
     */
    static Args parse(List<String> args, Set<String> withValue, Set<String> flags) throws UsageException {
        Args a = new Args();
        boolean optionsDone = false;
        for (int i = 0; i < args.size(); i++) {
            String s = args.get(i);
            if (!optionsDone && s.equals("--")) {
                optionsDone = true;
            } else if (!optionsDone && s.startsWith("-") && s.length() > 1) {
                String name = s;
                String value = null;
                int eq = s.indexOf('=');
                if (s.startsWith("--") && eq > 0) {
                    name = s.substring(0, eq);
                    value = s.substring(eq + 1);
                }
                if (withValue.contains(name)) {
                    if (value == null) {
                        if (i + 1 >= args.size()) {
                            throw new UsageException(name + " needs a value");
                        }
                        value = args.get(++i);
                    }
                    a.options.put(name, value);
                } else if (flags.contains(name) && value == null) {
                    a.options.put(name, "");
                } else {
                    throw new UsageException("unknown option " + s);
                }
            } else {
                a.operands.add(s);
            }
        }
        return a;
    }

    List<String> operands() {
        return operands;
    }

    boolean has(String option) {
        return options.containsKey(option);
    }

    String get(String option) {
        return options.get(option);
    }

    /** Exactly {@code n} operands, named {@code what} in the error. */
    List<String> expect(int n, String what) throws UsageException {
        if (operands.size() != n) {
            throw new UsageException(n == 0 ? "unexpected argument " + operands.getFirst() : "expected " + what);
        }
        return operands;
    }
}
