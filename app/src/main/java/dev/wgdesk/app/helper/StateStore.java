package dev.wgdesk.app.helper;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.wgdesk.app.ipc.IpcJson;
import dev.wgdesk.app.ipc.JsonTrees;
import dev.wgdesk.app.ipc.OnDemandRule;
import dev.wgdesk.app.ipc.OnDemandRuleException;
import dev.wgdesk.engine.config.TunnelName;
import dev.wgdesk.engine.platform.ClientIdentity;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * The helper's own small state, {@code STATE_DIR/state.json}, written atomically
 * ({@link AtomicFiles}): which tunnels are active (restored when the helper restarts, e.g. after
 * a crash), which start at boot, and (since version 2) who owns each tunnel, whether its owner
 * shares it, and who last wrote its configuration.
 *
 * <pre>{"version":2,"active":["home"],"autostart":["work"],
 *  "tunnels":{"home":{"owner":1000,"shared":false,"writer":1000,
 *                     "onDemand":{"wifi":"EXCEPT","ssids":["Home"],"ethernet":true}}}}</pre>
 *
 * The optional {@code onDemand} object is the tunnel's {@link OnDemandRule} (absent: off); an
 * older helper ignores it. One that does not read as a rule is dropped with an error in the log,
 * the rest of the file is kept.
 *
 * Owners and writers are {@link dev.wgdesk.engine.platform.ClientIdentity#id() client ids}: a
 * decimal id (a uid) is written as a JSON number, as before ids were strings, so files stay
 * readable by older helpers; any other id (a Windows SID) as a string. Either reads as the id.
 *
 * A tunnel without an entry (stored before version 2, or a file root put in the directory by
 * hand) is {@link Meta#LEGACY}: owned by root, shared, writer unknown.
 *
 * Thread-safe: operations are serialised.
 */
public final class StateStore {
    /** The state file's name in the state directory. */
    public static final String FILE = "state.json";

    private static final System.Logger LOG = System.getLogger("wgdesk.helper.state");

    private final Path file;
    private final Set<String> active = new TreeSet<>();
    private final Set<String> autostart = new TreeSet<>();
    private final java.util.Map<String, Meta> meta = new java.util.TreeMap<>();
    private final java.util.Map<String, OnDemandRule> onDemand = new java.util.TreeMap<>();

    /**
     * Who a tunnel belongs to.
     *
     * @param owner  the id of the client that imported or created it ({@link #ROOT}: root's)
     * @param shared whether other members may activate and deactivate it
     * @param writer the id of the client that last wrote its configuration (import or save),
     *               {@link #ROOT} when an administrator did, or {@link #UNKNOWN_WRITER} when it
     *               was stored before wgdesk recorded it
     */
    public record Meta(String owner, boolean shared, String writer) {
        /** Root's id (uid 0), and the writer recorded for any administrator. */
        public static final String ROOT = "0";
        /** The writer of a configuration stored before writers were recorded (written as -1). */
        public static final String UNKNOWN_WRITER = "-1";
        /** Tunnels stored before ownership existed: root's, shared, writer unknown. */
        public static final Meta LEGACY = new Meta(ROOT, true, UNKNOWN_WRITER);

        public Meta {
            java.util.Objects.requireNonNull(owner, "owner");
            java.util.Objects.requireNonNull(writer, "writer");
        }

        /** A new tunnel of {@code who}, not shared, written by it. */
        public static Meta createdBy(ClientIdentity who) {
            return new Meta(who.id(), false, writerId(who));
        }

        public Meta withShared(boolean value) {
            return new Meta(owner, value, writer);
        }

        public Meta withWriter(ClientIdentity who) {
            return new Meta(owner, shared, writerId(who));
        }

        /** True when an administrator wrote the configuration last. */
        public boolean writtenByRoot() {
            return writer.equals(ROOT);
        }

        /** An administrator is recorded as {@link #ROOT}: what matters of a writer is whether it was one. */
        private static String writerId(ClientIdentity who) {
            return who.administrator() ? ROOT : who.id();
        }
    }

    private StateStore(Path file) {
        this.file = file;
    }

    /**
     * Reads the state file in {@code stateDir} (which must exist). A missing file is an empty
     * state; an unreadable one is kept as {@code state.json.bad} and treated as empty.
     */
    public static StateStore open(Path stateDir) throws IOException {
        StateStore s = new StateStore(stateDir.resolve(FILE));
        s.load();
        return s;
    }

    private void load() throws IOException {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            return;
        }
        try {
            JsonNode root = JsonTrees.read(bytes);
            read(root.path("active"), active);
            read(root.path("autostart"), autostart);
            JsonNode tunnels = root.path("tunnels");
            if (tunnels.isObject()) {
                for (var it = tunnels.fields(); it.hasNext(); ) {
                    var e = it.next();
                    JsonNode m = e.getValue();
                    String owner = id(m.path("owner"));
                    if (TunnelName.validate(e.getKey()).isEmpty() && owner != null) {
                        String writer = id(m.path("writer"));
                        meta.put(e.getKey(), new Meta(owner, m.path("shared").asBoolean(false),
                                writer == null ? Meta.UNKNOWN_WRITER : writer));
                        if (m.has("onDemand")) {
                            try {
                                OnDemandRule r = ruleOf(m.get("onDemand"));
                                if (r.enabled()) {
                                    onDemand.put(e.getKey(), r);
                                }
                            } catch (OnDemandRuleException ex) {
                                LOG.log(System.Logger.Level.ERROR, "{0}: the on-demand rule of {1} is dropped: {2}",
                                        file, e.getKey(), ex.getMessage());
                            }
                        }
                    }
                }
            }
        } catch (IOException | RuntimeException e) {
            Path bad = file.resolveSibling(FILE + ".bad");
            Files.move(file, bad, StandardCopyOption.REPLACE_EXISTING);
            LOG.log(System.Logger.Level.ERROR, "{0} could not be read ({1}); kept it as {2} and started with no state",
                    file, e.getMessage(), bad);
            active.clear();
            autostart.clear();
            meta.clear();
            onDemand.clear();
        }
    }

    /** An owner or writer: a non-negative integer (a uid, as version 2 wrote them) or a non-empty string; else null. */
    private static String id(JsonNode n) {
        if (n.isIntegralNumber()) {
            return n.canConvertToInt() && n.intValue() >= 0 ? Integer.toString(n.intValue()) : null;
        }
        if (n.isTextual() && !n.textValue().isBlank() && !n.textValue().equals(Meta.UNKNOWN_WRITER)) {
            return n.textValue();
        }
        return null;
    }

    private static void putId(ObjectNode o, String field, String id) {
        if (id.equals(Meta.UNKNOWN_WRITER)) {
            o.put(field, -1);
        } else if (DECIMAL.matcher(id).matches() && Long.parseLong(id) <= Integer.MAX_VALUE) {
            o.put(field, Integer.parseInt(id));
        } else {
            o.put(field, id);
        }
    }

    private static final java.util.regex.Pattern DECIMAL = java.util.regex.Pattern.compile("0|[1-9][0-9]{0,9}");

    private static void read(JsonNode array, Set<String> into) {
        if (array.isArray()) {
            for (JsonNode n : array) {
                if (n.isTextual() && TunnelName.validate(n.textValue()).isEmpty()) {
                    into.add(n.textValue());
                }
            }
        }
    }

    /** Tunnels that were active when the state was last written. */
    public synchronized Set<String> active() {
        return Set.copyOf(active);
    }

    /** Tunnels to activate when the helper starts. */
    public synchronized Set<String> autostart() {
        return Set.copyOf(autostart);
    }

    /** Records whether a tunnel is active; writes the file if that changed. */
    public synchronized void setActive(String name, boolean value) throws IOException {
        if (value ? active.add(name) : active.remove(name)) {
            write();
        }
    }

    /** Records whether a tunnel starts at boot; writes the file if that changed. */
    public synchronized void setAutostart(String name, boolean value) throws IOException {
        if (value ? autostart.add(name) : autostart.remove(name)) {
            write();
        }
    }

    /** A tunnel's owner and sharing; {@link Meta#LEGACY} when none is recorded. */
    public synchronized Meta meta(String name) {
        return meta.getOrDefault(name, Meta.LEGACY);
    }

    /** True when the tunnel has a recorded owner. */
    public synchronized boolean hasMeta(String name) {
        return meta.containsKey(name);
    }

    /** Records a tunnel's owner and sharing; writes the file if that changed. */
    public synchronized void setMeta(String name, Meta value) throws IOException {
        if (!value.equals(meta.put(name, value))) {
            write();
        }
    }

    /** Every tunnel's enabled on-demand rule, by name. */
    public synchronized java.util.Map<String, OnDemandRule> onDemand() {
        return java.util.Map.copyOf(onDemand);
    }

    /** A tunnel's on-demand rule ({@link OnDemandRule#OFF} when it has none). */
    public synchronized OnDemandRule onDemand(String name) {
        return onDemand.getOrDefault(name, OnDemandRule.OFF);
    }

    /**
     * Records a tunnel's on-demand rule (a rule that is not enabled removes it), in the same
     * atomic write as its owner; writes the file if that changed.
     */
    public synchronized void setOnDemand(String name, OnDemandRule rule) throws IOException {
        boolean changed = rule.enabled() ? !rule.equals(onDemand.put(name, rule)) : onDemand.remove(name) != null;
        if (changed) {
            meta.putIfAbsent(name, Meta.LEGACY);
            write();
        }
    }

    /** The rule a state file's {@code onDemand} object holds; the exception names the field at fault. */
    static OnDemandRule ruleOf(JsonNode n) {
        return ruleOf(n, "onDemand");
    }

    /** As {@link #ruleOf(JsonNode)}, calling the object {@code where} when it is not one. */
    static OnDemandRule ruleOf(JsonNode n, String where) {
        if (!n.isObject()) {
            throw new OnDemandRuleException(where, "an object {\"wifi\":..., \"ssids\":[...], \"ethernet\":...} is required");
        }
        JsonNode w = n.path("wifi");
        OnDemandRule.WifiMode mode;
        try {
            mode = w.isTextual() ? OnDemandRule.WifiMode.valueOf(w.textValue().toUpperCase(java.util.Locale.ROOT)) : null;
        } catch (IllegalArgumentException ex) {
            throw new OnDemandRuleException("wifi", "\"" + w.textValue() + "\" is not one of off, any, only, except");
        }
        java.util.List<String> ssids = new java.util.ArrayList<>();
        JsonNode a = n.path("ssids");
        if (!a.isMissingNode() && !a.isNull()) {
            if (!a.isArray()) {
                throw new OnDemandRuleException("ssids", "not a list of network names");
            }
            for (int i = 0; i < a.size(); i++) {
                if (!a.get(i).isTextual()) {
                    throw new OnDemandRuleException("ssids[" + i + "]", "not a string");
                }
                ssids.add(a.get(i).textValue());
            }
        }
        JsonNode eth = n.path("ethernet");
        if (!eth.isMissingNode() && !eth.isBoolean()) {
            throw new OnDemandRuleException("ethernet", "not true or false");
        }
        return new OnDemandRule(mode, ssids, eth.asBoolean(false));
    }

    /** Records {@link Meta#LEGACY} for each of {@code names} without an entry; returns those. */
    public synchronized List<String> migrate(java.util.Collection<String> names) throws IOException {
        List<String> added = new java.util.ArrayList<>();
        for (String n : names) {
            if (!meta.containsKey(n)) {
                meta.put(n, Meta.LEGACY);
                added.add(n);
            }
        }
        if (!added.isEmpty()) {
            write();
        }
        return added;
    }

    /** Moves a tunnel's flags to a new name. */
    public synchronized void rename(String from, String to) throws IOException {
        boolean changed = false;
        Meta m = meta.remove(from);
        if (m != null) {
            meta.put(to, m);
            changed = true;
        }
        if (active.remove(from)) {
            active.add(to);
            changed = true;
        }
        if (autostart.remove(from)) {
            autostart.add(to);
            changed = true;
        }
        OnDemandRule r = onDemand.remove(from);
        if (r != null) {
            onDemand.put(to, r);
            changed = true;
        }
        if (changed) {
            write();
        }
    }

    /** Forgets a tunnel. */
    public synchronized void forget(String name) throws IOException {
        boolean changed = active.remove(name) | autostart.remove(name) | meta.remove(name) != null
                | onDemand.remove(name) != null;
        if (changed) {
            write();
        }
    }

    private void write() throws IOException {
        ObjectNode root = IpcJson.object();
        root.put("version", 2);
        active.forEach(root.putArray("active")::add);
        autostart.forEach(root.putArray("autostart")::add);
        ObjectNode tunnels = root.putObject("tunnels");
        meta.forEach((n, m) -> {
            ObjectNode o = tunnels.putObject(n);
            putId(o, "owner", m.owner());
            o.put("shared", m.shared());
            putId(o, "writer", m.writer());
            OnDemandRule r = onDemand.get(n);
            if (r != null) {
                ObjectNode od = o.putObject("onDemand");
                od.put("wifi", r.wifi().name());
                r.ssids().forEach(od.putArray("ssids")::add);
                od.put("ethernet", r.ethernet());
            }
        });
        AtomicFiles.write(file, JsonTrees.write(root, true));
    }
}
