package dev.wgdesk.platform.linux.helper;

import dev.wgdesk.engine.platform.AppExclusion;
import dev.wgdesk.platform.linux.net.Command;
import dev.wgdesk.platform.linux.net.CommandException;
import dev.wgdesk.platform.linux.net.ExclusionPlan;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * {@link AppExclusion} on Linux: the cgroup v2 group {@code wgdesk-exclude} at the top of the
 * hierarchy (found in {@code /proc/self/mountinfo}: {@code /sys/fs/cgroup} on current distros,
 * {@code /sys/fs/cgroup/unified} in the hybrid layout) and the rules of {@link ExclusionPlan}.
 *
 * <p>Lifetime of the rules: installed by the first {@link #exclude} (nothing changes for someone
 * who never excludes an app), moved ahead of the tunnels' policy rules after every activation
 * ({@link #keepAhead}), removed by {@link #close()} when the helper stops. The group itself, with
 * the processes still in it, outlives the helper: {@link #start()} (the next helper) first removes
 * a table and rules a crashed helper left, then sets them up again if the group still holds
 * processes (so they stay excluded across a helper restart), or removes the empty group. The
 * commands run on the calling thread, so in its network namespace; the group is the machine's.
 *
 * <p>Thread-safe (one lock).
 */
public final class LinuxAppExclusion implements AppExclusion {
    private final Command.Runner runner;
    private final Path mountinfo;
    private final Path proc;
    private final String groupName;
    private final Consumer<String> log;
    private boolean setUp; // guarded by this

    /** The helper's: group {@code wgdesk-exclude}, programs and files of this system. */
    public LinuxAppExclusion(Command.Runner runner, Consumer<String> log) {
        this(runner, Path.of("/proc/self/mountinfo"), Path.of("/proc"), ExclusionPlan.GROUP, log);
    }

    /**
     * @param runner    runs {@code nft} and {@code ip}
     * @param mountinfo where to find the cgroup2 mount
     * @param proc      the proc file system ({@code /proc})
     * @param groupName the group's name under the cgroup2 root (tests use their own)
     * @param log       progress and warnings
     */
    public LinuxAppExclusion(Command.Runner runner, Path mountinfo, Path proc, String groupName, Consumer<String> log) {
        this.runner = Objects.requireNonNull(runner, "runner");
        this.mountinfo = Objects.requireNonNull(mountinfo, "mountinfo");
        this.proc = Objects.requireNonNull(proc, "proc");
        if (!groupName.matches("[A-Za-z0-9_.-]{1,64}") || groupName.startsWith(".")) {
            throw new IllegalArgumentException("not a cgroup name: " + groupName);
        }
        this.groupName = groupName;
        this.log = Objects.requireNonNull(log, "log");
    }

    private ExclusionPlan.Mount mount() {
        try {
            return ExclusionPlan.cgroup2Mount(Files.readString(mountinfo, StandardCharsets.UTF_8));
        } catch (IOException e) {
            return null;
        }
    }

    /** The group's directory, or null without a cgroup2 mount. */
    Path groupDir() {
        ExclusionPlan.Mount m = mount();
        return m == null ? null : m.point().resolve(groupName);
    }

    @Override
    public String unavailable() {
        if (mount() == null) {
            return "no cgroup v2 hierarchy is mounted (see " + mountinfo + "); running apps outside the tunnel needs it";
        }
        if (!runner.onPath("nft")) {
            return "nft (nftables) is not installed; running apps outside the tunnel needs it";
        }
        return null;
    }

    @Override
    public synchronized String exclude(long pid) throws IOException {
        String why = unavailable();
        if (why != null) {
            throw new IOException(why);
        }
        String before = groupOf(pid);
        ensureSetUp();
        writeProcs(groupDir(), pid);
        return before;
    }

    @Override
    public synchronized void restore(long pid, String group) throws IOException {
        ExclusionPlan.Mount m = mount();
        if (m == null) {
            throw new IOException("no cgroup v2 hierarchy is mounted");
        }
        Path dir = m.point().resolve(relative(group)).normalize();
        if (!dir.startsWith(m.point())) {
            throw new IOException("not a group: " + group);
        }
        writeProcs(dir, pid);
    }

    private static String relative(String group) {
        String g = group;
        while (g.startsWith("/")) {
            g = g.substring(1);
        }
        return g;
    }

    private static void writeProcs(Path dir, long pid) throws IOException {
        try {
            Files.writeString(dir.resolve("cgroup.procs"), Long.toString(pid) + "\n", StandardCharsets.US_ASCII);
        } catch (IOException e) {
            String m = e.getMessage();
            throw new IOException("cannot move process " + pid + " into " + dir + ": "
                    + (m != null && m.contains("No such process") ? "no such process" : m), e);
        }
    }

    @Override
    public String groupOf(long pid) throws IOException {
        List<String> lines;
        try {
            lines = Files.readAllLines(proc.resolve(Long.toString(pid)).resolve("cgroup"), StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            throw new IOException("no process " + pid, e);
        }
        for (String l : lines) {
            if (l.startsWith("0::")) {
                return l.substring(3);
            }
        }
        throw new IOException("process " + pid + " has no cgroup v2 group in " + proc.resolve(pid + "/cgroup"));
    }

    @Override
    public boolean isExclusionGroup(String group) {
        return group.equals("/" + groupName);
    }

    @Override
    public List<Long> members() throws IOException {
        Path dir = groupDir();
        if (dir == null || !Files.isDirectory(dir) || !Files.exists(dir.resolve("cgroup.procs"))) {
            return List.of();
        }
        List<Long> out = new ArrayList<>();
        for (String l : Files.readAllLines(dir.resolve("cgroup.procs"), StandardCharsets.US_ASCII)) {
            if (!l.isBlank()) {
                out.add(Long.parseLong(l.strip()));
            }
        }
        return out;
    }

    /** Creates the group (nft resolves its path when loading the rule) and installs table and rules. */
    private void ensureSetUp() throws IOException {
        if (setUp) {
            return;
        }
        ExclusionPlan.Mount m = mount();
        Path dir = m.point().resolve(groupName);
        Files.createDirectories(dir);
        String ruleset = ExclusionPlan.nftRuleset(ExclusionPlan.nftPath(dir), ExclusionPlan.level(m));
        try {
            Command.Result r = runner.run(List.of("nft", "-f", "-"), ruleset, Map.of(), Command.DEFAULT_TIMEOUT_SECONDS);
            if (r.exitCode() != 0) {
                throw new IOException("nft -f - exited with " + r.exitCode() + ": " + r.stderr().strip());
            }
            setUp = true;
            for (String family : List.of("-4", "-6")) {
                place(family);
            }
        } catch (IOException | RuntimeException e) {
            removeRules();
            setUp = false;
            throw new IOException("cannot install the rules for apps outside the tunnel: " + e.getMessage(), e);
        }
        log.accept("Apps outside the tunnel: nft table inet " + ExclusionPlan.TABLE + " and policy rules fwmark "
                + ExclusionPlan.MARK_HEX + " lookup main for the cgroup " + dir);
    }

    /** Puts the family's split rule ahead of all others ({@link ExclusionPlan#place}). */
    private void place(String family) throws CommandException {
        String show = runner.check(List.of("ip", family, "rule", "show"));
        ExclusionPlan.Placement p = ExclusionPlan.place(show);
        if (p.ahead()) {
            return;
        }
        runner.check(ExclusionPlan.addRule(family, p.target()));
        for (int old : p.ours()) {
            runner.check(ExclusionPlan.delRule(family, old));
        }
    }

    /**
     * After a tunnel came up: moves the split rules ahead of the rules it added. Failures are
     * reported to {@code activationLog} (the tunnel itself is fine; excluded apps then go through it).
     */
    public synchronized void keepAhead(Consumer<String> activationLog) {
        if (!setUp) {
            return;
        }
        for (String family : List.of("-4", "-6")) {
            try {
                place(family);
            } catch (CommandException | RuntimeException e) {
                activationLog.accept("WARNING: apps run outside the tunnel may now go through it: cannot move the "
                        + family + " split rule ahead of the tunnel's: " + e.getMessage());
            }
        }
    }

    /** Removes the table and every split rule; what could be removed is returned. */
    private List<String> removeRules() {
        List<String> done = new ArrayList<>();
        if (tryRun(ExclusionPlan.deleteTable())) {
            done.add(String.join(" ", ExclusionPlan.deleteTable()));
        }
        for (String family : List.of("-4", "-6")) {
            for (int i = 0; i < ExclusionPlan.MAX_STALE_RULES && tryRun(ExclusionPlan.delAnyRule(family)); i++) {
                done.add(String.join(" ", ExclusionPlan.delAnyRule(family)));
            }
        }
        return done;
    }

    private boolean tryRun(List<String> argv) {
        try {
            return runner.run(argv, null, Map.of(), Command.DEFAULT_TIMEOUT_SECONDS).exitCode() == 0;
        } catch (CommandException e) {
            return false;
        }
    }

    @Override
    public synchronized List<String> start() {
        List<String> done = new ArrayList<>();
        if (unavailable() != null) {
            return done;
        }
        for (String d : removeRules()) {
            done.add("removed stale " + d);
        }
        Path dir = groupDir();
        if (dir != null && Files.isDirectory(dir)) {
            try {
                List<Long> left = members();
                if (left.isEmpty()) {
                    Files.deleteIfExists(dir);
                    done.add("removed the empty group " + dir);
                } else {
                    ensureSetUp();
                    done.add("still outside the tunnel: processes " + left + " in " + dir);
                }
            } catch (IOException e) {
                done.add("WARNING: " + e.getMessage());
            }
        }
        return done;
    }

    @Override
    public synchronized void close() {
        if (!setUp) {
            return;
        }
        removeRules();
        setUp = false;
        Path dir = groupDir();
        try {
            if (dir != null && members().isEmpty()) {
                Files.deleteIfExists(dir);
            }
        } catch (IOException e) {
            // a process joined meanwhile: the group stays for the next start
        }
        log.accept("Apps outside the tunnel: rules removed");
    }
}
