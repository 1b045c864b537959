package dev.wgdesk.engine.uapi;

/**
 * Text was not a valid IP address, prefix or endpoint in the strict numeric form wireguard-go
 * accepts. The message says what was wrong; it does not repeat the text.
 */
public final class AddressFormatException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    /** Creates the exception with a reason such as "IPv4 field has octet with leading zero". */
    public AddressFormatException(String reason) {
        super(reason);
    }
}
