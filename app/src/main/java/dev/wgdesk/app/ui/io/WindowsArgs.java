package dev.wgdesk.app.ui.io;

/**
 * Getting an argument that holds double quotes (the Run key's {@code "C:\...\wgdesk.exe" tray})
 * through {@link ProcessBuilder} on Windows intact. Windows passes one command line, which the
 * program's C runtime splits again: {@code \"} is a literal quote, and backslashes count only
 * before a quote. The JDK joins the arguments in one of two ways (its {@code ProcessImpl}):
 * by default ("legacy", {@code jdk.lang.Process.allowAmbiguousCommands} not {@code false}) it
 * wraps an argument with a space or tab in quotes and leaves inner quotes as they are, which the
 * runtime would take as the end of the argument; with the property {@code false} it escapes inner
 * quotes itself. This class escapes them in the first case only.
 */
final class WindowsArgs {
    private WindowsArgs() {}

    /** {@code arg} as it must be handed to this JVM's ProcessBuilder to arrive unchanged. */
    static String forProcessBuilder(String arg) {
        boolean jdkEscapes = "false".equalsIgnoreCase(System.getProperty("jdk.lang.Process.allowAmbiguousCommands"));
        return jdkEscapes ? arg : escapeQuotes(arg);
    }

    /**
     * Each {@code "} preceded by a backslash, and the backslashes right before it doubled, as the
     * Microsoft C runtime's argument rules want.
     */
    static String escapeQuotes(String arg) {
        if (arg.indexOf('"') < 0) {
            return arg;
        }
        StringBuilder b = new StringBuilder(arg.length() + 8);
        int backslashes = 0;
        for (int i = 0; i < arg.length(); i++) {
            char c = arg.charAt(i);
            if (c == '\\') {
                backslashes++;
            } else if (c == '"') {
                b.append("\\".repeat(backslashes)).append('\\');
                backslashes = 0;
            } else {
                backslashes = 0;
            }
            b.append(c);
        }
        return b.toString();
    }
}
