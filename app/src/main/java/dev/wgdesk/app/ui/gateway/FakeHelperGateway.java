package dev.wgdesk.app.ui.gateway;

import dev.wgdesk.app.ipc.ErrorCode;
import dev.wgdesk.app.ipc.IpcEvent;
import dev.wgdesk.app.ipc.IpcException;
import dev.wgdesk.app.ipc.LogEntry;
import dev.wgdesk.app.ipc.PeerDiagnosis;
import dev.wgdesk.app.ipc.PeerStatus;
import dev.wgdesk.app.ipc.SystemTunnel;
import dev.wgdesk.app.ipc.TunnelInfo;
import dev.wgdesk.app.ipc.TunnelState;
import dev.wgdesk.app.ipc.TunnelStatus;
import dev.wgdesk.engine.config.ConfigError;
import dev.wgdesk.engine.config.IpPrefix;
import dev.wgdesk.engine.config.ParseResult;
import dev.wgdesk.engine.config.PeerConfig;
import dev.wgdesk.engine.config.TunnelConfig;
import dev.wgdesk.engine.config.TunnelName;
import java.time.Clock;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * An in-process stand-in for the helper: tunnels live in memory, activation always works (unless
 * told to fail), and events are delivered synchronously on the calling thread. It validates
 * configurations and names as the helper does, answers with the same error codes and messages,
 * stops an active tunnel whose AllowedIPs overlap the one being activated, reports the warnings
 * of a system without a packet filter tool or DNS manager ({@link #setBareSystem}) and a tunnel
 * whose interface vanished ({@link #interfaceDisappeared}), and keeps a log. Used by the UI tests
 * and by the screenshot/demo mode ({@code --demo}). {@code HelperGatewayContract} runs the same
 * scenarios against this fake and the real helper, so the two cannot drift apart. Thread-safe.
 */
public final class FakeHelperGateway implements HelperGateway {
    private static final int LOG_CAPACITY = 1000;

    /** A tunnel: its stored text and, while active, the text it was activated with (as the helper keeps it running). */
    private record Stored(String config, TunnelState state, long activeSince, String error, List<String> warnings,
                          String running) {
        Stored(String config, TunnelState state, long activeSince, String error) {
            this(config, state, activeSince, error, List.of(), state == TunnelState.ACTIVE ? config : null);
        }
    }

    private final Clock clock;
    private final Map<String, Stored> tunnels = new TreeMap<>();
    private final Deque<LogEntry> log = new ArrayDeque<>();
    private final Map<String, String> failNextActivation = new TreeMap<>();
    private final java.util.Set<String> autostart = new java.util.TreeSet<>();
    private final Map<String, dev.wgdesk.app.ipc.OnDemandRule> onDemand = new java.util.TreeMap<>();
    private final java.util.Set<String> shared = new java.util.TreeSet<>();
    /** Tunnels that belong to another user: name to that user's name (uid 1001 in the infos). */
    private final Map<String, String> foreign = new TreeMap<>();
    /** Diagnoses set by tests, per tunnel (every peer of it); the others' peers are ok. */
    private final Map<String, PeerDiagnosis> diagnoses = new TreeMap<>();
    /** Tunnels "on the computer": what systemTunnels answers, and each one's text with its keys. */
    private final List<SystemTunnel> system = new ArrayList<>();
    private final Map<String, String> systemText = new TreeMap<>();
    private volatile Listener listener;
    private boolean reachable = true;
    private boolean authorised = true;
    private boolean connected;
    private boolean bareSystem;
    private int connectAttempts;

    /** An empty fake helper using {@code clock} for times. */
    public FakeHelperGateway(Clock clock) {
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /* ---------- test controls ---------- */

    /**
     * Adds a tunnel "on the computer" (as the real helper finds in /etc/wireguard or
     * NetworkManager): {@code text} is its wg-quick text with keys, which systemTunnels never shows.
     * {@code importable} false stands for a user who is not root.
     */
    public synchronized FakeHelperGateway withSystemTunnel(String source, String path, String name, String iface,
                                                          boolean up, String text, List<String> problems, boolean importable) {
        ParseResult r = TunnelConfig.parseLenient(name + ".conf", text);
        String pub = r.config().map(c -> {
            String k = c.interfaceConfig().publicKey().toBase64();
            c.destroy();
            return k;
        }).orElse(null);
        String preview = r.isValid() ? text.replaceAll("(?mi)^(\\s*(?:PrivateKey|PresharedKey)\\s*=\\s*)\\S.*$", "$1(hidden)") : null;
        String reason = !r.isValid() ? "its file does not parse"
                : importable ? null : "only root can import tunnels from the system's files: they hold private keys only"
                + " root may read (as root: wgdesk import " + path + ")";
        system.add(new SystemTunnel(source, path, name, iface, up, pub, preview, problems, reason == null, reason, null));
        systemText.put(path, text);
        return this;
    }

    /** Adds a tunnel without validation or events (for setting up a scene). */
    public synchronized FakeHelperGateway with(String name, String config, boolean active) {
        tunnels.put(name, new Stored(config, active ? TunnelState.ACTIVE : TunnelState.INACTIVE,
                active ? clock.millis() - 3_723_000 : 0, null));
        return this;
    }

    /** Every peer of {@code name} reports {@code d} from now on (null: ok again). */
    public synchronized FakeHelperGateway diagnose(String name, PeerDiagnosis d) {
        if (d == null) {
            diagnoses.remove(name);
        } else {
            diagnoses.put(name, d);
        }
        return this;
    }

    /**
     * Makes {@code name} belong to another user, {@code owner}, who shares it or not: this fake's
     * user may then not read, change or remove it, and may switch it only when it is shared.
     */
    public synchronized FakeHelperGateway ownedBy(String name, String owner, boolean isShared) {
        foreign.put(name, owner);
        if (isShared) {
            shared.add(name);
        } else {
            shared.remove(name);
        }
        return this;
    }

    /** The info this fake reports for a stored tunnel. */
    private TunnelInfo info(String name, TunnelState state) {
        String other = foreign.get(name);
        boolean mine = other == null;
        return new TunnelInfo(name, state, autostart.contains(name), mine ? "1000" : "1001", mine ? "you" : other,
                shared.contains(name), mine, mine || shared.contains(name));
    }

    private void requireManage(String name, String action) throws IpcException {
        String other = foreign.get(name);
        if (other != null) {
            throw new IpcException(ErrorCode.NOT_PERMITTED, "cannot " + action + " " + name + ": it belongs to " + other
                    + "; only its owner and root may do that");
        }
    }

    private void requireUse(String name, String action) throws IpcException {
        String other = foreign.get(name);
        if (other != null && !shared.contains(name)) {
            throw new IpcException(ErrorCode.NOT_PERMITTED, "cannot " + action + " " + name + ": it belongs to " + other
                    + ", who has not shared it");
        }
    }

    /** Makes the helper refuse connections ({@code NOT_AUTHORISED}), as for a user outside its group, or accept them again. */
    public synchronized void setAuthorised(boolean value) {
        authorised = value;
    }

    /** Makes the helper unreachable (disconnecting current clients) or reachable again. */
    public void setReachable(boolean value) {
        boolean drop;
        synchronized (this) {
            reachable = value;
            drop = !value && connected;
            if (drop) {
                connected = false;
            }
        }
        if (drop && listener != null) {
            listener.onDisconnected(new IpcException(ErrorCode.DISCONNECTED, "the helper stopped"));
        }
    }

    /** Makes the next activation of {@code name} fail with {@code reason}. */
    public synchronized void failNextActivation(String name, String reason) {
        failNextActivation.put(name, reason);
    }

    /**
     * Simulates a system with neither nft nor iptables and neither systemd-resolved nor
     * resolvconf: activating a full tunnel, or one with DNS, then reports the helper's warnings.
     */
    public synchronized void setBareSystem(boolean value) {
        bareSystem = value;
    }

    /**
     * Simulates the active tunnel's interface being deleted from outside: as the helper's monitor
     * does, the tunnel becomes FAILED and an error is pushed.
     */
    public void interfaceDisappeared(String name) {
        String msg = "the interface " + name + " disappeared (deleted from outside?); tunnel stopped";
        synchronized (this) {
            Stored s = tunnels.get(name);
            if (s == null || s.state() != TunnelState.ACTIVE) {
                return;
            }
            setState(name, TunnelState.FAILED, msg);
        }
        log("ERROR", name, msg);
        emit(new IpcEvent.StateChanged(name, TunnelState.FAILED, TunnelState.ACTIVE, msg));
        emit(new IpcEvent.ErrorOccurred(name, msg));
    }

    /** Adds a log line (and pushes it as an event). */
    public void log(String level, String tunnel, String message) {
        LogEntry e = new LogEntry(clock.millis(), level, tunnel, message);
        synchronized (this) {
            log.addLast(e);
            while (log.size() > LOG_CAPACITY) {
                log.removeFirst();
            }
        }
        emit(new IpcEvent.LogLine(e));
    }

    /** How many times {@link #connect()} was called. */
    public synchronized int connectAttempts() {
        return connectAttempts;
    }

    /** The stored text of a tunnel, or null. */
    public synchronized String storedConfig(String name) {
        Stored s = tunnels.get(name);
        return s == null ? null : s.config();
    }

    /** The current state of a tunnel, or null. */
    public synchronized TunnelState state(String name) {
        Stored s = tunnels.get(name);
        return s == null ? null : s.state();
    }

    /* ---------- HelperGateway ---------- */

    @Override
    public void connect() throws IpcException {
        synchronized (this) {
            connectAttempts++;
            if (!reachable) {
                throw new IpcException(ErrorCode.UNREACHABLE, "the helper is not running (no answer at " + address() + ")");
            }
            if (!authorised) {
                throw new IpcException(ErrorCode.NOT_AUTHORISED, "not authorised to use the helper at " + address());
            }
            connected = true;
        }
    }

    @Override
    public synchronized boolean isConnected() {
        return connected;
    }

    @Override
    public String address() {
        return "fake://helper";
    }

    @Override
    public void setListener(Listener l) {
        this.listener = Objects.requireNonNull(l, "listener");
    }

    private void check() throws IpcException {
        if (!connected) {
            throw new IpcException(ErrorCode.DISCONNECTED, "not connected to the helper");
        }
    }

    private Stored get(String name) throws IpcException {
        Stored s = tunnels.get(name);
        if (s == null) {
            throw new IpcException(ErrorCode.NOT_FOUND, "no tunnel named " + name);
        }
        return s;
    }

    @Override
    public synchronized List<TunnelInfo> list() throws IpcException {
        check();
        List<TunnelInfo> out = new ArrayList<>();
        tunnels.forEach((n, s) -> out.add(info(n, s.state())));
        return out;
    }

    @Override
    public synchronized String getConfig(String name) throws IpcException {
        check();
        Stored s = get(name);
        requireManage(name, "read the keys of");
        return s.config();
    }

    private static void validate(String name, String config) throws IpcException {
        var nameError = TunnelName.validate(name);
        if (nameError.isPresent()) {
            throw new IpcException(ErrorCode.INVALID_NAME, nameError.get().message());
        }
        ParseResult r = TunnelConfig.parseLenient(name + ".conf", config);
        if (!r.isValid()) {
            List<String> details = r.errors().stream().map(ConfigError::message).toList();
            int n = details.size();
            throw new IpcException(ErrorCode.INVALID_CONFIG,
                    name + ".conf has " + n + (n == 1 ? " problem: " : " problems; the first: ") + details.getFirst(), details);
        }
        r.config().orElseThrow().destroy();
    }

    @Override
    public TunnelInfo save(String name, String config) throws IpcException {
        TunnelInfo info;
        synchronized (this) {
            check();
            if (tunnels.containsKey(name)) {
                requireManage(name, "change");
            }
            validate(name, config);
            Stored old = tunnels.get(name);
            Stored s = old == null ? new Stored(config, TunnelState.INACTIVE, 0, null)
                    : new Stored(config, old.state(), old.activeSince(), old.error(), old.warnings(), old.running());
            tunnels.put(name, s);
            info = info(name, s.state());
        }
        log("INFO", name, "configuration saved");
        return info;
    }

    @Override
    public TunnelInfo importConfig(String name, String config) throws IpcException {
        synchronized (this) {
            check();
            if (tunnels.containsKey(name)) {
                throw new IpcException(ErrorCode.ALREADY_EXISTS, "a tunnel named " + name + " exists already");
            }
            validate(name, config);
            tunnels.put(name, new Stored(config, TunnelState.INACTIVE, 0, null));
        }
        log("INFO", name, "tunnel imported");
        synchronized (this) {
            return info(name, TunnelState.INACTIVE);
        }
    }

    @Override
    public synchronized List<SystemTunnel> systemTunnels() throws IpcException {
        check();
        List<SystemTunnel> out = new ArrayList<>();
        for (SystemTunnel t : system) {
            String copy = null;
            for (var e : tunnels.entrySet()) {
                if (t.publicKey() != null && t.publicKey().equals(publicKeyOf(e.getValue().config()))) {
                    copy = e.getKey();
                    break;
                }
            }
            out.add(new SystemTunnel(t.source(), t.path(), t.name(), t.interfaceName(), t.up(), t.publicKey(), t.preview(),
                    t.problems(), t.importable(), t.reason(), copy));
        }
        return out;
    }

    @Override
    public TunnelInfo importSystem(String path, String name) throws IpcException {
        SystemTunnel t;
        String text;
        synchronized (this) {
            check();
            t = system.stream().filter(x -> x.path().equals(path)).findFirst().orElseThrow(
                    () -> new IpcException(ErrorCode.NOT_FOUND, "no WireGuard tunnel of wg-quick or NetworkManager at " + path));
            if (!t.importable()) {
                throw new IpcException(t.publicKey() == null ? ErrorCode.INVALID_CONFIG : ErrorCode.NOT_PERMITTED, t.reason());
            }
            text = systemText.get(path);
        }
        return importConfig(name == null ? t.name() : name, text);
    }

    private static String publicKeyOf(String config) {
        ParseResult r = TunnelConfig.parseLenient("x.conf", config);
        return r.config().map(c -> {
            String k = c.interfaceConfig().publicKey().toBase64();
            c.destroy();
            return k;
        }).orElse(null);
    }

    @Override
    public synchronized TunnelInfo setAutostart(String name, boolean enabled) throws IpcException {
        check();
        Stored s = tunnels.get(name);
        if (s == null) {
            throw new IpcException(ErrorCode.NOT_FOUND, "no tunnel named " + name);
        }
        requireManage(name, "change autostart of");
        if (enabled) {
            autostart.add(name);
        } else {
            autostart.remove(name);
        }
        log("INFO", name, enabled ? "Will be activated when the helper starts" : "Will no longer be activated at start");
        return info(name, s.state());
    }

    /**
     * Records the rule; the demo has no network source, so the status says on-demand is
     * unavailable here (as a real helper without NetworkManager does).
     */
    @Override
    public synchronized TunnelStatus setOnDemand(String name, dev.wgdesk.app.ipc.OnDemandRule rule) throws IpcException {
        check();
        Stored s = tunnels.get(name);
        if (s == null) {
            throw new IpcException(ErrorCode.NOT_FOUND, "no tunnel named " + name);
        }
        requireManage(name, "change on-demand of");
        if (rule.enabled()) {
            onDemand.put(name, rule);
        } else {
            onDemand.remove(name);
        }
        log("INFO", name, "On-demand set to " + rule.describe());
        return statusOf(name, s);
    }

    /** The rule set for {@code name}, or OFF (tests). */
    public synchronized dev.wgdesk.app.ipc.OnDemandRule onDemandRule(String name) {
        return onDemand.getOrDefault(name, dev.wgdesk.app.ipc.OnDemandRule.OFF);
    }

    private TunnelStatus withOnDemand(String name, TunnelStatus st) {
        dev.wgdesk.app.ipc.OnDemandRule r = onDemand.get(name);
        return r == null ? st : st.withOnDemand(new dev.wgdesk.app.ipc.OnDemandStatus(r, null, null, null,
                "the demo helper has no network source", 0));
    }

    @Override
    public synchronized TunnelInfo setShared(String name, boolean value) throws IpcException {
        check();
        Stored s = get(name);
        requireManage(name, "change sharing of");
        if (value) {
            shared.add(name);
        } else {
            shared.remove(name);
        }
        log("INFO", name, value ? "Shared with the other users of the helper" : "No longer shared");
        return info(name, s.state());
    }

    @Override
    public void delete(String name) throws IpcException {
        synchronized (this) {
            check();
            get(name);
            requireManage(name, "remove");
        }
        deactivate(name);
        synchronized (this) {
            tunnels.remove(name);
            autostart.remove(name);
            shared.remove(name);
            onDemand.remove(name);
        }
        log("INFO", name, "tunnel deleted");
    }

    @Override
    public TunnelInfo rename(String name, String newName) throws IpcException {
        synchronized (this) {
            check();
            Stored s = get(name);
            requireManage(name, "rename");
            if (s.state().isUp()) {
                throw new IpcException(ErrorCode.INVALID_STATE, "deactivate " + name + " before renaming it");
            }
            if (tunnels.containsKey(newName)) {
                throw new IpcException(ErrorCode.ALREADY_EXISTS, "a tunnel named " + newName + " exists already");
            }
            validate(newName, s.config());
            tunnels.remove(name);
            tunnels.put(newName, s);
            if (autostart.remove(name)) {
                autostart.add(newName);
            }
            if (shared.remove(name)) {
                shared.add(newName);
            }
            var rule = onDemand.remove(name);
            if (rule != null) {
                onDemand.put(newName, rule);
            }
        }
        log("INFO", newName, "renamed from " + name);
        synchronized (this) {
            return info(newName, TunnelState.INACTIVE);
        }
    }

    @Override
    public TunnelStatus activate(String name) throws IpcException {
        TunnelState before;
        String failure;
        synchronized (this) {
            check();
            before = get(name).state();
            requireUse(name, "activate");
            if (before == TunnelState.ACTIVE) {
                return statusOf(name, tunnels.get(name));
            }
            String mine = publicKeyOf(tunnels.get(name).config());
            for (SystemTunnel t : system) {
                if (t.up() && t.publicKey() != null && t.publicKey().equals(mine)) {
                    throw new IpcException(ErrorCode.INVALID_STATE, "\"" + name + "\" is a copy of " + t.path()
                            + ", which is up now: both would use the same private key. Stop the original first.");
                }
            }
            failure = failNextActivation.remove(name);
        }
        stopOverlapping(name);
        synchronized (this) {
            setState(name, TunnelState.ACTIVATING, null);
        }
        emit(new IpcEvent.StateChanged(name, TunnelState.ACTIVATING, before, null));
        if (failure != null) {
            synchronized (this) {
                setState(name, TunnelState.FAILED, failure);
            }
            log("ERROR", name, "Activation failed, rolled back: " + failure);
            emit(new IpcEvent.StateChanged(name, TunnelState.FAILED, TunnelState.ACTIVATING, failure));
            emit(new IpcEvent.ErrorOccurred(name, "activation failed: " + failure));
            throw new IpcException(ErrorCode.ACTIVATION_FAILED, "cannot activate " + name + ": " + failure);
        }
        List<String> warnings;
        synchronized (this) {
            warnings = warningsFor(tunnels.get(name).config());
            setState(name, TunnelState.ACTIVE, null);
            Stored s = tunnels.get(name);
            tunnels.put(name, new Stored(s.config(), s.state(), s.activeSince(), null, warnings, s.config()));
        }
        for (String w : warnings) {
            log("WARNING", name, w);
        }
        emit(new IpcEvent.StateChanged(name, TunnelState.ACTIVE, TunnelState.ACTIVATING, null));
        log("INFO", name, "tunnel activated");
        synchronized (this) {
            return statusOf(name, tunnels.get(name));
        }
    }

    @Override
    public TunnelStatus deactivate(String name) throws IpcException {
        TunnelState before;
        synchronized (this) {
            check();
            before = get(name).state();
            requireUse(name, "deactivate");
            if (!before.isUp()) {
                return statusOf(name, tunnels.get(name));
            }
            setState(name, TunnelState.INACTIVE, null);
        }
        emit(new IpcEvent.StateChanged(name, TunnelState.DEACTIVATING, before, null));
        emit(new IpcEvent.StateChanged(name, TunnelState.INACTIVE, TunnelState.DEACTIVATING, null));
        log("INFO", name, "tunnel deactivated");
        synchronized (this) {
            return statusOf(name, tunnels.get(name));
        }
    }

    /** As the helper: every active tunnel whose AllowedIPs overlap {@code name}'s is deactivated first. */
    private void stopOverlapping(String name) {
        List<String[]> clashes = new ArrayList<>();
        synchronized (this) {
            List<IpPrefix> mine = allowedIps(tunnels.get(name).config());
            tunnels.forEach((other, s) -> {
                if (other.equals(name) || s.state() != TunnelState.ACTIVE) {
                    return;
                }
                for (IpPrefix a : mine) {
                    for (IpPrefix b : allowedIps(s.running() != null ? s.running() : s.config())) {
                        if (overlap(a, b)) {
                            clashes.add(new String[] {other, "its AllowedIPs " + b + " overlap " + a + " of " + name});
                            return;
                        }
                    }
                }
            });
        }
        for (String[] c : clashes) {
            log("WARNING", c[0], "Deactivating " + c[0] + " because " + name + " is being activated and " + c[1]);
            try {
                deactivate(c[0]);
            } catch (IpcException e) {
                throw new IllegalStateException(e); // connected and the tunnel exists: cannot happen
            }
        }
    }

    private static boolean overlap(IpPrefix a, IpPrefix b) {
        if (a.isIpv4() != b.isIpv4()) {
            return false;
        }
        IpPrefix shorter = a.cidr() <= b.cidr() ? a : b;
        return shorter.contains((shorter == a ? b : a).address());
    }

    private static List<IpPrefix> allowedIps(String config) {
        ParseResult r = TunnelConfig.parseLenient("t.conf", config);
        if (!r.isValid()) {
            return List.of();
        }
        TunnelConfig c = r.config().orElseThrow();
        try {
            return c.peers().stream().flatMap(p -> p.allowedIps().stream()).map(IpPrefix::masked).distinct().toList();
        } finally {
            c.destroy();
        }
    }

    /** The helper's warnings for a configuration on a {@linkplain #setBareSystem bare system}. */
    private List<String> warningsFor(String config) {
        if (!bareSystem) {
            return List.of();
        }
        ParseResult r = TunnelConfig.parseLenient("t.conf", config);
        if (!r.isValid()) {
            return List.of();
        }
        TunnelConfig c = r.config().orElseThrow();
        try {
            List<String> out = new ArrayList<>();
            boolean full = c.interfaceConfig().table().kind() == dev.wgdesk.engine.config.RouteTable.Kind.AUTO
                    && allowedIps(config).stream().anyMatch(p -> p.cidr() == 0);
            if (full) {
                out.add("Full tunnel WITHOUT anti-spoofing protection: neither nft (nftables) nor iptables is installed,"
                        + " so packets sent to this tunnel's address(es) from the local network are not dropped"
                        + " (CVE-2019-14899); install nftables and reconnect; the kill switch (\"Block untunneled"
                        + " traffic\") is UNAVAILABLE too: traffic that does not go through the tunnel is NOT blocked");
            }
            List<String> servers = c.interfaceConfig().dnsServers().stream().map(d -> d.address().toString()).toList();
            List<String> domains = c.interfaceConfig().dnsSearchDomains().stream()
                    .map(dev.wgdesk.engine.config.SearchDomain::name).toList();
            List<String> routing = servers.isEmpty() ? List.of() : c.interfaceConfig().dnsRoutingDomains().stream()
                    .map(Object::toString).toList();
            if (!servers.isEmpty() || !domains.isEmpty()) {
                out.add("DNS not applied: neither systemd-resolved nor resolvconf is available; set DNS server(s) "
                        + String.join(", ", servers) + (domains.isEmpty() ? "" : " and search domain(s) "
                        + String.join(", ", domains)) + (routing.isEmpty() ? "" : " (for " + String.join(", ", routing)
                        + " only)") + " by hand");
            }
            return out;
        } finally {
            c.destroy();
        }
    }

    private void setState(String name, TunnelState state, String error) {
        Stored s = tunnels.get(name);
        long since = state == TunnelState.ACTIVE ? clock.millis() : 0;
        tunnels.put(name, new Stored(s.config(), state, since, error));
    }

    @Override
    public synchronized List<TunnelStatus> status() throws IpcException {
        check();
        List<TunnelStatus> out = new ArrayList<>();
        tunnels.forEach((n, s) -> out.add(statusOf(n, s)));
        return out;
    }

    private TunnelStatus statusOf(String name, Stored s) {
        return withOnDemand(name, rawStatusOf(name, s));
    }

    private TunnelStatus rawStatusOf(String name, Stored s) {
        if (s.state() != TunnelState.ACTIVE) {
            return TunnelStatus.inactive(name, s.state(), autostart.contains(name), s.error());
        }
        ParseResult r = TunnelConfig.parseLenient(name + ".conf", s.running() != null ? s.running() : s.config());
        if (!r.isValid()) {
            return TunnelStatus.inactive(name, s.state(), false, null);
        }
        TunnelConfig c = r.config().orElseThrow();
        try {
            long now = clock.millis();
            long up = Math.max(1, (now - s.activeSince()) / 1000);
            List<PeerStatus> peers = new ArrayList<>();
            for (PeerConfig p : c.peers()) {
                long seed = Integer.toUnsignedLong(p.publicKey().hashCode()) % 1000;
                peers.add(new PeerStatus(p.publicKey().toBase64(),
                        p.endpoint().map(Object::toString).orElse(null),
                        now - (12_000 + seed * 10) % 110_000,
                        up * (48_211 + seed * 13), up * (9_377 + seed * 7),
                        p.persistentKeepalive().orElse(0),
                        p.allowedIps().stream().map(IpPrefix::toString).toList(),
                        diagnoses.getOrDefault(name, new PeerDiagnosis(PeerDiagnosis.OK,
                                "Session up (handshake " + (12 + seed / 100) + " seconds ago); data last came back 1 second ago.",
                                Map.of("sessionUp", true)))));
            }
            return new TunnelStatus(name, s.state(), autostart.contains(name), c.interfaceConfig().publicKey().toBase64(),
                    c.interfaceConfig().listenPort().orElse(51820), c.interfaceConfig().mtu().orElse(1420),
                    s.activeSince(), peers, s.warnings(), null);
        } finally {
            c.destroy();
        }
    }

    @Override
    public synchronized List<LogEntry> logTail(int lines) throws IpcException {
        check();
        List<LogEntry> all = new ArrayList<>(log);
        return List.copyOf(all.subList(Math.max(0, all.size() - lines), all.size()));
    }

    private void emit(IpcEvent e) {
        Listener l = listener;
        boolean c;
        synchronized (this) {
            c = connected;
        }
        if (l != null && c) {
            l.onEvent(e);
        }
    }

    @Override
    public synchronized void close() {
        connected = false;
    }
}
