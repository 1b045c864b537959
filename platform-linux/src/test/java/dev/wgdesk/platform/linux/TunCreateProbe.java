package dev.wgdesk.platform.linux;

/**
 * Run in a child JVM by {@link TunPrivilegeTest} with reduced capabilities: tries to create a
 * TUN and prints {@code OK <name>} or {@code <REASON>|<message>}.
 */
public final class TunCreateProbe {
    private TunCreateProbe() {}

    public static void main(String[] args) throws Exception {
        try (LinuxTun tun = new LinuxTunProvider().create(args[0], 1420)) {
            System.out.println("OK " + tun.name());
        } catch (TunException e) {
            System.out.println(e.reason() + "|" + e.getMessage());
        }
    }
}
