package dev.wgdesk.engine.uapi;

/**
 * The failure classes a UAPI operation can report, as wireguard-go's {@code ipc} package names
 * them. Each becomes a negative errno in the {@code errno=N} reply; the numbers differ per
 * operating system and come from {@link ErrnoConvention}.
 */
public enum UapiError {
    /** Reading the request or writing the reply failed, or a request line was too long (EIO). */
    IO,
    /** A request line was not of the form {@code key=value} (EPROTO). */
    PROTOCOL,
    /** A key was unknown or out of place, or a value was malformed or refused (EINVAL). */
    INVALID,
    /** The listen port could not be bound, or the firewall mark could not be applied (EADDRINUSE). */
    PORT_IN_USE,
    /** Any other failure, e.g. an unexpected exception in the device (wireguard-go's ENOANO, 55). */
    UNKNOWN
}
