package dev.wgdesk.app.helper;

import dev.wgdesk.engine.config.PeerConfig;
import dev.wgdesk.engine.config.TunnelConfig;
import dev.wgdesk.engine.crypto.PresharedKey;
import dev.wgdesk.engine.crypto.PrivateKey;
import dev.wgdesk.engine.device.DeviceSnapshot;
import dev.wgdesk.engine.device.PeerSnapshot;
import dev.wgdesk.engine.platform.TunnelBackend;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/** A backend that changes nothing on the system and records what it was asked. */
public final class FakeBackend implements TunnelBackend {
    final List<String> calls = new CopyOnWriteArrayList<>();
    final Map<String, FakeActive> active = new ConcurrentHashMap<>();
    final Map<String, String> failAt = new ConcurrentHashMap<>();
    final List<Boolean> scriptsAllowed = new CopyOnWriteArrayList<>();
    /** Hook commands (PreUp, PostUp, PreDown, PostDown together) in each config activated. */
    final List<Integer> hooks = new CopyOnWriteArrayList<>();
    /** Run at the start of every activation (tests). */
    volatile Runnable beforeActivate;
    final Map<String, List<List<String>>> cleaned = new ConcurrentHashMap<>();

    final class FakeActive implements Active {
        final String name;
        final PrivateKey key;
        final List<dev.wgdesk.engine.crypto.PublicKey> peers = new ArrayList<>();
        volatile boolean alive = true;
        /** What failureReason() reports once not alive (the engine's reason), or null. */
        volatile String failure;
        volatile long handshakeNanos;
        /** Whether it reports a kill switch (until stopKeepingKillSwitch or deactivate). */
        volatile boolean killSwitch;

        FakeActive(String name, TunnelConfig c) {
            this.name = name;
            this.key = PrivateKey.fromBytes(c.interfaceConfig().privateKey().rawBytes());
            for (PeerConfig p : c.peers()) {
                peers.add(p.publicKey());
            }
        }

        @Override
        public DeviceSnapshot snapshot() {
            List<PeerSnapshot> ps = new ArrayList<>();
            for (var p : peers) {
                ps.add(new PeerSnapshot(p, PresharedKey.none(), null, handshakeNanos, 10, 20, 0, List.of()));
            }
            return new DeviceSnapshot(PrivateKey.fromBytes(key.rawBytes()), 51000, 0, ps);
        }

        @Override
        public int mtu() {
            return 1420;
        }

        @Override
        public List<String> warnings() {
            return List.of("DNS not applied: fake");
        }

        @Override
        public boolean isAlive() {
            return alive;
        }

        @Override
        public String failureReason() {
            return failure;
        }

        @Override
        public boolean hasKillSwitch() {
            return killSwitch;
        }

        @Override
        public List<String> stopKeepingKillSwitch() {
            calls.add("stop keeping the kill switch " + name);
            return List.of();
        }

        @Override
        public List<String> deactivate() {
            calls.add("down " + name);
            active.remove(name);
            return List.of();
        }
    }

    @Override
    public Active activate(String name, TunnelConfig config, boolean allowScripts, Consumer<List<List<String>>> journal,
                           Consumer<String> log) throws ActivationException {
        calls.add("up " + name);
        Runnable hook = beforeActivate;
        if (hook != null) {
            hook.run();
        }
        scriptsAllowed.add(allowScripts);
        var i = config.interfaceConfig();
        hooks.add(i.preUp().size() + i.postUp().size() + i.preDown().size() + i.postDown().size());
        journal.accept(List.of(List.of("ip", "link", "del", "dev", name)));
        String step = failAt.get(name);
        if (step != null) {
            throw new ActivationException(step, "fake failure", null);
        }
        FakeActive a = new FakeActive(name, config);
        active.put(name, a);
        return a;
    }

    @Override
    public java.util.Set<String> journalPrograms() {
        return java.util.Set.of("ip", "nft");
    }

    @Override
    public List<String> cleanupStale(String name, List<List<String>> undo) {
        calls.add("cleanup " + name);
        cleaned.put(name, undo);
        return List.of("cleaned " + name);
    }
}
