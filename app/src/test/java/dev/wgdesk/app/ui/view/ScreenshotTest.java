package dev.wgdesk.app.ui.view;

import dev.wgdesk.app.ipc.IpcClient;
import dev.wgdesk.app.ipc.PeerDiagnosis;
import dev.wgdesk.app.ipc.TunnelState;
import dev.wgdesk.app.ui.gateway.DemoData;
import dev.wgdesk.app.ui.gateway.HelperGateway;
import dev.wgdesk.app.ui.gateway.IpcHelperGateway;
import dev.wgdesk.app.ui.i18n.Messages;
import dev.wgdesk.app.ui.vm.TunnelDetail;
import dev.wgdesk.engine.crypto.PrivateKey;
import dev.wgdesk.engine.testing.Requirements;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import javafx.stage.Stage;
import javafx.stage.Window;
import org.junit.jupiter.api.Test;
import org.testfx.api.FxToolkit;

/**
 * The screenshot script's engine. As root it starts the real helper in this JVM on a socket in a
 * temporary directory with two tunnels, "home" and "office", and "home" active on a real TUN
 * interface against a {@code wireguard-go} peer in a network namespace ({@link PeerNamespace}),
 * pings through it so the detail shows a real handshake and transfer, and then shows the app
 * against that helper. Otherwise it falls back, loudly, to the in-process demo helper
 * ({@link DemoData}). Saves PNGs of the main window, the QR code of "home" ("Show as QR code"
 * clicked), the diagnosis of a peer that does not answer (tunnel "backup", whose key the peer does
 * not have), the editor with an error, the log view, and "Import from this computer…" (always the demo
 * helper's tunnels, see {@link #shootSystemImport}), in light and dark. Runs only when {@code -Dwgdesk.screenshots=DIR} is given (see
 * {@code app/src/test/screenshots/screenshots.sh}, which passes {@code -Dwgdesk.screenshots.run}
 * for its own clean-up).
 */
class ScreenshotTest {

    @Test
    void screenshots() throws Exception {
        String dir = System.getProperty("wgdesk.screenshots");
        Requirements.require(dir != null && !dir.isBlank(), "set -Dwgdesk.screenshots=DIR to take screenshots");
        Fx.requireDisplay();
        Messages.useLocale(Locale.ROOT);
        Path out = Path.of(dir);
        // -Dwgdesk.screenshots.demo=true: the demo helper even as root (a quick look at a UI change
        // without the namespace, the TUN interface and the shared root-tests lock)
        String missing = Boolean.getBoolean("wgdesk.screenshots.demo") ? "-Dwgdesk.screenshots.demo=true"
                : PeerNamespace.missingPrerequisite();
        if (missing == null) {
            againstTheRealHelper(out);
        } else {
            System.err.println("""

                    ************************************************************************
                    *  ScreenshotTest: NOT against the real helper (%s):
                    *  falling back to the in-process DEMO helper (DemoData, fake backend).
                    ************************************************************************
                    """.formatted(missing));
            Clock clock = Clock.systemDefaultZone();
            String peerKey = PrivateKey.generate().publicKey().toBase64();
            shoot(out, () -> DemoData.gateway(clock)
                            .with("backup", backup(PrivateKey.generate().toBase64(), peerKey, "198.51.100.9:51820"), true)
                            .diagnose("backup", new PeerDiagnosis("no-reply", "3 handshake initiations sent to"
                                    + " 198.51.100.9:51820 over the last 11 s, none answered. Check that the"
                                    + " peer is running and listens on that address and port, that no firewall drops"
                                    + " UDP to it, and that the peer has this tunnel's public key (WireGuard does not"
                                    + " answer keys it does not know).", Map.of("initiationsSinceResponse", 3))),
                    t -> t.replace("AllowedIPs = 0.0.0.0/0, ::/0", "AllowedIPs = 0.0.0.0/0, ::/0, 10.8.0.0/33"));
        }
        shootSystemImport(out);
    }

