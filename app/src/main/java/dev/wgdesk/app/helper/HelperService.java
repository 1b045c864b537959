package dev.wgdesk.app.helper;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.wgdesk.app.ipc.ErrorCode;
import dev.wgdesk.app.ipc.IpcException;
import dev.wgdesk.app.ipc.IpcJson;
import dev.wgdesk.app.ipc.IpcProtocol.Method;
import dev.wgdesk.app.ipc.IpcServer;
import dev.wgdesk.app.ipc.LogEntry;
import dev.wgdesk.app.ipc.TunnelInfo;
import dev.wgdesk.app.ipc.TunnelStatus;
import dev.wgdesk.engine.platform.ClientIdentity;
import dev.wgdesk.engine.config.TunnelConfig;
import dev.wgdesk.engine.crypto.PublicKey;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Serves the IPC methods ({@code docs/ipc.md}) from the {@link ConfigStore} and the
 * {@link TunnelManager}. Stateless and thread-safe.
 */
final class HelperService implements IpcServer.RequestHandler {
    /** Most log lines one {@code logTail} returns. */
    static final int MAX_LOG_LINES = 10_000;

    private final ConfigStore store;
    private final TunnelManager tunnels;
    private final HelperLog log;
    private final SystemTunnels system;
    private final Exclusions exclusions;

    HelperService(ConfigStore store, TunnelManager tunnels, HelperLog log) {
        this(store, tunnels, log, SystemTunnels.onThisComputer());
    }

    HelperService(ConfigStore store, TunnelManager tunnels, HelperLog log, SystemTunnels system) {
        this(store, tunnels, log, system, new Exclusions(dev.wgdesk.engine.platform.AppExclusion.unsupported(
                "running an app outside the tunnel is not implemented yet on this OS"), java.nio.file.Path.of("/proc"), log));
    }

    HelperService(ConfigStore store, TunnelManager tunnels, HelperLog log, SystemTunnels system, Exclusions exclusions) {
        this.store = store;
        this.tunnels = tunnels;
        this.log = log;
        this.system = system;
        this.exclusions = exclusions;
    }

    @Override
    public JsonNode handle(String method, JsonNode params, IpcServer.Client client) throws IpcException {
        ClientIdentity who = client.peer();
        return switch (method) {
            case Method.LIST -> {
                ObjectNode r = IpcJson.object();
                ArrayNode a = r.putArray("tunnels");
                for (TunnelInfo t : tunnels.list(who)) {
                    a.add(IpcJson.toTree(t));
                }
                yield r;
            }
            case Method.GET -> {
                String name = IpcJson.requireString(params, "name");
                String text = tunnels.export(name, who);
                log.info(name, "Configuration (with its keys) read by " + describe(who));
                ObjectNode r = IpcJson.object();
                r.put("name", name);
                r.put("config", text);
                yield r;
            }
            case Method.SAVE, Method.IMPORT -> {
                String name = IpcJson.requireString(params, "name");
                String config = IpcJson.requireString(params, "config");
                TunnelInfo t = tunnels.save(name, config, method.equals(Method.IMPORT), who);
                log.info(name, (method.equals(Method.IMPORT) ? "Imported" : "Saved") + " by " + describe(who));
                yield tunnel(t);
            }
            case Method.DELETE -> {
                tunnels.delete(IpcJson.requireString(params, "name"), who);
                yield IpcJson.object();
            }
            case Method.RENAME -> tunnel(tunnels.rename(IpcJson.requireString(params, "name"),
                    IpcJson.requireString(params, "newName"), who));
            case Method.ACTIVATE -> status(tunnels.activate(IpcJson.requireString(params, "name"), who));
            case Method.DEACTIVATE -> status(tunnels.deactivate(IpcJson.requireString(params, "name"), who));
            case Method.SET_AUTOSTART -> tunnel(tunnels.setAutostart(IpcJson.requireString(params, "name"),
                    IpcJson.requireBoolean(params, "enabled"), who));
            case Method.SET_SHARED -> tunnel(tunnels.setShared(IpcJson.requireString(params, "name"),
                    IpcJson.requireBoolean(params, "shared"), who));
            case Method.SET_ON_DEMAND -> {
                String name = IpcJson.requireString(params, "name");
                dev.wgdesk.app.ipc.OnDemandRule rule;
                try {
                    rule = StateStore.ruleOf(params.path("rule"), "rule");
                } catch (dev.wgdesk.app.ipc.OnDemandRuleException e) {
                    throw new IpcException(ErrorCode.BAD_REQUEST, "invalid on-demand rule: " + e.getMessage());
                }
                yield status(tunnels.setOnDemand(name, rule, who));
            }
            case Method.STATUS -> {
                String name = IpcJson.optionalString(params, "name");
                List<TunnelStatus> list = name == null ? tunnels.statusAll() : List.of(tunnels.status(name));
                ObjectNode r = IpcJson.object();
                ArrayNode a = r.putArray("tunnels");
                list.forEach(s -> a.add(IpcJson.toTree(s)));
                yield r;
            }
            case Method.LOG_TAIL -> {
                int lines = IpcJson.optionalInt(params, "lines", 100, 1, MAX_LOG_LINES);
                ObjectNode r = IpcJson.object();
                ArrayNode a = r.putArray("entries");
                for (LogEntry e : log.tail(lines)) {
                    a.add(IpcJson.toTree(e));
                }
                yield r;
            }
            case Method.SYSTEM_TUNNELS -> systemTunnels(who);
            case Method.IMPORT_SYSTEM -> importSystem(IpcJson.requireString(params, "path"),
                    IpcJson.optionalString(params, "name"), who);
            case Method.EXCLUDE -> exclusions.exclude(Exclusions.pidParam(params), who);
            case Method.UNEXCLUDE -> exclusions.unexclude(Exclusions.pidParam(params), who);
            case Method.EXCLUSIONS -> exclusions.list();
            default -> throw new IpcException(ErrorCode.UNKNOWN_METHOD, "unknown method \"" + method + "\"");
        };
    }

