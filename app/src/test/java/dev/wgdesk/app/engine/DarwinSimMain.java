package dev.wgdesk.app.engine;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * wgdesk-engine as it runs on macOS, for {@link DarwinWgQuickTest} on Linux: the real
 * {@link EngineMain} (command line, daemon mode through {@link Daemon}, WG_TUN_NAME_FILE, UAPI
 * socket in /var/run/wireguard) with {@link HostOs#MACOS} and an in-memory utun provider that
 * names interfaces as the darwin kernel does ({@code utun} gives utun7). Its foreground process
 * writes its pid to {@code $WGDESK_SIM_PIDFILE} so the test can check that it ends (and end it).
 */
public final class DarwinSimMain {
    private DarwinSimMain() {}

    public static void main(String[] args) throws InterruptedException, IOException {
        EngineMain.skipJnaLibrarySearchPath();
        String pidFile = System.getenv("WGDESK_SIM_PIDFILE");
        if (pidFile != null && "1".equals(System.getenv(Daemon.FOREGROUND_ENV))) {
            Files.writeString(Path.of(pidFile), ProcessHandle.current().pid() + "\n", StandardCharsets.US_ASCII);
        }
        int status = EngineMain.run(List.of(args), System.out, System.err, HostOs.MACOS,
                new DarwinEngineTest.UtunNamingProvider(), DarwinSimMain.class);
        System.exit(status);
    }
}
