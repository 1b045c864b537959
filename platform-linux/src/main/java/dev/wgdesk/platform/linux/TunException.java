package dev.wgdesk.platform.linux;

import java.io.IOException;

/**
 * Creating or configuring a TUN interface failed for a reason the user can act on.
 * {@link #reason()} tells the cases apart without parsing the message.
 */
public final class TunException extends IOException {
    private static final long serialVersionUID = 1L;

    /** Why the interface could not be created. */
    public enum Reason {
        /** Not root and without CAP_NET_ADMIN. */
        PERMISSION_DENIED,
        /** {@code /dev/net/tun} is missing: the tun module is not loaded or the node not created. */
        DRIVER_MISSING,
        /** Another device has the name, or a TUN of that name is held by another process. */
        NAME_IN_USE,
        /** The name breaks the kernel's rules (length, characters). */
        INVALID_NAME,
        /** The MTU is outside what the interface accepts. */
        INVALID_MTU,
        /** Anything else; the message carries the errno. */
        OTHER
    }

    private final Reason reason;

    TunException(Reason reason, String message) {
        super(message);
        this.reason = reason;
    }

    /** The kind of failure. */
    public Reason reason() {
        return reason;
    }
}
