package dev.wgdesk.platform.windows.service;

import java.util.List;

/**
 * What {@code wgdesk-helper.exe --install-service} registers with the SCM ({@code CreateService}
 * and {@code ChangeServiceConfig2}), as data: a LocalSystem own-process service started
 * automatically, depending on Nsi and TcpIp (as wireguard-windows' tunnel services), restarted on
 * failure, with an unrestricted service SID. Pure; {@link JnaScm} registers it.
 *
 * @param name           the service name
 * @param displayName    what services.msc shows
 * @param binaryPath     the command line, the executable always quoted (an unquoted path with
 *                       spaces lets {@code C:\Program.exe} run as SYSTEM)
 * @param dependencies   services that must run first
 * @param restartDelaysMs the failure actions: restart after each delay
 * @param resetPeriodS   seconds without failure after which the failure count resets
 */
public record ServiceInstall(String name, String displayName, String binaryPath, List<String> dependencies,
                             List<Integer> restartDelaysMs, int resetPeriodS) {
    public static final String NAME = "wgdesk-helper";
    public static final int SERVICE_WIN32_OWN_PROCESS = 0x10;
    public static final int SERVICE_AUTO_START = 2;
    public static final int SERVICE_ERROR_NORMAL = 1;
    public static final int SERVICE_SID_TYPE_UNRESTRICTED = 1;

    public ServiceInstall {
        dependencies = List.copyOf(dependencies);
        restartDelaysMs = List.copyOf(restartDelaysMs);
    }

    /**
     * The registration for the helper at {@code exePath} (absolute, e.g.
     * {@code C:\Program Files\wgdesk\wgdesk-helper.exe}).
     *
     * @throws IllegalArgumentException for a relative path or one with a quote or control character
     */
    public static ServiceInstall of(String exePath) {
        if (exePath.length() < 3 || !(Character.isLetter(exePath.charAt(0)) && exePath.startsWith(":\\", 1))) {
            throw new IllegalArgumentException("the service executable needs an absolute path like C:\\...: " + exePath);
        }
        for (char c : exePath.toCharArray()) {
            if (c == '"' || Character.isISOControl(c)) {
                throw new IllegalArgumentException("the service executable path has a quote or control character");
            }
        }
        return new ServiceInstall(NAME, "wgdesk helper (WireGuard tunnels)", "\"" + exePath + "\" helper",
                List.of("Nsi", "TcpIp"), List.of(1_000, 5_000, 30_000), 86_400);
    }

    /** The dependencies as {@code CreateService} takes them: NUL-separated, double-NUL-terminated. */
    public String dependenciesMultiString() {
        StringBuilder sb = new StringBuilder();
        for (String d : dependencies) {
            sb.append(d).append('\0');
        }
        return sb.append('\0').toString();
    }
}
