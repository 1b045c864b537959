package dev.wgdesk.app.helper;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.wgdesk.app.ipc.ErrorCode;
import dev.wgdesk.app.ipc.IpcException;
import dev.wgdesk.app.ipc.IpcJson;
import dev.wgdesk.engine.platform.AppExclusion;
import dev.wgdesk.engine.platform.ClientIdentity;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The IPC methods {@code exclude}, {@code unexclude} and {@code exclusions} (docs/ipc.md, "Apps
 * outside the tunnel"): who may move which process, on top of the OS's {@link AppExclusion}.
 *
 * <p><b>Who.</b> Anyone allowed to use the helper, for a process that is theirs: its real and
 * effective uids (from {@code /proc/PID/status}) are both the caller's uid, as the kernel vouches
 * for it ({@code SO_PEERCRED}); root for any process. A pid is never trusted as given: a setuid
 * program the user started (effective uid root) is not the user's; pid 1 and the helper itself are
 * refused.
 *
 * <p><b>Pid reuse.</b> Between the check and the move the process may exit and its pid go to
 * someone else's new process. So the process is identified by pid and start time (field 22 of
 * {@code /proc/PID/stat}), read before the check and again after the move; if it changed (or the
 * owner did), the process just moved is put back where it was and the request is refused. A
 * process that exits in between is answered {@code NOT_FOUND}. ({@code cgroup.procs} takes pids,
 * not pidfds, so the check cannot be made atomic with the move; what this guarantees is that no
 * process but the one checked stays outside the tunnels. "Where it was" is read just before the
 * move: a pid taken over in the microseconds between that read and the move would be put into
 * the checked process's former group, still inside the tunnels.)
 *
 * <p><b>Back in.</b> {@code unexclude} moves a process back into the group it came from (recorded
 * in memory at {@code exclude}, with its start time); after a helper restart, into its parent's
 * group when the parent is not excluded.
 *
 * <p>Thread-safe.
 */
final class Exclusions {
    /** The largest pid Linux hands out ({@code PID_MAX_LIMIT} on 64-bit). */
    static final int MAX_PID = 4_194_304;

    /** What identifies a process across the check and the move. */
    record ProcInfo(long pid, String name, int realUid, int effectiveUid, long startTime, long parent) {}

    private record Moved(long startTime, String previous) {}

    private final AppExclusion os;
    private final Path proc;
    private final HelperLog log;
    private final long self;
    private final Map<Long, Moved> moved = new ConcurrentHashMap<>();

    Exclusions(AppExclusion os, Path proc, HelperLog log) {
        this(os, proc, log, ProcessHandle.current().pid());
    }

    /** @param self the helper's own pid (refused) */
    Exclusions(AppExclusion os, Path proc, HelperLog log, long self) {
        this.os = Objects.requireNonNull(os, "os");
        this.proc = Objects.requireNonNull(proc, "proc");
        this.log = Objects.requireNonNull(log, "log");
        this.self = self;
    }

    /** Clean-up after a crash; logs what was done. */
    void start() {
        for (String line : os.start()) {
            log.info(null, "Apps outside the tunnel: " + line);
        }
    }

    void close() {
        os.close();
    }

    /** The {@code pid} parameter: an integer from 2 to {@link #MAX_PID}. */
    static long pidParam(JsonNode params) throws IpcException {
        JsonNode v = params.get("pid");
        if (v == null || !v.isIntegralNumber() || !v.canConvertToLong() || v.longValue() < 2 || v.longValue() > MAX_PID) {
            throw new IpcException(ErrorCode.BAD_REQUEST,
                    "parameter \"pid\" must be an integer from 2 to " + MAX_PID + " (a process id other than init)");
        }
        return v.longValue();
    }

    /** Reads a process's name, uids, start time and parent from {@code proc}; null if there is no such process. */
    static ProcInfo read(Path proc, long pid) throws IOException {
        Path dir = proc.resolve(Long.toString(pid));
        String status;
        String stat;
        try {
            status = Files.readString(dir.resolve("status"), StandardCharsets.UTF_8);
            stat = Files.readString(dir.resolve("stat"), StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            return null;
        }
        String name = "?";
        int ruid = -1;
        int euid = -1;
        for (String line : status.split("\n")) {
            if (line.startsWith("Name:")) {
                name = line.substring(5).strip();
            } else if (line.startsWith("Uid:")) {
                String[] f = line.substring(4).strip().split("\\s+");
                ruid = Integer.parseInt(f[0]);
                euid = Integer.parseInt(f[1]);
            }
        }
        int close = stat.lastIndexOf(')');
        if (ruid < 0 || close < 0) {
            throw new IOException("cannot read " + dir + ": unexpected format");
        }
        String[] f = stat.substring(close + 2).strip().split(" ");
        // after "pid (comm) ": state is field 3, ppid 4, starttime 22
        long parent = Long.parseLong(f[4 - 3]);
        long start = Long.parseLong(f[22 - 3]);
        return new ProcInfo(pid, name, ruid, euid, start, parent);
    }

    private ProcInfo readOrNotFound(long pid) throws IpcException {
        try {
            ProcInfo p = read(proc, pid);
            if (p == null) {
                throw new IpcException(ErrorCode.NOT_FOUND, "pid: no process " + pid);
            }
            return p;
        } catch (IOException | RuntimeException e) {
            throw new IpcException(ErrorCode.EXCLUSION_FAILED, "pid: cannot read process " + pid + ": " + e.getMessage());
        }
    }

    private void available() throws IpcException {
        String why = os.unavailable();
        if (why != null) {
            throw new IpcException(ErrorCode.NOT_SUPPORTED, "cannot run apps outside the tunnel: " + why);
        }
    }

    /** Refuses unless {@code who} is root or owns {@code p} (real and effective uid). */
    private void checkOwner(ProcInfo p, ClientIdentity who) throws IpcException {
        if (p.pid() == self) {
            throw new IpcException(ErrorCode.NOT_PERMITTED, "pid: " + p.pid() + " is the helper itself");
        }
        if (who.administrator()) {
            return;
        }
        int uid;
        try {
            uid = Integer.parseInt(who.id());
        } catch (NumberFormatException e) {
            throw new IpcException(ErrorCode.NOT_PERMITTED, "pid: the caller has no uid");
        }
        if (p.realUid() != uid || p.effectiveUid() != uid) {
            throw new IpcException(ErrorCode.NOT_PERMITTED, "pid: process " + p.pid() + " (" + p.name()
                    + ") is not yours (its uid is " + p.realUid() + ", effective " + p.effectiveUid() + "; yours is "
                    + uid + "): only root may move other users' processes");
        }
    }

    private static boolean same(ProcInfo a, ProcInfo b) {
        return b != null && a.startTime() == b.startTime() && a.realUid() == b.realUid()
                && a.effectiveUid() == b.effectiveUid();
    }

    /** {@code exclude}: moves the caller's process {@code pid} out of the tunnels. */
    ObjectNode exclude(long pid, ClientIdentity who) throws IpcException {
        available();
        ProcInfo before = readOrNotFound(pid);
        checkOwner(before, who);
        String previous;
        try {
            if (os.isExclusionGroup(os.groupOf(pid))) {
                return result(before, true);
            }
            previous = os.exclude(pid);
        } catch (IOException e) {
            if (readQuietly(pid) == null) {
                throw new IpcException(ErrorCode.NOT_FOUND, "pid: process " + pid + " exited");
            }
            throw new IpcException(ErrorCode.EXCLUSION_FAILED, e.getMessage());
        }
        ProcInfo after = readQuietly(pid);
        if (!same(before, after)) {
            if (after != null) {
                putBack(pid, previous);
                throw new IpcException(ErrorCode.NOT_PERMITTED, "pid: process " + pid
                        + " was replaced by another while it was being moved (its pid was reused); put back");
            }
            throw new IpcException(ErrorCode.NOT_FOUND, "pid: process " + pid + " exited");
        }
        moved.put(pid, new Moved(before.startTime(), previous));
        log.info(null, "Process " + pid + " (" + before.name() + ") runs outside the tunnels from now on, at the request of "
                + Ownership.describe(who) + " (it was in the cgroup " + previous + ")");
        return result(before, false);
    }

    private void putBack(long pid, String previous) {
        try {
            os.restore(pid, previous);
        } catch (IOException e) {
            log.warning(null, "Could not put process " + pid + " back into " + previous + ": " + e.getMessage());
        }
    }

    private ProcInfo readQuietly(long pid) {
        try {
            return read(proc, pid);
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    /** {@code unexclude}: puts the caller's process {@code pid} back where it came from. */
    ObjectNode unexclude(long pid, ClientIdentity who) throws IpcException {
        available();
        ProcInfo before = readOrNotFound(pid);
        checkOwner(before, who);
        try {
            if (!os.isExclusionGroup(os.groupOf(pid))) {
                throw new IpcException(ErrorCode.INVALID_STATE, "pid: process " + pid + " is not outside the tunnel");
            }
            Moved m = moved.get(pid);
            String target;
            if (m != null && m.startTime() == before.startTime()) {
                target = m.previous();
            } else {
                String parentGroup = before.parent() > 0 ? os.groupOf(before.parent()) : null;
                if (parentGroup == null || os.isExclusionGroup(parentGroup)) {
                    throw new IpcException(ErrorCode.INVALID_STATE, "pid: where process " + pid
                            + " came from is not known (the helper restarted since) and its parent is outside the"
                            + " tunnel too; end it and start it again");
                }
                target = parentGroup;
            }
            os.restore(pid, target);
            ProcInfo after = readQuietly(pid);
            if (!same(before, after)) {
                // the process checked exited; whatever took its pid meanwhile went through the tunnels anyway
                throw new IpcException(ErrorCode.NOT_FOUND, "pid: process " + pid + " exited");
            }
            moved.remove(pid);
            log.info(null, "Process " + pid + " (" + before.name() + ") goes through the tunnels again (back in "
                    + target + "), at the request of " + Ownership.describe(who));
            return result(before, false);
        } catch (IOException e) {
            throw new IpcException(ErrorCode.EXCLUSION_FAILED, e.getMessage());
        }
    }

    /** {@code exclusions}: whether it works here, and the processes outside the tunnels. */
    ObjectNode list() throws IpcException {
        ObjectNode r = IpcJson.object();
        String why = os.unavailable();
        r.put("available", why == null);
        r.put("reason", why);
        ArrayNode a = r.putArray("processes");
        if (why != null) {
            return r;
        }
        List<Long> pids;
        try {
            pids = os.members();
        } catch (IOException e) {
            throw new IpcException(ErrorCode.EXCLUSION_FAILED, "cannot list the group: " + e.getMessage());
        }
        for (long pid : pids) {
            ProcInfo p = readQuietly(pid);
            if (p != null) {
                ObjectNode o = a.addObject();
                o.put("pid", pid);
                o.put("name", p.name());
                o.put("uid", p.realUid());
            }
        }
        moved.keySet().retainAll(pids);
        return r;
    }

    private static ObjectNode result(ProcInfo p, boolean already) {
        ObjectNode r = IpcJson.object();
        r.put("pid", p.pid());
        r.put("name", p.name());
        r.put("already", already);
        return r;
    }
}
