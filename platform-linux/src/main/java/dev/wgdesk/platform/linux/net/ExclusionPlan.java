package dev.wgdesk.platform.linux.net;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The rules that let processes in one cgroup v2 group bypass every full tunnel ("run an app
 * outside the tunnel", like {@code mullvad-exclude}), computed without touching the system:
 * <ul>
 *   <li>nftables table {@code inet wgdesk-split}, one for the whole helper (not per tunnel, since
 *       an excluded app must bypass whichever tunnels come and go):
 *       <ul>
 *         <li>{@code output}, a {@code type route} chain (priority mangle): a packet from a socket
 *             of the group ({@code socket cgroupv2 level N "PATH"}) that carries no mark yet gets
 *             the split mark {@link #MARK}, and its connection the same conntrack mark. A route
 *             chain makes the kernel look the route up again once the mark changed.</li>
 *         <li>{@code prerouting} (filter, priority mangle): replies of such connections get the mark
 *             back from conntrack, so reverse path filtering ({@code src_valid_mark}, which a full
 *             tunnel turns on) checks them against the main table, where they belong.</li>
 *         <li>{@code postrouting} (nat, priority srcnat): marked packets leaving by anything but
 *             {@code lo} are masqueraded. The socket chose its source address before the mark
 *             re-routed it, from the tunnel's route: the tunnel's address, which the physical
 *             network would never answer.</li>
 *       </ul></li>
 *   <li>the policy rule {@code ip rule add pref P fwmark MARK lookup main}, for IPv4 and IPv6,
 *       ahead of every other rule but the local table's (see {@link #place}).</li>
 *   <li>the tunnels' kill switch lets the mark through ({@link Firewall}).</li>
 * </ul>
 * nft turns the group's path into the group's id when the rule is loaded, so the group must
 * exist first; nft (1.0) looks the path up under {@code /sys/fs/cgroup}, so a cgroup2 hierarchy
 * mounted elsewhere (the hybrid layout's {@code /sys/fs/cgroup/unified}) is named relative to it
 * ({@link #nftPath}).
 *
 * <p>Not instantiable.
 */
public final class ExclusionPlan {
    /** The split mark: "wgsp". Not one wg-quick picks (51820 and up) and not 0. */
    public static final long MARK = 0x77677370L;
    /** {@link #MARK} as {@code ip} and {@code nft} print it. */
    public static final String MARK_HEX = "0x77677370";
    /** The helper-wide nftables table ({@code inet}). */
    public static final String TABLE = "wgdesk-split";
    /** The group's name under the cgroup2 root. */
    public static final String GROUP = "wgdesk-exclude";
    /** Where nft looks up cgroup paths. */
    static final Path NFT_CGROUP_ROOT = Path.of("/sys/fs/cgroup");
    /** Most stale policy rules removed at start (each {@code ip rule del} removes one). */
    public static final int MAX_STALE_RULES = 64;

    private ExclusionPlan() {}

    /**
     * A cgroup v2 mount.
     *
     * @param point where it is mounted
     * @param root  the group of the hierarchy at the mount point ({@code /} unless a cgroup
     *              namespace or a bind mount shows a subtree)
     */
    public record Mount(Path point, String root) {}

    /**
     * The first cgroup2 mount in {@code /proc/self/mountinfo} text, or null. A line is
     * {@code ID PARENT MAJ:MIN ROOT POINT OPTIONS [OPTIONAL...] - FSTYPE SOURCE SUPEROPTS}, with
     * spaces and some other characters in paths written as octal escapes ({@code \040}).
     */
    public static Mount cgroup2Mount(String mountinfo) {
        for (String line : mountinfo.split("\n")) {
            String[] f = line.strip().split(" ");
            int dash = -1;
            for (int i = 6; i < f.length; i++) {
                if (f[i].equals("-")) {
                    dash = i;
                    break;
                }
            }
            if (dash < 0 || dash + 1 >= f.length || f.length < 5 || !f[dash + 1].equals("cgroup2")) {
                continue;
            }
            return new Mount(Path.of(unescape(f[4])), unescape(f[3]));
        }
        return null;
    }

    private static String unescape(String s) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '\\' && i + 3 < s.length() && isOctal(s, i + 1)) {
                sb.append((char) Integer.parseInt(s.substring(i + 1, i + 4), 8));
                i += 3;
            } else {
                sb.append(c);
            }
        }
        return sb.toString();
    }

    private static boolean isOctal(String s, int from) {
        for (int i = from; i < from + 3; i++) {
            if (s.charAt(i) < '0' || s.charAt(i) > '7') {
                return false;
            }
        }
        return true;
    }

    /** The depth of group {@code name} made at the mount's top, in the whole hierarchy (nft's {@code level}). */
    public static int level(Mount m) {
        int depth = 0;
        for (String part : m.root().split("/")) {
            if (!part.isEmpty()) {
                depth++;
            }
        }
        return depth + 1;
    }

    /** The path nft is given for {@code groupDir}: relative to {@code /sys/fs/cgroup}. */
    public static String nftPath(Path groupDir) {
        return NFT_CGROUP_ROOT.relativize(groupDir.toAbsolutePath().normalize()).toString();
    }

    /**
     * The {@code nft -f} input: replaces any {@link #TABLE} (the empty-table-then-delete pair is a
     * no-op when there is none) and creates it, in one transaction.
     *
     * @param nftPath the group as nft names it ({@link #nftPath})
     * @param level   its depth in the hierarchy ({@link #level})
     */
    public static String nftRuleset(String nftPath, int level) {
        if (nftPath.indexOf('"') >= 0 || nftPath.indexOf('\n') >= 0) {
            throw new IllegalArgumentException("cgroup path with a quote or newline: " + nftPath);
        }
        return "table inet " + TABLE + " {}\n"
                + "delete table inet " + TABLE + "\n"
                + "table inet " + TABLE + " {\n"
                + "\tchain output {\n"
                + "\t\ttype route hook output priority mangle; policy accept;\n"
                + "\t\tmeta mark 0 socket cgroupv2 level " + level + " \"" + nftPath + "\" counter meta mark set "
                + MARK_HEX + " ct mark set " + MARK_HEX + "\n"
                + "\t}\n"
                + "\tchain prerouting {\n"
                + "\t\ttype filter hook prerouting priority mangle; policy accept;\n"
                + "\t\tct mark " + MARK_HEX + " meta mark set " + MARK_HEX + "\n"
                + "\t}\n"
                + "\tchain postrouting {\n"
                + "\t\ttype nat hook postrouting priority srcnat; policy accept;\n"
                + "\t\toifname != \"lo\" meta mark " + MARK_HEX + " counter masquerade\n"
                + "\t}\n"
                + "}\n";
    }

    /** {@code nft delete table inet wgdesk-split}. */
    public static List<String> deleteTable() {
        return List.of("nft", "delete", "table", "inet", TABLE);
    }

    /** {@code ip -4|-6 rule add pref P fwmark MARK lookup main}. */
    public static List<String> addRule(String family, int pref) {
        return List.of("ip", family, "rule", "add", "pref", Integer.toString(pref), "fwmark", MARK_HEX, "lookup", "main");
    }

    /** {@code ip -4|-6 rule del pref P fwmark MARK lookup main}. */
    public static List<String> delRule(String family, int pref) {
        return List.of("ip", family, "rule", "del", "pref", Integer.toString(pref), "fwmark", MARK_HEX, "lookup", "main");
    }

    /** {@code ip -4|-6 rule del fwmark MARK lookup main}: removes one such rule, whatever its pref (stale clean-up). */
    public static List<String> delAnyRule(String family) {
        return List.of("ip", family, "rule", "del", "fwmark", MARK_HEX, "lookup", "main");
    }

    /**
     * Where the split rule of one family must go.
     *
     * @param ours   the prefs of the split rules there now (normally none or one)
     * @param target the pref to add it at, when it is not ahead
     * @param ahead  true when exactly one split rule exists and every other rule but pref 0 comes after it
     */
    public record Placement(List<Integer> ours, int target, boolean ahead) {
        public Placement {
            ours = List.copyOf(ours);
        }
    }

    /**
     * Reads {@code ip rule show} output. The split rule has to come before every tunnel's
     * {@code not fwmark T table T}; but {@code ip rule add} without a pref (wg-quick, and wgdesk's
     * own tunnels) puts a new rule just before the first rule after the local table's, which is
     * the split rule once it is first. So after each tunnel activation the split rule is moved to
     * one less than the smallest other pref (added there, then the old one deleted: never a moment
     * without it). Each move lowers it by the few rules a tunnel adds.
     *
     * @throws IllegalStateException when there is no room left (a rule at pref 1)
     */
    public static Placement place(String ipRuleShow) {
        List<Integer> ours = new ArrayList<>();
        int minOther = 32766;
        for (String line : ipRuleShow.split("\n")) {
            int colon = line.indexOf(':');
            if (colon <= 0) {
                continue;
            }
            int pref;
            try {
                pref = Integer.parseInt(line.substring(0, colon).strip());
            } catch (NumberFormatException e) {
                continue;
            }
            String rest = line.substring(colon + 1).strip();
            if (isSplitRule(rest)) {
                ours.add(pref);
            } else if (pref > 0) {
                minOther = Math.min(minOther, pref);
            }
        }
        boolean ahead = ours.size() == 1 && ours.getFirst() < minOther;
        int target = minOther - 1;
        if (!ahead && target < 1) {
            throw new IllegalStateException("no policy rule priority left ahead of pref " + minOther
                    + " for the split rule (fwmark " + MARK_HEX + " lookup main)");
        }
        return new Placement(ours, target, ahead);
    }

    /** True for the text after {@code PREF:} of the split rule. */
    static boolean isSplitRule(String rule) {
        String r = rule.replaceAll("\\s+", " ");
        return r.equals("from all fwmark " + MARK_HEX + " lookup main");
    }
}
