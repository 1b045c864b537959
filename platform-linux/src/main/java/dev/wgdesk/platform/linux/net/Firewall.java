package dev.wgdesk.platform.linux.net;

import dev.wgdesk.engine.config.IpPrefix;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The packet filter rules {@code wg-quick} adds for a full tunnel ({@code AllowedIPs} with a
 * {@code /0} and {@code Table = auto}), computed without touching the system and applied with
 * {@code nft}, else {@code iptables}/{@code ip6tables}:
 * <ul>
 *   <li><b>anti-spoofing</b> (raw prerouting, priority -300): drop a packet addressed to one of
 *       the tunnel's addresses that arrives on another interface from a source that is not a
 *       local address. Without it a host on the local network can send packets to the tunnel's
 *       address through the physical interface and, from the answers, infer and inject into
 *       connections running inside the tunnel (CVE-2019-14899).</li>
 *   <li><b>connection mark</b> (mangle, priority -150): the engine's UDP packets carry the fwmark
 *       (SO_MARK); postrouting copies it into the connection's conntrack mark and prerouting
 *       copies it back onto every packet of that connection, so the peer's replies carry the mark
 *       too and pass reverse path filtering ({@code src_valid_mark}) against the policy routing.</li>
 * </ul>
 *
 * <p><b>nftables</b>: one table {@code inet wgdesk-<iface>} (see {@link #tableName}) holding
 * both families, created in one atomic {@code nft -f -} transaction and removed with one
 * {@code nft delete table}, which is also the single line the crash journal needs. wg-quick uses
 * two tables ({@code ip}/{@code ip6 wg-quick-<iface>}); the {@code wgdesk-} name makes clear in
 * {@code nft list tables} who owns it, and wg-quick's clean-up (which deletes tables named
 * {@code wg-quick-<iface>}) and wgdesk's never delete each other's. Chains, hooks, priorities and
 * matches are wg-quick's; each drop rule has a counter, so {@code nft list table} shows what it
 * stopped.
 *
 * <p><b>Scope</b>: like wg-quick, nothing for a split tunnel; the connection-mark rules are for
 * each family that has a full-tunnel route. Unlike wg-quick, which protects only the addresses of
 * the family of the {@code /0}, every address of the interface is protected once there is any
 * full-tunnel route: a packet for a tunnel address has no business arriving on the LAN.
 *
 * <p><b>Kill switch</b> ({@link #plan(Method, String, List, List, long, Lan)} with a {@link Lan}):
 * for a full tunnel, the table also gets two filter chains, {@code killout} (output hook) and
 * {@code killfwd} (forward hook), priority 0, that drop every packet (IPv4 and IPv6, whichever
 * family the {@code /0} is for, as wireguard-windows blocks both families once either default
 * route goes through the tunnel) leaving through an interface other than the tunnel and
 * {@code lo}, except:
 * <ul>
 *   <li>the engine's own UDP: packets carrying the tunnel's fwmark (SO_MARK, root only);</li>
 *   <li>apps the user runs outside the tunnel: packets carrying the split mark
 *       ({@link ExclusionPlan#MARK}), which only the helper's {@code inet wgdesk-split} table sets,
 *       for sockets of processes in the exclusion group;</li>
 *   <li>DHCPv4 (UDP 68 to 67), DHCPv6 (UDP 546 to 547), IPv6 router and neighbour
 *       solicitations and neighbour advertisements (ICMPv6 133, 135, 136 with hop limit 255) and
 *       MLDv2 reports (143), so the physical interface keeps its addresses and neighbours;</li>
 *   <li>the local network: destinations in the sets {@code lan4}/{@code lan6}, which hold the
 *       prefixes of the main routing table's routes that go straight out of another interface
 *       without a gateway (no {@code via}: the directly connected subnets, {@code fe80::/64}
 *       included), as read at activation ({@link Lan#fromRoutes}) and re-read whenever the main
 *       table's routes change while the tunnel is up (the laptop joined another network: see
 *       {@link LanRefresh}, {@link #nftLanUpdate}); plus {@code ff02::/16}
 *       (link-local multicast). wg-quick's {@code suppress_prefixlength 0} keeps these direct, so
 *       printers and file servers on the LAN stay reachable. Routes of the main table through a
 *       gateway (e.g. {@code 10.8.0.0/16 via 192.168.1.254}) are not LAN: wg-quick routes them
 *       outside the tunnel, the kill switch drops them.</li>
 * </ul>
 * The chains match interface names ({@code oifname}), not indexes, so when the tunnel's interface
 * disappears (the engine died) and its routes with it, packets falling back to the main table's
 * default route are dropped, until the table is deleted. Each drop has a counter. The forward
 * chain gives routed traffic (containers, VMs, a router) the same rule: it too follows the
 * tunnel's policy routing, and without the chain it would leak when the tunnel dies.
 * The iptables fallback has no kill switch: {@link Plan#warning()} says so loudly.
 *
 * <p><b>Neither tool installed</b>: the tunnel still comes up and {@link Plan#warning()} says
 * plainly that the anti-spoofing rules are missing; the helper logs it as a warning and shows it
 * to the user. Refusing the full tunnel would leave all traffic unencrypted on the local network,
 * which exposes more than the narrower attack these rules stop. A tool that is installed but
 * fails is an error (the activation fails and is rolled back), as in wg-quick.
 *
 * <p>Not instantiable.
 */
public final class Firewall {
    /** How the rules can be installed here. */
    public enum Method { NFT, IPTABLES, NONE }

    /** Chain names and priorities, wg-quick's. */
    static final int RAW_PRIORITY = -300;
    static final int MANGLE_PRIORITY = -150;

    /**
     * A command, its standard input (or null) and the command undoing it.
     *
     * @param argv  the command
     * @param stdin its standard input, or null
     * @param undo  the command removing what it added
     */
    public record Step(List<String> argv, String stdin, List<String> undo) {
        public Step {
            argv = List.copyOf(argv);
            undo = List.copyOf(undo);
        }
    }

    /**
     * What to run.
     *
     * @param method  how
     * @param steps   the commands, in order; empty for a split tunnel or when no tool is installed
     * @param warning set when a full tunnel goes without the rules (no tool), else null
     */
    public record Plan(Method method, List<Step> steps, String warning) {
        public Plan {
            Objects.requireNonNull(method, "method");
            steps = List.copyOf(steps);
        }

        /** The commands removing everything, newest first: for the journal. */
        public List<List<String>> undo() {
            List<List<String>> out = new ArrayList<>();
            steps.forEach(s -> out.addFirst(s.undo()));
            return out;
        }
    }

    private Firewall() {}

    /** {@code nft} if installed, else {@code iptables} and {@code ip6tables} if both are, else none. */
    public static Method detect() {
        return detect(Dns::onPath);
    }

    /** {@link #detect()} with {@code onPath} telling which programs are installed. */
    static Method detect(java.util.function.Predicate<String> onPath) {
        if (onPath.test("nft")) {
            return Method.NFT;
        }
        return onPath.test("iptables") && onPath.test("ip6tables") ? Method.IPTABLES : Method.NONE;
    }

    /**
     * The nftables table of interface {@code dev}: {@code wgdesk-} and the name, with the
     * characters an interface name may have but an nft identifier may not ({@code =}, {@code +})
     * spelled {@code _e}, {@code _p}, and {@code _} doubled, so different names never share a
     * table. (nft 1.0 does not accept quoted table names.)
     */
    public static String tableName(String dev) {
        StringBuilder sb = new StringBuilder("wgdesk-");
        for (int i = 0; i < dev.length(); i++) {
            char c = dev.charAt(i);
            switch (c) {
                case '_' -> sb.append("__");
                case '=' -> sb.append("_e");
                case '+' -> sb.append("_p");
                default -> {
                    if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.'
                            || c == '-') {
                        sb.append(c);
                    } else {
                        throw new IllegalArgumentException("not an interface name: " + dev);
                    }
                }
            }
        }
        return sb.toString();
    }

    /**
     * The local network the kill switch lets through: prefixes (host bits cleared) of directly
     * connected routes on other interfaces. Empty lists are fine (nothing is LAN).
     *
     * @param v4 IPv4 prefixes
     * @param v6 IPv6 prefixes
     */
    public record Lan(List<IpPrefix> v4, List<IpPrefix> v6) {
        /** No local network (e.g. in {@code wgdesk plan}, where the machine is not asked). */
        public static final Lan NONE = new Lan(List.of(), List.of());

        public Lan {
            v4 = List.copyOf(v4);
            v6 = List.copyOf(v6);
        }

        /**
         * The LAN in {@code ip -4 route show table main} and {@code ip -6 route show table main}
         * output: each route line naming a destination and a {@code dev} other than {@code tunnel}
         * and {@code lo}, without {@code via} (no gateway) and without a route type such as
         * {@code unreachable}, {@code blackhole}, {@code prohibit} or {@code throw}; {@code default}
         * routes never count. Lines that cannot be read are skipped.
         */
        public static Lan fromRoutes(String tunnel, String routesV4, String routesV6) {
            return new Lan(parse(tunnel, routesV4, true), parse(tunnel, routesV6, false));
        }

        private static List<IpPrefix> parse(String tunnel, String routes, boolean v4) {
            java.util.LinkedHashSet<IpPrefix> out = new java.util.LinkedHashSet<>();
            for (String line : routes.split("\n")) {
                if (line.isBlank() || Character.isWhitespace(line.charAt(0))) {
                    continue; // empty, or a nexthop line of a multipath route
                }
                String[] f = line.strip().split("\\s+");
                String dest = f[0];
                if (dest.equals("default") || !dest.isEmpty() && !Character.isDigit(dest.charAt(0))
                        && !(dest.indexOf(':') > 0)) {
                    continue; // default, or a route type (unreachable, blackhole, ...)
                }
                String dev = null;
                boolean gateway = false;
                for (int i = 1; i < f.length; i++) {
                    if (f[i].equals("via") || f[i].equals("nexthop")) {
                        gateway = true;
                    } else if (f[i].equals("dev") && i + 1 < f.length) {
                        dev = f[i + 1];
                    }
                }
                if (gateway || dev == null || dev.equals(tunnel) || dev.equals("lo")) {
                    continue;
                }
                String prefix = dest.contains("/") ? dest : dest + (v4 ? "/32" : "/128");
                java.util.Optional<IpPrefix> p = IpPrefix.tryParse(prefix);
                if (p.isPresent() && p.get().isIpv4() == v4 && p.get().cidr() > 0) {
                    out.add(p.get().masked());
                }
            }
            return List.copyOf(out);
        }
    }

    /** The rules for interface {@code dev}, without a kill switch (see the six-argument form). */
    public static Plan plan(Method method, String dev, List<IpPrefix> addresses, List<IpPrefix> fullTunnels,
                            long fwmark) {
        return plan(method, dev, addresses, fullTunnels, fwmark, null);
    }

    /**
     * The rules for interface {@code dev}.
     *
     * @param method      the tool ({@link #detect()})
     * @param dev         the interface name
     * @param addresses   the interface's addresses
     * @param fullTunnels the full-tunnel default routes ({@code 0.0.0.0/0}, {@code ::/0}); none
     *                    means a split tunnel, for which there is nothing to do
     * @param fwmark      the mark of the engine's packets (the full-tunnel table)
     * @param killSwitch  the local network to let through when the kill switch is wanted, or null
     *                    for no kill switch
     */
    public static Plan plan(Method method, String dev, List<IpPrefix> addresses, List<IpPrefix> fullTunnels,
                            long fwmark, Lan killSwitch) {
        if (fullTunnels.isEmpty()) {
            return new Plan(method, List.of(), null);
        }
        boolean v4 = fullTunnels.stream().anyMatch(IpPrefix::isIpv4);
        boolean v6 = fullTunnels.stream().anyMatch(p -> !p.isIpv4());
        return switch (method) {
            case NFT -> {
                String table = tableName(dev);
                yield new Plan(method, List.of(new Step(List.of("nft", "-f", "-"),
                        nftRuleset(table, dev, addresses, v4, v6, fwmark, killSwitch),
                        List.of("nft", "delete", "table", "inet", table))), null);
            }
            case IPTABLES -> {
                Plan p = iptables(dev, addresses, v4, v6, fwmark);
                yield killSwitch == null ? p : new Plan(p.method(), p.steps(), KILL_SWITCH_IPTABLES);
            }
            case NONE -> new Plan(method, List.of(),
                    "Full tunnel WITHOUT anti-spoofing protection: neither nft (nftables) nor iptables is installed,"
                            + " so packets sent to this tunnel's address(es) from the local network are not dropped"
                            + " (CVE-2019-14899); install nftables and reconnect"
                            + (killSwitch == null ? "" : KILL_SWITCH_NONE));
        };
    }

    /** The warning of a kill switch that iptables cannot give. */
    static final String KILL_SWITCH_IPTABLES = "Kill switch UNAVAILABLE: \"Block untunneled traffic\" needs nftables"
            + " (nft), and only iptables is installed, so traffic that does not go through the tunnel is NOT blocked"
            + " (e.g. if the tunnel fails); install nftables and reconnect";
    static final String KILL_SWITCH_NONE = "; the kill switch (\"Block untunneled traffic\") is UNAVAILABLE too:"
            + " traffic that does not go through the tunnel is NOT blocked";

    /**
     * The {@code nft -f} input: replaces any table of the same name (the {@code table}/{@code
     * delete} pair makes that a no-op when there is none) and creates it, all in one transaction.
     */
    static String nftRuleset(String table, String dev, List<IpPrefix> addresses, boolean v4, boolean v6, long fwmark,
                             Lan killSwitch) {
        StringBuilder sb = new StringBuilder();
        sb.append("table inet ").append(table).append(" {}\n");
        sb.append("delete table inet ").append(table).append('\n');
        sb.append("table inet ").append(table).append(" {\n");
        sb.append("\tchain preraw {\n\t\ttype filter hook prerouting priority ").append(RAW_PRIORITY)
                .append("; policy accept;\n");
        for (IpPrefix a : addresses) {
            sb.append("\t\tiifname != \"").append(dev).append("\" ").append(a.isIpv4() ? "ip" : "ip6")
                    .append(" daddr ").append(a.address()).append(" fib saddr type != local counter drop\n");
        }
        sb.append("\t}\n");
        sb.append("\tchain premangle {\n\t\ttype filter hook prerouting priority ").append(MANGLE_PRIORITY)
                .append("; policy accept;\n");
        for (String family : families(v4, v6)) {
            sb.append("\t\tmeta nfproto ").append(family).append(" meta l4proto udp meta mark set ct mark\n");
        }
        sb.append("\t}\n");
        sb.append("\tchain postmangle {\n\t\ttype filter hook postrouting priority ").append(MANGLE_PRIORITY)
                .append("; policy accept;\n");
        for (String family : families(v4, v6)) {
            sb.append("\t\tmeta nfproto ").append(family).append(" meta l4proto udp meta mark ").append(fwmark)
                    .append(" ct mark set meta mark\n");
        }
        sb.append("\t}\n");
        if (killSwitch != null) {
            killSwitch(sb, dev, killSwitch, fwmark);
        }
        sb.append("}\n");
        return sb.toString();
    }

    /** The kill switch's sets and chains (see the class comment), inside the table's braces. */
    private static void killSwitch(StringBuilder sb, String dev, Lan lan, long fwmark) {
        sb.append("\tset lan4 {\n\t\ttype ipv4_addr; flags interval; auto-merge;\n");
        elements(sb, lan.v4());
        sb.append("\t}\n\tset lan6 {\n\t\ttype ipv6_addr; flags interval; auto-merge;\n");
        elements(sb, lan6(lan));
        sb.append("\t}\n");
        String quoted = "\"" + dev + "\"";
        sb.append("\tchain killout {\n\t\ttype filter hook output priority 0; policy accept;\n");
        sb.append("\t\toifname { \"lo\", ").append(quoted).append(" } accept\n");
        sb.append("\t\tmeta mark ").append(fwmark).append(" accept\n");
        sb.append("\t\tmeta mark ").append(ExclusionPlan.MARK).append(" accept\n");
        sb.append("\t\tmeta nfproto ipv4 udp sport 68 udp dport 67 accept\n");
        sb.append("\t\tmeta nfproto ipv6 udp sport 546 udp dport 547 accept\n");
        sb.append("\t\ticmpv6 type { nd-router-solicit, nd-neighbor-solicit, nd-neighbor-advert } ip6 hoplimit 255 accept\n");
        sb.append("\t\ticmpv6 type mld2-listener-report accept\n");
        sb.append("\t\tip daddr @lan4 accept\n\t\tip6 daddr @lan6 accept\n");
        sb.append("\t\tcounter drop\n\t}\n");
        sb.append("\tchain killfwd {\n\t\ttype filter hook forward priority 0; policy accept;\n");
        sb.append("\t\toifname ").append(quoted).append(" accept\n");
        sb.append("\t\tip daddr @lan4 accept\n\t\tip6 daddr @lan6 accept\n");
        sb.append("\t\tcounter drop\n\t}\n");
    }

    /** The {@code lan6} set's prefixes: the LAN's IPv6 prefixes and link-local multicast. */
    private static List<IpPrefix> lan6(Lan lan) {
        List<IpPrefix> v6 = new ArrayList<>(lan.v6());
        IpPrefix multicast = IpPrefix.parse("ff02::/16");
        if (!v6.contains(multicast)) {
            v6.add(multicast);
        }
        return v6;
    }

    /**
     * The {@code nft -f} input that replaces the contents of the kill switch's sets {@code lan4}
     * and {@code lan6} in {@code table} with {@code lan} (when the machine moved to another
     * network): {@code flush set} and {@code add element} for both sets in one transaction, so
     * there is no moment where the old LAN is already gone and the new one not yet there, and
     * nothing else in the table changes. Fails (and changes nothing) if the table or sets are gone.
     */
    static String nftLanUpdate(String table, Lan lan) {
        StringBuilder sb = new StringBuilder();
        setContents(sb, table, "lan4", lan.v4());
        setContents(sb, table, "lan6", lan6(lan));
        return sb.toString();
    }

    private static void setContents(StringBuilder sb, String table, String set, List<IpPrefix> prefixes) {
        sb.append("flush set inet ").append(table).append(' ').append(set).append('\n');
        if (prefixes.isEmpty()) {
            return;
        }
        sb.append("add element inet ").append(table).append(' ').append(set).append(" { ");
        for (int i = 0; i < prefixes.size(); i++) {
            sb.append(i == 0 ? "" : ", ").append(prefixes.get(i).masked());
        }
        sb.append(" }\n");
    }

    private static void elements(StringBuilder sb, List<IpPrefix> prefixes) {
        if (prefixes.isEmpty()) {
            return;
        }
        sb.append("\t\telements = { ");
        for (int i = 0; i < prefixes.size(); i++) {
            sb.append(i == 0 ? "" : ", ").append(prefixes.get(i).masked());
        }
        sb.append(" }\n");
    }

    private static List<String> families(boolean v4, boolean v6) {
        List<String> out = new ArrayList<>(2);
        if (v4) {
            out.add("ipv4");
        }
        if (v6) {
            out.add("ipv6");
        }
        return out;
    }

    /** wg-quick's iptables-restore rules as individual {@code -I} commands, each undone by {@code -D}. */
    private static Plan iptables(String dev, List<IpPrefix> addresses, boolean v4, boolean v6, long fwmark) {
        List<List<String>> specs = new ArrayList<>();
        String comment = "wgdesk rule for " + dev;
        for (IpPrefix a : addresses) {
            specs.add(List.of(a.isIpv4() ? "iptables" : "ip6tables", "raw", "PREROUTING", "!", "-i", dev,
                    "-d", a.address().toString(), "-m", "addrtype", "!", "--src-type", "LOCAL", "-j", "DROP",
                    "-m", "comment", "--comment", comment));
        }
        for (String tool : v4 && v6 ? List.of("iptables", "ip6tables") : v4 ? List.of("iptables") : List.of("ip6tables")) {
            specs.add(List.of(tool, "mangle", "POSTROUTING", "-m", "mark", "--mark", Long.toString(fwmark), "-p", "udp",
                    "-j", "CONNMARK", "--save-mark", "-m", "comment", "--comment", comment));
            specs.add(List.of(tool, "mangle", "PREROUTING", "-p", "udp", "-j", "CONNMARK", "--restore-mark",
                    "-m", "comment", "--comment", comment));
        }
        List<Step> steps = new ArrayList<>();
        for (List<String> s : specs) {
            steps.add(new Step(iptablesCommand(s, "-I"), null, iptablesCommand(s, "-D")));
        }
        return new Plan(Method.IPTABLES, steps, null);
    }

    /** {@code TOOL -w -t TABLE OP CHAIN rule...} from {@code [TOOL, TABLE, CHAIN, rule...]}. */
    private static List<String> iptablesCommand(List<String> spec, String op) {
        List<String> argv = new ArrayList<>(List.of(spec.get(0), "-w", "-t", spec.get(1), op, spec.get(2)));
        argv.addAll(spec.subList(3, spec.size()));
        return argv;
    }

    /** Runs one step; throws if it fails (an nft transaction that fails leaves nothing behind). */
    static void apply(Step step) throws CommandException {
        apply(step, Command.SYSTEM);
    }

    /** {@link #apply(Step)} through {@code runner}. */
    static void apply(Step step, Command.Runner runner) throws CommandException {
        Command.Result r = runner.run(step.argv(), step.stdin(), Map.of(), Command.DEFAULT_TIMEOUT_SECONDS);
        if (r.exitCode() != 0) {
            throw new CommandException(step.argv(), r);
        }
    }
}