    /** {@code systemTunnels}: what wg-quick and NetworkManager have, keys never included. */
    private ObjectNode systemTunnels(ClientIdentity who) {
        List<SystemTunnels.Found> found = system.scan();
        try {
            Map<String, PublicKey> stored = storedKeys();
            ObjectNode r = IpcJson.object();
            ArrayNode a = r.putArray("tunnels");
            for (SystemTunnels.Found f : found) {
                a.add(IpcJson.toTree(SystemTunnels.describe(f, who, stored)));
            }
            return r;
        } finally {
            found.forEach(SystemTunnels::destroy);
        }
    }

    /** {@code importSystem}: copies one into the store, as root's tunnel. Root only. */
    private ObjectNode importSystem(String path, String name, ClientIdentity who) throws IpcException {
        if (!who.administrator()) {
            throw new IpcException(ErrorCode.NOT_PERMITTED, "only root can import tunnels from the system's files:"
                    + " they hold private keys only root may read (as root: wgdesk import " + path + ")");
        }
        SystemTunnels.Found f = system.find(path);
        try {
            String as = name == null || name.isBlank() ? f.name() : name;
            TunnelInfo t = tunnels.save(as, SystemTunnels.copyText(f), true, who);
            log.info(as, "Imported by root as a copy of " + path + " (" + f.source() + "; the original is unchanged)");
            return tunnel(t);
        } finally {
            SystemTunnels.destroy(f);
        }
    }

    /** The public key of every stored tunnel that loads, by name. */
    private Map<String, PublicKey> storedKeys() {
        Map<String, PublicKey> keys = new HashMap<>();
        try {
            for (String n : store.list()) {
                try {
                    TunnelConfig c = store.load(n);
                    keys.put(n, c.interfaceConfig().publicKey());
                    c.destroy();
                } catch (StoreException e) {
                    // a stored file that no longer loads: not a copy of anything
                }
            }
        } catch (StoreException e) {
            // nothing to compare with
        }
        return keys;
    }

    private static String describe(ClientIdentity who) {
        return Ownership.describe(who);
    }

    private static ObjectNode tunnel(TunnelInfo t) {
        ObjectNode r = IpcJson.object();
        r.set("tunnel", IpcJson.toTree(t));
        return r;
    }

    private static ObjectNode status(TunnelStatus s) {
        ObjectNode r = IpcJson.object();
        r.set("status", IpcJson.toTree(s));
        return r;
    }
}
