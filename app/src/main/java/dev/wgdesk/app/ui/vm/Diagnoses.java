package dev.wgdesk.app.ui.vm;

import dev.wgdesk.app.ipc.PeerDiagnosis;
import dev.wgdesk.app.ipc.PeerStatus;
import dev.wgdesk.app.ipc.TunnelState;
import dev.wgdesk.app.ipc.TunnelStatus;
import dev.wgdesk.app.ui.i18n.Messages;

/**
 * The helper's per-peer diagnoses (docs/diagnostics.md) as the UI words them: a short title per
 * code from the bundle, followed by the engine's message, and the check that a tunnel activated
 * from the tray came up.
 */
public final class Diagnoses {
    private Diagnoses() {}

    /** The title of a code ("No reply"); a code this version does not know shows as itself. */
    public static String title(PeerDiagnosis d) {
        String key = "diagnosis." + d.code();
        return Messages.has(key) ? Messages.get(key) : d.code();
    }

    /** "No reply — 2 handshake initiations sent to 192.0.2.1:51820 …", as the detail pane shows it. */
    public static String text(PeerDiagnosis d) {
        return title(d) + " \u2014 " + d.message();
    }

    /**
     * Why an active tunnel is not working, or null if it is (or cannot be told yet): null when
     * some peer is ok or none reports a problem; else the first peer with a problem, as
     * "peer abcd…: title — message".
     */
    public static String notWorking(TunnelStatus s) {
        if (s == null || s.state() != TunnelState.ACTIVE) {
            return null;
        }
        PeerStatus problem = null;
        for (PeerStatus p : s.peers()) {
            PeerDiagnosis d = p.diagnosis();
            if (d == null) {
                continue;
            }
            if (d.code().equals(PeerDiagnosis.OK)) {
                return null;
            }
            if (problem == null && d.isProblem()) {
                problem = p;
            }
        }
        return problem == null ? null
                : Messages.get("diagnosis.peer", Formats.shortKey(problem.publicKey()), text(problem.diagnosis()));
    }
}
