package dev.wgdesk.app.helper;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.wgdesk.app.ipc.IpcJson;
import dev.wgdesk.engine.config.TunnelName;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Set;
import java.util.TreeSet;

/**
 * The helper's own small state, {@code STATE_DIR/state.json}, written atomically
 * ({@link AtomicFiles}): which tunnels are active (restored when the helper restarts, e.g. after
 * a crash) and which start at boot.
 *
 * <pre>{"version":1,"active":["home"],"autostart":["work"]}</pre>
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
            JsonNode root = IpcJson.mapper().readTree(bytes);
            read(root.path("active"), active);
            read(root.path("autostart"), autostart);
        } catch (IOException | RuntimeException e) {
            Path bad = file.resolveSibling(FILE + ".bad");
            Files.move(file, bad, StandardCopyOption.REPLACE_EXISTING);
            LOG.log(System.Logger.Level.ERROR, "{0} could not be read ({1}); kept it as {2} and started with no state",
                    file, e.getMessage(), bad);
            active.clear();
            autostart.clear();
        }
    }

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

    /** Moves a tunnel's flags to a new name. */
    public synchronized void rename(String from, String to) throws IOException {
        boolean changed = false;
        if (active.remove(from)) {
            active.add(to);
            changed = true;
        }
        if (autostart.remove(from)) {
            autostart.add(to);
            changed = true;
        }
        if (changed) {
            write();
        }
    }

    /** Forgets a tunnel. */
    public synchronized void forget(String name) throws IOException {
        boolean changed = active.remove(name) | autostart.remove(name);
        if (changed) {
            write();
        }
    }

    private void write() throws IOException {
        ObjectNode root = IpcJson.object();
        root.put("version", 1);
        active.forEach(root.putArray("active")::add);
        autostart.forEach(root.putArray("autostart")::add);
        AtomicFiles.write(file, IpcJson.mapper().writerWithDefaultPrettyPrinter().writeValueAsBytes(root));
    }
}
