package dev.wgdesk.app.engine;

/**
 * Validates network interface names as {@code wgdesk-engine} accepts them: what the Linux kernel
 * accepts ({@code dev_valid_name}: 1 to 15 bytes, no {@code /}, {@code :} or white space, not
 * {@code .} or {@code ..}), narrowed to the characters {@code wg-quick} allows,
 * {@code [a-zA-Z0-9_=+.-]}, and never starting with {@code -} so an option is not taken for a name.
 *
 * <p>The name also names the UAPI socket {@code /var/run/wireguard/NAME.sock}, so it must not
 * contain path separators.
 *
 * <p>On macOS ({@link #problem(String, HostOs)}) the kernel names utun interfaces, so the name
 * given must be {@code utun} (the kernel picks the next free {@code utunN}) or {@code utunN}
 * with N of 1 to {@value #MAX_UTUN_DIGITS} digits, as wireguard-go requires there; the UAPI
 * socket is named after the interface the kernel actually created.
 */
public final class InterfaceName {
    /** Longest name: IFNAMSIZ (16) less the terminating NUL. */
    public static final int MAX_LENGTH = 15;
    /** Most digits of N in a requested {@code utunN} (what the macOS TUN provider maps to a unit). */
    static final int MAX_UTUN_DIGITS = 6;
    /** The macOS name that lets the kernel choose the unit. */
    static final String UTUN = "utun";

    private InterfaceName() {}

    /** True if {@code name} is a valid interface name. */
    public static boolean isValid(String name) {
        return problem(name) == null;
    }

    /**
     * Why {@code name} is not a valid interface name to ask for on {@code os}, or null if it is.
     * The reason does not repeat the name itself.
     */
    static String problem(String name, HostOs os) {
        String p = problem(name);
        if (p != null || os != HostOs.MACOS) {
            return p;
        }
        if (!name.equals(UTUN) && !isUtunWithUnit(name)) {
            return "on macOS the interface name must be utun (the kernel picks utunN) or utunN with N of 1 to "
                    + MAX_UTUN_DIGITS + " digits";
        }
        return null;
    }

    /** True if {@code name} is {@code utun} followed by 1 to {@value #MAX_UTUN_DIGITS} ASCII digits. */
    static boolean isUtunWithUnit(String name) {
        int n = name.length() - UTUN.length();
        if (!name.startsWith(UTUN) || n < 1 || n > MAX_UTUN_DIGITS) {
            return false;
        }
        for (int i = UTUN.length(); i < name.length(); i++) {
            char c = name.charAt(i);
            if (c < '0' || c > '9') {
                return false;
            }
        }
        return true;
    }

    /**
     * Why {@code name} is not a valid interface name, or null if it is. The reason does not
     * repeat the name itself.
     */
    public static String problem(String name) {
        if (name == null || name.isEmpty()) {
            return "the interface name is empty";
        }
        if (name.length() > MAX_LENGTH) {
            return "the interface name is longer than " + MAX_LENGTH + " characters";
        }
        if (name.charAt(0) == '-') {
            return "the interface name starts with '-'";
        }
        if (name.equals(".") || name.equals("..")) {
            return "the interface name cannot be '.' or '..'";
        }
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            boolean ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
                    || c == '_' || c == '=' || c == '+' || c == '.' || c == '-';
            if (!ok) {
                return "the interface name may contain only letters, digits and _=+.-";
            }
        }
        return null;
    }
}