    /**
     * "Import from this computer…" on a first start (no tunnels stored), light and dark. Always against
     * the demo helper's two tunnels "on the computer" (a wg-quick file that is up, a NetworkManager
     * connection): the real helper would list this machine's own /etc/wireguard, which is empty or private.
     */
    private static void shootSystemImport(Path out) throws Exception {
        for (Theme.Mode mode : List.of(Theme.Mode.LIGHT, Theme.Mode.DARK)) {
            String suffix = mode == Theme.Mode.DARK ? "-dark" : "";
            Stage stage = FxToolkit.registerStage(Stage::new);
            HelperGateway g = DemoData.withSystemTunnels(new dev.wgdesk.app.ui.gateway.FakeHelperGateway(Clock.systemDefaultZone()));
            WgDeskUi ui = Fx.call(() -> WgDeskUi.show(stage, new WgDeskUi.Options(g, new ScriptedFileDialogs(),
                    Clock.systemDefaultZone(), false, mode, List.of())));
            try {
                Fx.waitUntil("offer shown", 60, () -> ui.mainViewModel().systemOfferProperty().get() == 2);
                SystemImportDialog d = Fx.call(() -> ui.window().importFromSystem());
                Fx.waitUntil("preview shown", 60, () -> d.dialog().getDialogPane().lookup("#system-preview")
                        instanceof javafx.scene.control.TextArea a && !a.getText().isEmpty());
                Fx.settle();
                Fx.snapshot(d.dialog().getDialogPane().getScene(), out.resolve("import-system" + suffix + ".png"));
                Fx.run(() -> d.dialog().close());
            } finally {
                Fx.run(() -> {
                    ui.shutdown();
                    stage.close();
                });
            }
        }
    }

    /** The "home" tunnel: to the peer in the namespace, the tunnel network only, no DNS. */
    private static String home(String privateKey, PeerNamespace peer) {
        return """
                # Home router (split tunnel to the home network)
                [Interface]
                PrivateKey = %s
                Address = %s

                [Peer]
                PublicKey = %s
                AllowedIPs = %s
                Endpoint = %s
                PersistentKeepalive = 25
                """.formatted(privateKey, peer.tunnelAddress, peer.peerPublicKey, peer.allowedIps, peer.endpoint);
    }

    /**
     * The "backup" tunnel (issue 14, the diagnosis screenshot): to the same peer, which does not
     * have this tunnel's key, so its initiations go unanswered ("no-reply"). Routes only
     * 10.213.77.1/32; the persistent keepalive starts the handshakes at activation.
     */
    private static String backup(String privateKey, String peerPublicKey, String endpoint) {
        return """
                # Backup server (its administrator has not added this key yet)
                [Interface]
                PrivateKey = %s
                Address = 10.213.77.2/32

                [Peer]
                PublicKey = %s
                AllowedIPs = 10.213.77.1/32
                Endpoint = %s
                PersistentKeepalive = 25
                """.formatted(privateKey, peerPublicKey, endpoint);
    }

    private void againstTheRealHelper(Path out) throws Exception {
        String run = System.getProperty("wgdesk.screenshots.run");
        Path base = Files.createTempDirectory("wgdesk-shots-");
        Path runDir = run != null && !run.isBlank() ? Path.of(run) : base.resolve("run-state");
        try (PeerNamespace peer = PeerNamespace.create(runDir, 's', 0, 250); RealHelper helper = new RealHelper(base, true)) {
            helper.start();
            PrivateKey key = PrivateKey.generate();
            String homeText;
            try {
                peer.allowPeer(key.publicKey().toBase64(), peer.tunnelHost);
                homeText = home(key.toBase64(), peer);
            } finally {
                key.destroy();
            }
            try (IpcClient c = helper.connect()) {
                c.importConfig("home", homeText);
                c.importConfig("office", DemoData.office()); // never activated: its DNS is not applied
                PrivateKey unknown = PrivateKey.generate(); // the peer does not have it
                try {
                    c.importConfig("backup", backup(unknown.toBase64(), peer.peerPublicKey, peer.endpoint));
                } finally {
                    unknown.destroy();
                }
                c.activate("home");
                c.activate("backup");
            }
            System.err.println("ScreenshotTest: home is up against wireguard-go in " + peer.namespace + ":\n"
                    + peer.pingPeer(10));
            peer.someTraffic();
            shoot(out, () -> new IpcHelperGateway(helper.socket()),
                    t -> t.replace("AllowedIPs = " + peer.allowedIps, "AllowedIPs = " + peer.allowedIps + ", 10.213.1.0/33"));
            List<String> left = helper.closeAndSweep();
            if (!left.isEmpty()) {
                throw new AssertionError("interfaces left behind by the helper (now deleted): " + left);
            }
            peer.close();
            if (!peer.problems().isEmpty()) {
                throw new AssertionError("clean-up problems: " + peer.problems());
            }
        } finally {
            try (Stream<Path> s = Files.walk(base)) {
                s.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            } catch (IOException ignored) {
                // a temporary directory
            }
        }
    }

    /** True once the detail of "home" shows a handshake that happened and some bytes. */
    private static boolean liveHandshake(TunnelDetail d) {
        if (d == null || !d.name().equals("home") || d.peers().isEmpty()) {
            return false;
        }
        List<TunnelDetail.Field> f = d.peers().getFirst();
        String never = Messages.get("time.never");
        return f.stream().anyMatch(x -> x.label().equals("Latest handshake") && !x.value().equals(never))
                && f.stream().anyMatch(x -> x.label().equals("Transfer") && !x.value().startsWith("0 B"));
    }

