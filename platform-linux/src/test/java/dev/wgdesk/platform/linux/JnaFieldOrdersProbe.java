package dev.wgdesk.platform.linux;

import com.sun.jna.Native;
import com.sun.jna.Platform;

/**
 * Run in a JVM of its own by {@link JnaFieldOrdersTest}: binds libc the way the platform code
 * does ({@link LibC}, which seeds JNA's field orders first), or, with {@code plain}, binds a
 * method of its own with JNA before anything is seeded. Prints what happened.
 */
public final class JnaFieldOrdersProbe {
    private JnaFieldOrdersProbe() {}

    static native int getpid();

    public static void main(String[] args) {
        if (args.length > 0 && args[0].equals("plain")) {
            Native.register(JnaFieldOrdersProbe.class, Platform.C_LIBRARY_NAME);
            System.out.println("bound pid=" + getpid());
        } else {
            System.out.println("bound libc=" + LibC.isAvailable() + " close(-1)=" + LibC.close(-1)
                    + " seeded=" + JnaFieldOrders.seed());
        }
    }
}
