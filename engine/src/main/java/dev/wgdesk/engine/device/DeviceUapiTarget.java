package dev.wgdesk.engine.device;

import dev.wgdesk.engine.crypto.PresharedKey;
import dev.wgdesk.engine.crypto.PrivateKey;
import dev.wgdesk.engine.crypto.PublicKey;
import dev.wgdesk.engine.routing.Prefix;
import dev.wgdesk.engine.uapi.DeviceState;
import dev.wgdesk.engine.uapi.IpPrefix;
import dev.wgdesk.engine.uapi.PeerState;
import dev.wgdesk.engine.uapi.UapiError;
import dev.wgdesk.engine.uapi.UapiException;
import dev.wgdesk.engine.uapi.UapiTarget;
import java.io.IOException;
import java.net.BindException;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;

/** Lets the UAPI handler ({@code wg}, {@code wg-quick}) configure and inspect a {@link Device}. */
public final class DeviceUapiTarget implements UapiTarget {
    private final Device device;

    public DeviceUapiTarget(Device device) {
        this.device = device;
    }

    @Override
    public DeviceState snapshot() {
        DeviceSnapshot s = device.snapshot();
        List<PeerState> peers = new ArrayList<>(s.peers().size());
        for (PeerSnapshot p : s.peers()) {
            List<IpPrefix> ips = new ArrayList<>(p.allowedIps().size());
            for (Prefix prefix : p.allowedIps()) {
                ips.add(IpPrefix.of(prefix.address(), prefix.cidr()));
            }
            peers.add(new PeerState(p.publicKey(), p.presharedKey(), p.endpoint(), p.lastHandshakeEpochNanos(),
                    p.txBytes(), p.rxBytes(), p.persistentKeepaliveSeconds(), ips));
        }
        return new DeviceState(s.privateKey(), s.listenPort(), s.fwmark(), peers);
    }

    @Override
    public PublicKey publicKey() {
        return device.publicKey();
    }

    @Override
    public void setPrivateKey(PrivateKey key) {
        try {
            device.setPrivateKey(key);
        } finally {
            if (key != null) {
                key.destroy(); // the device keeps its own copy
            }
        }
    }

    @Override
    public void setListenPort(int port) throws UapiException {
        try {
            device.setListenPort(port);
        } catch (BindException e) {
            throw new UapiException(UapiError.PORT_IN_USE, "listen port " + port + " is in use");
        } catch (IOException e) {
            throw new UapiException(UapiError.PORT_IN_USE, "cannot bind listen port " + port + ": " + e.getMessage());
        }
    }

    @Override
    public void setFwmark(int mark) throws UapiException {
        try {
            device.setFwmark(mark);
        } catch (IOException e) {
            throw new UapiException(UapiError.PORT_IN_USE, "cannot set fwmark: " + e.getMessage());
        }
    }

    @Override
    public void removeAllPeers() {
        device.removeAllPeers();
    }

    @Override
    public PeerHandle peer(PublicKey publicKey, boolean create) throws UapiException {
        if (!device.hasPeer(publicKey)) {
            if (!create) {
                return null;
            }
            try {
                device.addPeer(publicKey);
            } catch (IllegalStateException e) {
                throw new UapiException(UapiError.INVALID, e.getMessage());
            }
        }
        return new Handle(publicKey);
    }

    private final class Handle implements PeerHandle {
        private final PublicKey key;

        Handle(PublicKey key) {
            this.key = key;
        }

        private Peer peer() throws UapiException {
            Peer p = device.peerByKey(key);
            if (p == null) {
                throw new UapiException(UapiError.INVALID, "peer was removed");
            }
            return p;
        }

        @Override
        public void remove() {
            device.removePeer(key);
        }

        @Override
        public void setPresharedKey(PresharedKey psk) throws UapiException {
            try {
                peer().setPresharedKey(psk);
            } finally {
                psk.destroy();
            }
        }

        @Override
        public void setEndpoint(InetSocketAddress endpoint) throws UapiException {
            Peer p = peer();
            p.setEndpoint(endpoint);
            p.clearEndpointSource();
        }

        @Override
        public int setPersistentKeepalive(int seconds) throws UapiException {
            Peer p = peer();
            return p.setPersistentKeepalive(seconds); // the keepalive, if due, is sent in finish()
        }

        @Override
        public void clearAllowedIps() {
            device.clearPeerAllowedIps(key);
        }

        @Override
        public void addAllowedIp(IpPrefix prefix) {
            device.addPeerAllowedIp(key, prefix.address(), prefix.bits());
        }

        @Override
        public void removeAllowedIp(IpPrefix prefix) {
            device.removePeerAllowedIp(key, prefix.address(), prefix.bits());
        }

        @Override
        public void finish(boolean persistentKeepaliveTurnedOn) throws UapiException {
            Peer p = peer();
            if (p.isRunning()) {
                if (persistentKeepaliveTurnedOn) {
                    p.sendKeepalive(); // after the section's endpoint line, as wireguard-go
                }
                p.sendStaged();
            }
        }
    }
}
