package dev.wgdesk.app.helper;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.wgdesk.app.ipc.IpcJson;
import dev.wgdesk.app.ipc.JsonTrees;
import dev.wgdesk.engine.config.TunnelName;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * What each active tunnel changed outside its own interface (policy rules, DNS), as the commands
 * that undo it: {@code STATE_DIR/runtime/NAME.json}, written (atomically) before activation changes
 * anything and removed after a clean deactivation. After a crash, the helper replays the undo
 * commands of every journal it finds ({@link TunnelBackend#cleanupStale}).
 *
 * <pre>{"interface":"home","undo":[["ip","-4","rule","del","not","fwmark","51820","table","51820"], ...]}</pre>
 *
 * <p><b>Replayed only when trustworthy.</b> The commands run as root, so {@link #all()} reads
 * journals only when the journal directory and every directory above it up to the state
 * directory are owned by the helper's own user (root) and writable by no one else, and only
 * files owned by that user that no one else can write; and the helper replays only commands
 * whose program is one the platform's backend journals
 * ({@link dev.wgdesk.engine.platform.TunnelBackend#journalPrograms()}).
 *
 * Thread-safe.
 */
final class RuntimeJournal {
    static final String DIR = "runtime";
    private final Path dir;
    private final Path stateDir;

    private RuntimeJournal(Path dir, Path stateDir) {
        this.dir = dir;
        this.stateDir = stateDir;
    }

    static RuntimeJournal open(Path stateDir) throws IOException {
        Path dir = stateDir.resolve(DIR);
        AtomicFiles.ensurePrivateDirectory(dir);
        AtomicFiles.removeTemporaryFiles(dir);
        return new RuntimeJournal(dir, stateDir);
    }

    /** True when {@code argv} may be replayed: a program in {@code allowed}, by bare name. */
    static boolean isAllowed(List<String> argv, java.util.Set<String> allowed) {
        return !argv.isEmpty() && allowed.contains(argv.getFirst());
    }

    /**
     * Why the journals may not be trusted, or null: a directory from the state directory down,
     * or the file, that is a link, not owned by this process's user, or writable by group or others.
     */
    static String untrusted(Path p) throws IOException {
        return dev.wgdesk.engine.platform.PosixPaths.untrusted(p);
    }

    synchronized void write(String name, List<List<String>> undo) throws IOException {
        ObjectNode root = IpcJson.object();
        root.put("interface", name);
        ArrayNode cmds = root.putArray("undo");
        for (List<String> cmd : undo) {
            ArrayNode a = cmds.addArray();
            cmd.forEach(a::add);
        }
        AtomicFiles.write(dir.resolve(name + ".json"), JsonTrees.write(root, false));
    }

    synchronized void delete(String name) throws IOException {
        AtomicFiles.delete(dir.resolve(name + ".json"));
    }

    /**
     * Every journal left, by tunnel name. Unreadable journals are returned with no commands (they
     * still name a stale interface); journals that cannot be trusted with no commands either.
     *
     * @throws IOException when the directory cannot be trusted (nothing is replayed then)
     */
    synchronized Map<String, List<List<String>>> all() throws IOException {
        Map<String, List<List<String>>> out = new TreeMap<>();
        for (Path d : List.of(stateDir, dir)) {
            String why = untrusted(d);
            if (why != null) {
                throw new IOException("not replaying crash journals: " + why);
            }
        }
        try (DirectoryStream<Path> files = Files.newDirectoryStream(dir, "*.json")) {
            for (Path f : files) {
                String file = f.getFileName().toString();
                String name = file.substring(0, file.length() - ".json".length());
                if (TunnelName.validate(name).isPresent()) {
                    continue;
                }
                List<List<String>> undo = new ArrayList<>();
                if (untrusted(f) != null) {
                    out.put(name, List.of());
                    continue;
                }
                try {
                    JsonNode root = JsonTrees.read(Files.readAllBytes(f));
                    for (JsonNode cmd : root.path("undo")) {
                        List<String> argv = new ArrayList<>();
                        cmd.forEach(n -> argv.add(n.asText()));
                        if (!argv.isEmpty()) {
                            undo.add(List.copyOf(argv));
                        }
                    }
                } catch (IOException e) {
                    // an unreadable journal still names a stale interface
                }
                out.put(name, List.copyOf(undo));
            }
        }
        return out;
    }
}
