package dev.wgdesk.engine.uapi;

import dev.wgdesk.engine.crypto.PresharedKey;
import dev.wgdesk.engine.crypto.PrivateKey;
import dev.wgdesk.engine.crypto.PublicKey;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * An in-memory device for UAPI tests: keeps what a real device keeps (with wireguard-go's rules
 * for private-key changes and allowed-IP ownership) and journals every call. Not thread-safe on
 * its own: the handler's lock serialises access.
 */
class FakeTarget implements UapiTarget {
    /** One peer's state. */
    static final class Peer {
        final PublicKey publicKey;
        PresharedKey presharedKey = PresharedKey.none();
        InetSocketAddress endpoint;
        int persistentKeepalive;
        final Set<IpPrefix> allowedIps = new LinkedHashSet<>();
        long lastHandshakeEpochNanos;
        long txBytes;
        long rxBytes;
        boolean started;

        Peer(PublicKey publicKey) {
            this.publicKey = publicKey;
        }
    }

    PrivateKey privateKey;
    int listenPort;
    int fwmark;
    final Map<PublicKey, Peer> peers = new LinkedHashMap<>();
    final List<String> journal = Collections.synchronizedList(new ArrayList<>());

    /** Ports whose binding fails with EADDRINUSE. */
    final Set<Integer> portsInUse = new LinkedHashSet<>();
    /** A mark that cannot be set. */
    Integer badFwmark;
    int maxPeers = Integer.MAX_VALUE;
    /** When set, this call name throws an IllegalStateException (a device bug). */
    String explodeOn;

    @Override
    public DeviceState snapshot() {
        journal.add("snapshot");
        maybeExplode("snapshot");
        List<PeerState> ps = new ArrayList<>();
        for (Peer p : peers.values()) {
            ps.add(new PeerState(p.publicKey, PresharedKey.fromBytes(p.presharedKey.toBytes()), p.endpoint,
                    p.lastHandshakeEpochNanos, p.txBytes, p.rxBytes, p.persistentKeepalive,
                    List.copyOf(p.allowedIps)));
        }
        PrivateKey copy = privateKey == null ? null : PrivateKey.fromBytes(privateKey.toBytes());
        return new DeviceState(copy, listenPort, fwmark, ps);
    }

    @Override
    public PublicKey publicKey() {
        return privateKey == null ? null : privateKey.publicKey();
    }

    @Override
    public void setPrivateKey(PrivateKey key) {
        journal.add(key == null ? "setPrivateKey(null)" : "setPrivateKey");
        maybeExplode("setPrivateKey");
        if (privateKey != null) {
            privateKey.destroy();
        }
        privateKey = key;
        if (key != null) {
            peers.remove(key.publicKey()); // wireguard-go: a peer with our own key goes
        }
    }

    @Override
    public void setListenPort(int port) throws UapiException {
        journal.add("setListenPort(" + port + ")");
        if (portsInUse.contains(port)) {
            throw new UapiException(UapiError.PORT_IN_USE, "port in use");
        }
        listenPort = port;
    }

    @Override
    public void setFwmark(int mark) throws UapiException {
        journal.add("setFwmark(" + Integer.toUnsignedString(mark) + ")");
        if (badFwmark != null && badFwmark == mark) {
            throw new UapiException(UapiError.PORT_IN_USE, "cannot set mark");
        }
        fwmark = mark;
    }

    @Override
    public void removeAllPeers() {
        journal.add("removeAllPeers");
        peers.clear();
    }

    @Override
    public PeerHandle peer(PublicKey publicKey, boolean create) throws UapiException {
        journal.add("peer(" + create + ")");
        maybeExplode("peer");
        if (publicKey.equals(publicKey())) {
            throw new AssertionError("the handler must not ask for our own key");
        }
        Peer p = peers.get(publicKey);
        if (p == null) {
            if (!create) {
                return null;
            }
            if (peers.size() >= maxPeers) {
                throw new UapiException(UapiError.INVALID, "too many peers");
            }
            p = new Peer(publicKey);
            peers.put(publicKey, p);
        }
        return new Handle(p);
    }

    private void maybeExplode(String call) {
        if (call.equals(explodeOn)) {
            throw new IllegalStateException("device bug in " + call);
        }
    }

    private final class Handle implements PeerHandle {
        private final Peer peer;
        private boolean removed;

        Handle(Peer peer) {
            this.peer = peer;
        }

        private void live() {
            if (removed) {
                throw new AssertionError("handle used after remove()");
            }
        }

        @Override
        public void remove() {
            live();
            journal.add("remove");
            peers.remove(peer.publicKey);
            removed = true;
        }

        @Override
        public void setPresharedKey(PresharedKey key) {
            live();
            journal.add("setPresharedKey");
            peer.presharedKey.destroy();
            peer.presharedKey = key;
        }

        @Override
        public void setEndpoint(InetSocketAddress endpoint) {
            live();
            journal.add("setEndpoint");
            maybeExplode("setEndpoint");
            peer.endpoint = endpoint;
        }

        @Override
        public int setPersistentKeepalive(int seconds) {
            live();
            journal.add("setPersistentKeepalive(" + seconds + ")");
            int old = peer.persistentKeepalive;
            peer.persistentKeepalive = seconds;
            return old;
        }

        @Override
        public void clearAllowedIps() {
            live();
            journal.add("clearAllowedIps");
            peer.allowedIps.clear();
        }

        @Override
        public void addAllowedIp(IpPrefix prefix) {
            live();
            for (Peer other : peers.values()) {
                other.allowedIps.remove(prefix); // a prefix has one owner
            }
            peer.allowedIps.add(prefix);
        }

        @Override
        public void removeAllowedIp(IpPrefix prefix) {
            live();
            peer.allowedIps.remove(prefix);
        }

        @Override
        public void finish(boolean persistentKeepaliveTurnedOn) {
            live();
            journal.add("finish(" + persistentKeepaliveTurnedOn + ")");
            peer.started = true;
        }
    }
}
