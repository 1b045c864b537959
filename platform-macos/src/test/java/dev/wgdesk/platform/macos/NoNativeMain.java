package dev.wgdesk.platform.macos;

import dev.wgdesk.engine.platform.HelperPlatform;

/**
 * Run in a fresh JVM by {@link MacHelperPlatformTest}: finds the platforms, asks each whether it
 * is current and makes the macOS parts, then prints whether JNA's native library got loaded
 * (JNA sets {@code jna.loaded} when it loads libjnidispatch).
 */
public final class NoNativeMain {
    private NoNativeMain() {}

    public static void main(String[] args) {
        for (HelperPlatform p : HelperPlatform.all()) {
            p.isCurrent();
            p.os();
            p.stateDirectory();
            p.policyFile();
            p.defaultGroup();
            if (p instanceof MacHelperPlatform) {
                p.tunnelBackend();
                p.userDirectory();
                p.serviceRegistration();
            }
        }
        System.out.println("jna.loaded=" + System.getProperty("jna.loaded"));
    }
}
