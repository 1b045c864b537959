package dev.wgdesk.app.engine;

import java.util.Locale;

/**
 * The operating system {@code wgdesk-engine} runs on, as far as its behaviour differs: interface
 * names, {@code WG_TUN_NAME_FILE}, and how daemon mode checks that the interface exists. Passed
 * in (not read from a global) so tests run the macOS rules on Linux.
 */
enum HostOs {
    /** Interface names chosen by the caller; {@code /proc/self/net/dev} lists interfaces. */
    LINUX,
    /**
     * The kernel names utun interfaces: the name must be {@code utun} (the kernel picks
     * {@code utunN}) or {@code utunN}, and the real name is reported through
     * {@code WG_TUN_NAME_FILE}, as wireguard-go does on darwin.
     */
    MACOS,
    /** Anything else: Linux naming rules; the TUN provider decides whether it can run at all. */
    OTHER;

    /** The OS of this JVM, from {@code os.name}. */
    static HostOs current() {
        return of(System.getProperty("os.name", ""));
    }

    /** The OS for an {@code os.name} value. */
    static HostOs of(String osName) {
        String n = osName.toLowerCase(Locale.ROOT);
        if (n.startsWith("linux")) {
            return LINUX;
        }
        if (n.startsWith("mac") || n.startsWith("darwin")) {
            return MACOS;
        }
        return OTHER;
    }
}
