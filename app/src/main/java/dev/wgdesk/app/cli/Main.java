package dev.wgdesk.app.cli;

/** Entry point of the {@code wgdesk} launcher. */
public final class Main {
    private Main() {}

    public static void main(String[] args) {
        System.err.println("wgdesk: the tray app, helper and CLI are NOT IMPLEMENTED YET.");
        System.err.println("Only the engine (wgdesk-engine) is usable in this version; see README.md.");
        System.exit(2);
    }
}