    private static void shoot(Path out, Supplier<HelperGateway> gateways, UnaryOperator<String> addError)
            throws Exception {
        for (Theme.Mode mode : List.of(Theme.Mode.LIGHT, Theme.Mode.DARK)) {
            String suffix = mode == Theme.Mode.DARK ? "-dark" : "";
            FileDialogs none = new FileDialogs() {
                @Override
                public List<Path> chooseImport(Window owner) {
                    return List.of();
                }

                @Override
                public Optional<Path> chooseExport(Window owner) {
                    return Optional.empty();
                }

                @Override
                public Optional<Path> chooseLogFile(Window owner) {
                    return Optional.empty();
                }
            };
            Stage stage = FxToolkit.registerStage(Stage::new);
            WgDeskUi ui = Fx.call(() -> WgDeskUi.show(stage,
                    new WgDeskUi.Options(gateways.get(), none, Clock.systemDefaultZone(), false, mode, List.of())));
            try {
                var vm = ui.mainViewModel();
                Fx.waitUntil("home listed and active", 60, () -> vm.find("home")
                        .map(t -> t.state() == TunnelState.ACTIVE).orElse(false));
                Fx.run(() -> vm.selectedProperty().set(vm.find("home").orElseThrow())); // "backup" sorts first
                Fx.waitUntil("home selected", 60, () -> vm.detailProperty().get() != null
                        && vm.detailProperty().get().name().equals("home"));
                Fx.waitUntil("home detail with a live handshake and transfer", 60,
                        () -> liveHandshake(vm.detailProperty().get()));
                Fx.settle();
                Fx.snapshot(stage.getScene(), out.resolve("main-window" + suffix + ".png"));

                // Issue 14: the diagnosis of a peer that does not answer, in the detail pane.
                Fx.run(() -> vm.selectedProperty().set(vm.find("backup").orElseThrow()));
                Fx.waitUntil("backup's peer diagnosed no-reply", 60, () -> {
                    TunnelDetail d = vm.detailProperty().get();
                    return d != null && d.name().equals("backup") && !d.peers().isEmpty() && d.peers().getFirst()
                            .stream().anyMatch(f -> f.label().equals("Diagnosis") && f.value().startsWith("No reply"));
                });
                Fx.settle();
                Fx.snapshot(stage.getScene(), out.resolve("diagnosis" + suffix + ".png"));
                Fx.run(() -> vm.selectedProperty().set(vm.find("home").orElseThrow()));
                Fx.waitUntil("home selected again", 60, () -> liveHandshake(vm.detailProperty().get()));

                // "Show as QR code": main-window.png shows the button (hidden state); this one the code.
                Fx.run(() -> ((javafx.scene.control.Button) stage.getScene().lookup("#show-qr")).fire());
                Fx.waitUntil("QR code shown", 60, () -> stage.getScene().lookup("#qr-image") instanceof
                        javafx.scene.image.ImageView v && v.getScene() != null && v.getImage() != null);
                Fx.settle();
                Fx.snapshot(stage.getScene(), out.resolve("qr-code" + suffix + ".png"));
                Fx.run(() -> ((javafx.scene.control.Button) stage.getScene().lookup("#show-qr")).fire());

                Fx.run(() -> ui.window().editSelected());
                Fx.waitUntil("editor open", 60, () -> ui.window().editor() != null
                        && ui.window().editor().viewModel().textProperty().get().contains("[Peer]"));
                Fx.run(() -> {
                    var evm = ui.window().editor().viewModel();
                    String before = evm.textProperty().get();
                    String after = addError.apply(before);
                    if (after.equals(before)) {
                        throw new AssertionError("no AllowedIPs line to break in:\n" + before);
                    }
                    evm.textProperty().set(after);
                });
                Fx.waitUntil("error shown", 60, () -> ui.window().editor().viewModel().errorCountProperty().get() == 1);
                Fx.settle();
                Fx.snapshot(stage.getScene(), out.resolve("editor-error" + suffix + ".png"));

                Fx.run(() -> ui.window().editor().viewModel().revert());
                Fx.run(() -> ui.window().editor().requestClose());
                Fx.run(() -> ui.window().showLog());
                Fx.waitUntil("log loaded", 60, () -> !ui.logViewModel().entries().isEmpty());
                Fx.settle();
                Fx.snapshot(stage.getScene(), out.resolve("log-view" + suffix + ".png"));
            } finally {
                Fx.run(() -> {
                    ui.shutdown();
                    stage.close();
                });
            }
        }
    }
}
