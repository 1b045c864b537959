package dev.wgdesk.platform.linux;

/**
 * Run in a child JVM by {@link BindPrivilegeTest} without CAP_NET_ADMIN and CAP_NET_RAW: opens a bind and prints
 * {@code rcvbuf=<SO_RCVBUF> sndbuf=<SO_SNDBUF>} and then {@code mark=<outcome>}.
 */
public final class BindPrivilegeProbe {
    private BindPrivilegeProbe() {}

    public static void main(String[] args) throws Exception {
        try (LinuxBind bind = new LinuxBind()) {
            bind.open(0);
            System.out.println("rcvbuf=" + bind.socketOption(1, 8) + " sndbuf=" + bind.socketOption(1, 7));
            try {
                bind.setMark(42);
                System.out.println("mark=set " + bind.socketOption(1, LinuxBind.SO_MARK));
            } catch (java.io.IOException e) {
                System.out.println("mark=" + e.getMessage());
            }
        }
    }
}
