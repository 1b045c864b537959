package dev.wgdesk.app.ui.vm;

import dev.wgdesk.app.ipc.PeerStatus;
import dev.wgdesk.app.ipc.TunnelState;
import dev.wgdesk.app.ipc.TunnelStatus;
import dev.wgdesk.app.ui.config.ConfigSummary;
import dev.wgdesk.app.ui.i18n.Messages;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * What the detail pane shows for one tunnel, as labelled text: the interface section, one
 * section per peer, warnings and the last error. Built from the stored configuration's summary
 * and the helper's live status by {@link #of}. Immutable.
 *
 * @param name       the tunnel
 * @param state      its state
 * @param iface      the interface's fields, in display order
 * @param peers      each peer's fields, in display order
 * @param warnings   what the helper did not apply (e.g. DNS)
 * @param error      why the last activation failed, or null
 */
public record TunnelDetail(String name, TunnelState state, List<Field> iface, List<List<Field>> peers,
                           List<String> warnings, String error) {

    /**
     * One labelled value.
     *
     * @param label     the label (from the bundle)
     * @param value     the text
     * @param monospace true for keys and addresses, which read better in a fixed-width font
     * @param tone      how to show it ({@link Tone#PROBLEM} for a peer's diagnosis that says something is wrong)
     */
    public record Field(String label, String value, boolean monospace, Tone tone) {
        /** A plain field. */
        public Field(String label, String value, boolean monospace) {
            this(label, value, monospace, Tone.PLAIN);
        }
    }

    /** How a value is to be shown: plain, or as a peer's diagnosis (good news or a problem). */
    public enum Tone {
        PLAIN, GOOD, PROBLEM
    }

    /** Copies the lists. */
    public TunnelDetail {
        iface = List.copyOf(iface);
        peers = peers.stream().map(List::copyOf).toList();
        warnings = List.copyOf(warnings);
    }

    /** The value of the interface field labelled {@code label}, or null. */
    public String ifaceValue(String label) {
        return iface.stream().filter(f -> f.label().equals(label)).map(Field::value).findFirst().orElse(null);
    }

    /**
     * The detail of a tunnel.
     *
     * @param name      the tunnel
     * @param state     its state
     * @param summary   the configuration's public summary, or null if not loaded (yet)
     * @param status    the live status, or null if none yet
     * @param nowMillis the current time, for "12 seconds ago"
     */
    public static TunnelDetail of(String name, TunnelState state, ConfigSummary summary, TunnelStatus status,
                                  long nowMillis) {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(state, "state");
        boolean live = status != null && status.state() == TunnelState.ACTIVE;
        List<Field> iface = new ArrayList<>();
        iface.add(new Field(Messages.get("detail.status"), Formats.state(state), false));
        String pub = live && status.publicKey() != null ? status.publicKey()
                : summary != null ? summary.publicKey() : null;
        if (pub != null) {
            iface.add(new Field(Messages.get("detail.publicKey"), pub, true));
        }
        if (live && status.listenPort() > 0) {
            iface.add(new Field(Messages.get("detail.listenPort"), Integer.toString(status.listenPort()), true));
        } else if (summary != null && summary.listenPort().isPresent()) {
            iface.add(new Field(Messages.get("detail.listenPort"), Integer.toString(summary.listenPort().getAsInt()), true));
        }
        if (summary != null && !summary.addresses().isEmpty()) {
            iface.add(new Field(Messages.get("detail.addresses"), String.join(", ", summary.addresses()), true));
        }
        if (summary != null && !summary.dns().isEmpty()) {
            iface.add(new Field(Messages.get("detail.dns"), String.join(", ", summary.dns()), true));
        }
        if (live && status.mtu() > 0) {
            iface.add(new Field(Messages.get("detail.mtu"), Integer.toString(status.mtu()), true));
        } else if (summary != null && summary.mtu().isPresent()) {
            iface.add(new Field(Messages.get("detail.mtu"), Integer.toString(summary.mtu().getAsInt()), true));
        }
        if (live && status.activeSinceMillis() > 0) {
            iface.add(new Field(Messages.get("detail.activeFor"),
                    Formats.duration(Math.max(0, (nowMillis - status.activeSinceMillis()) / 1000)), false));
        }

        Map<String, PeerStatus> livePeers = new LinkedHashMap<>();
        if (live) {
            status.peers().forEach(p -> livePeers.put(p.publicKey(), p));
        }
        List<List<Field>> peers = new ArrayList<>();
        if (summary != null) {
            for (ConfigSummary.Peer p : summary.peers()) {
                peers.add(peerFields(p, livePeers.remove(p.publicKey()), nowMillis));
            }
        }
        for (PeerStatus extra : livePeers.values()) {
            peers.add(peerFields(null, extra, nowMillis));
        }
        List<String> warnings = status == null ? List.of() : status.warnings();
        if (status != null && status.hooksNotice() != null && !warnings.contains(status.hooksNotice())) {
            warnings = new java.util.ArrayList<>(warnings);
            warnings.add(status.hooksNotice());
        }
        String error = status == null ? null : status.error();
        return new TunnelDetail(name, state, iface, peers, warnings, error);
    }

    private static List<Field> peerFields(ConfigSummary.Peer p, PeerStatus s, long now) {
        List<Field> f = new ArrayList<>();
        String key = p != null ? p.publicKey() : s.publicKey();
        f.add(new Field(Messages.get("detail.publicKey"), key, true));
        if (s != null && s.diagnosis() != null) {
            f.add(new Field(Messages.get("detail.diagnosis"), Diagnoses.text(s.diagnosis()), false,
                    s.diagnosis().isProblem() ? Tone.PROBLEM : Tone.GOOD));
        }
        if (p != null && p.presharedKey()) {
            f.add(new Field(Messages.get("detail.presharedKey"), Messages.get("detail.presharedKey.enabled"), false));
        }
        String endpoint = s != null && s.endpoint() != null ? s.endpoint() : p != null ? p.endpoint().orElse(null) : null;
        if (endpoint != null) {
            f.add(new Field(Messages.get("detail.endpoint"), endpoint, true));
        }
        List<String> allowed = p != null ? p.allowedIps() : s.allowedIps();
        if (!allowed.isEmpty()) {
            f.add(new Field(Messages.get("detail.allowedIps"), String.join(", ", allowed), true));
        }
        int keepalive = s != null ? s.persistentKeepalive() : p.keepalive().orElse(0);
        if (keepalive > 0) {
            f.add(new Field(Messages.get("detail.keepalive"), Messages.get("detail.keepalive.every",
                    Formats.duration(keepalive)), false));
        }
        if (s != null) {
            f.add(new Field(Messages.get("detail.latestHandshake"), Formats.ago(s.lastHandshakeMillis(), now), false));
            f.add(new Field(Messages.get("detail.transfer"), Messages.get("detail.transfer.value",
                    Formats.bytes(s.rxBytes()), Formats.bytes(s.txBytes())), false));
        }
        return f;
    }
}
