package dev.wgdesk.engine.testing;

import java.util.function.Supplier;
import org.opentest4j.TestAbortedException;

/**
 * What a test needs from the machine to run its real scenario (root, {@code /dev/net/tun}, a display,
 * D-Bus, wireguard-go, nft, a download...). A missing requirement aborts the test with the reason: a skip
 * for a developer without root, a failure under strict mode ({@code WGDESK_TEST_STRICT=1}, set by
 * {@code .ci/run}), where {@link StrictMode} turns every abort not listed in {@code .ci/allowed-skips} into
 * a failure that says why.
 *
 * <pre>{@code
 * Requirements.require(Host.isRoot(), "needs root to create a TUN device");
 * if (!started) throw Requirements.unavailable("wireguard-go did not start: " + log);
 * }</pre>
 */
public final class Requirements {
    private Requirements() {}

    /** Aborts the current test with {@code reason} unless {@code condition} holds. */
    public static void require(boolean condition, String reason) {
        if (!condition) {
            throw unavailable(reason);
        }
    }

    /** As {@link #require(boolean, String)}, the reason computed only when the requirement is missing. */
    public static void require(boolean condition, Supplier<String> reason) {
        if (!condition) {
            throw unavailable(reason.get());
        }
    }

    /**
     * The exception that aborts the current test because the machine cannot run its scenario; throw it
     * ({@code throw Requirements.unavailable(why)}) where a failure to set up the scenario would otherwise be
     * turned into a skip by hand.
     */
    public static TestAbortedException unavailable(String reason) {
        return new TestAbortedException("cannot run the real scenario: " + reason);
    }

    /** True under strict mode: {@code WGDESK_TEST_STRICT=1} (or {@code -Dwgdesk.test.strict=true}). */
    public static boolean strict() {
        return StrictMode.enabled();
    }
}
