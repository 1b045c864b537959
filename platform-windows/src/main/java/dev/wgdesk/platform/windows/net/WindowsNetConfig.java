package dev.wgdesk.platform.windows.net;

import com.sun.jna.Memory;
import dev.wgdesk.engine.config.IpAddress;
import dev.wgdesk.engine.config.IpPrefix;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;

/**
 * Executes a {@link WindowsNetPlan} on an interface through {@link IpHelper}, the way
 * wireguard-windows does ({@code winipcfg}): {@code CreateIpForwardEntry2} for routes (next hop
 * unspecified: on-link), {@code CreateUnicastIpAddressEntry} for addresses (DAD state preferred,
 * infinite lifetimes), {@code GetIpInterfaceEntry} + {@code SetIpInterfaceEntry} for MTU and
 * metric, {@code SetInterfaceDnsSettings} for DNS, or on Windows before 10 1809 {@code netsh}.
 *
 * <p><b>Rollback.</b> Every step that succeeded pushes its undo (delete the route, delete the
 * address, restore the interface row read before the change, clear the DNS settings). If a step
 * fails, the undos run newest first and the exception names the failed step; {@link Active#down()}
 * runs them the same way and returns what it could not undo, never throwing. (The Wintun adapter
 * itself going away also drops everything bound to it; the undo matters for an adapter reused
 * after a crash.)
 *
 * <p>Firewall steps are not executed here: the kill switch lives in a WFP dynamic session
 * owned by its installer, which the caller must run; {@link #apply} refuses a plan with firewall
 * steps unless the caller says it installed them, so a kill switch is never silently dropped.
 *
 * <p><b>Right after boot</b> the IP stack may not know a new adapter yet: creating rows and
 * reading or setting the interface answer {@code ERROR_NOT_FOUND} for a moment, so those calls
 * are tried up to {@value #NOT_FOUND_ATTEMPTS} times {@value #NOT_FOUND_WAIT_MS} ms apart, as
 * wireguard-windows retries when started at boot. Not done: removing a stale address from a
 * disconnected adapter on {@code ERROR_OBJECT_ALREADY_EXISTS} (wireguard-windows does); here that
 * error fails the activation with its name.
 */
public final class WindowsNetConfig {
    static final int NOT_FOUND_ATTEMPTS = 8;
    static final long NOT_FOUND_WAIT_MS = 250;

    /** Waits between attempts; tests pass one that records instead of sleeping. */
    @FunctionalInterface
    public interface Sleeper {
        void sleep(long ms) throws InterruptedException;
    }

    private WindowsNetConfig() {}

    /** {@code call}, again while it answers {@code ERROR_NOT_FOUND} (see the class comment). */
    static int retryingNotFound(java.util.function.IntSupplier call, Sleeper sleeper) {
        for (int attempt = 1; ; attempt++) {
            int rc = call.getAsInt();
            if (rc != IpHelper.ERROR_NOT_FOUND || attempt == NOT_FOUND_ATTEMPTS) {
                return rc;
            }
            try {
                sleeper.sleep(NOT_FOUND_WAIT_MS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return rc;
            }
        }
    }

    /** An applied configuration. */
    public static final class Active {
        private final Deque<Undo> undo;

        Active(Deque<Undo> undo) {
            this.undo = undo;
        }

        /** Undoes every step, newest first; returns what failed (empty: all undone). Idempotent. */
        public synchronized List<String> down() {
            List<String> problems = new ArrayList<>();
            while (!undo.isEmpty()) {
                Undo u = undo.pop();
                int e = u.run();
                if (e != IpHelper.NO_ERROR) {
                    problems.add("cannot undo '" + u.what + "': error " + e);
                }
            }
            return problems;
        }
    }

    record Undo(String what, java.util.function.IntSupplier action) {
        int run() {
            try {
                return action.getAsInt();
            } catch (RuntimeException e) {
                return -1;
            }
        }
    }

    /**
     * Applies the non-firewall steps of {@code plan} to the interface {@code luid}, whose alias
     * (the adapter name) the netsh fallback uses.
     *
     * @param firewallInstalled whether the caller installed the plan's firewall filters
     * @throws WindowsNetException naming the failed step, after undoing the steps before it
     */
    public static Active apply(IpHelper ip, long luid, String alias, List<WindowsNetPlan.Step> plan,
                               boolean firewallInstalled) throws WindowsNetException {
        return apply(ip, luid, alias, plan, firewallInstalled, Thread::sleep);
    }

    /** {@link #apply(IpHelper, long, String, List, boolean)} waiting with {@code sleeper} between retries. */
    public static Active apply(IpHelper ip, long luid, String alias, List<WindowsNetPlan.Step> plan,
                               boolean firewallInstalled, Sleeper sleeper) throws WindowsNetException {
        Deque<Undo> undo = new ArrayDeque<>();
        try {
            for (WindowsNetPlan.Step s : plan) {
                switch (s) {
                    case WindowsNetPlan.Firewall f -> {
                        if (!firewallInstalled) {
                            throw new WindowsNetException("the plan has kill-switch filters ('" + f.describe()
                                    + "') and nothing installed them: refusing to route traffic without the kill switch", 0);
                        }
                    }
                    case WindowsNetPlan.Route r -> {
                        MibIpForwardRow2 row = routeRow(ip, luid, r.destination(), r.metric());
                        check(retryingNotFound(() -> ip.createIpForwardEntry2(row), sleeper), s);
                        undo.push(new Undo("route del " + r.destination(), () -> ip.deleteIpForwardEntry2(row)));
                    }
                    case WindowsNetPlan.Address a -> {
                        MibUnicastIpAddressRow row = addressRow(ip, luid, a.address());
                        check(retryingNotFound(() -> ip.createUnicastIpAddressEntry(row), sleeper), s);
                        undo.push(new Undo("address del " + a.address(), () -> ip.deleteUnicastIpAddressEntry(row)));
                    }
                    case WindowsNetPlan.Interface i -> {
                        MibIpInterfaceRow row = new MibIpInterfaceRow();
                        row.Family = i.family().af;
                        row.InterfaceLuid = luid;
                        check(retryingNotFound(() -> ip.getIpInterfaceEntry(row), sleeper), s);
                        MibIpInterfaceRow before = copy(row);
                        row.RouterDiscoveryBehavior = MibIpInterfaceRow.ROUTER_DISCOVERY_DISABLED;
                        row.DadTransmits = 0;
                        row.ManagedAddressConfigurationSupported = 0;
                        row.OtherStatefulConfigurationSupported = 0;
                        if (i.mtu().isPresent()) {
                            row.NlMtu = i.mtu().getAsInt();
                        }
                        if (i.metric().isPresent()) {
                            row.UseAutomaticMetric = 0;
                            row.Metric = i.metric().getAsInt();
                        }
                        if (i.family() == WindowsNetPlan.Family.IPV4) {
                            row.SitePrefixLength = 0; // SetIpInterfaceEntry rejects IPv4 rows with a site prefix
                        }
                        check(retryingNotFound(() -> ip.setIpInterfaceEntry(row), sleeper), s);
                        undo.push(new Undo("interface " + i.family() + " restore", () -> ip.setIpInterfaceEntry(before)));
                    }
                    case WindowsNetPlan.Dns d -> undo.push(dns(ip, luid, alias, d));
                }
            }
        } catch (WindowsNetException e) {
            List<String> left = new Active(undo).down();
            if (!left.isEmpty()) {
                e.addSuppressed(new WindowsNetException("rollback incomplete: " + left, 0));
            }
            throw e;
        }
        return new Active(undo);
    }

    private static void check(int error, WindowsNetPlan.Step step) throws WindowsNetException {
        if (error != IpHelper.NO_ERROR) {
            String name = switch (error) {
                case IpHelper.ERROR_NOT_FOUND -> "ERROR_NOT_FOUND";
                case IpHelper.ERROR_OBJECT_ALREADY_EXISTS -> "ERROR_OBJECT_ALREADY_EXISTS";
                case 87 -> "ERROR_INVALID_PARAMETER";
                case 5 -> "ERROR_ACCESS_DENIED";
                default -> "error";
            };
            throw new WindowsNetException("'" + step.describe() + "' failed: " + name + " (" + error + ")", error);
        }
    }

    /** The route row: destination prefix, on-link (next hop unspecified), metric, static protocol. */
    static MibIpForwardRow2 routeRow(IpHelper ip, long luid, IpPrefix destination, int metric) {
        MibIpForwardRow2 row = new MibIpForwardRow2();
        ip.initializeIpForwardEntry(row);
        row.InterfaceLuid = luid;
        row.DestinationPrefix.Prefix.set(destination.masked().address().toInetAddress());
        row.DestinationPrefix.PrefixLength = (byte) destination.cidr();
        row.NextHop.set(destination.isIpv4() ? IpAddress.parse("0.0.0.0").toInetAddress()
                : IpAddress.parse("::").toInetAddress());
        row.Metric = metric;
        row.Protocol = MibIpForwardRow2.MIB_IPPROTO_NETMGMT;
        return row;
    }

    /** The address row: address, on-link prefix length, DAD state preferred, infinite lifetimes. */
    static MibUnicastIpAddressRow addressRow(IpHelper ip, long luid, IpPrefix address) {
        MibUnicastIpAddressRow row = new MibUnicastIpAddressRow();
        ip.initializeUnicastIpAddressEntry(row);
        row.Address.set(address.address().toInetAddress());
        row.InterfaceLuid = luid;
        row.OnLinkPrefixLength = (byte) address.cidr();
        row.DadState = MibUnicastIpAddressRow.IP_DAD_STATE_PREFERRED;
        row.ValidLifetime = MibUnicastIpAddressRow.INFINITE_LIFETIME;
        row.PreferredLifetime = MibUnicastIpAddressRow.INFINITE_LIFETIME;
        return row;
    }

    private static MibIpInterfaceRow copy(MibIpInterfaceRow row) {
        row.write();
        MibIpInterfaceRow c = new MibIpInterfaceRow();
        c.getPointer().write(0, row.getPointer().getByteArray(0, row.size()), 0, row.size());
        c.read();
        return c;
    }

    /** A UTF-16LE, NUL-terminated copy of {@code s} in native memory (Windows' PWSTR on every host). */
    static Memory wide(String s) {
        byte[] b = (s + "\0").getBytes(StandardCharsets.UTF_16LE);
        Memory m = new Memory(b.length);
        m.write(0, b, 0, b.length);
        return m;
    }

    private static Undo dns(IpHelper ip, long luid, String alias, WindowsNetPlan.Dns d) throws WindowsNetException {
        String servers = String.join(",", d.servers().stream().map(IpAddress::toString).toList());
        String search = String.join(",", d.searchDomains());
        if (ip.hasSetInterfaceDnsSettings()) {
            byte[] guid = new byte[16];
            check(ip.convertInterfaceLuidToGuid(luid, guid), d);
            check(ip.setInterfaceDnsSettings(guid, dnsSettings(d.family(), servers, search)), d);
            return new Undo("dns clear " + d.family(),
                    () -> ip.setInterfaceDnsSettings(guid, dnsSettings(d.family(), "", "")));
        }
        // Before Windows 10 1809: netsh, servers only (search domains need SetInterfaceDnsSettings)
        String fam = d.family() == WindowsNetPlan.Family.IPV4 ? "ipv4" : "ipv6";
        List<List<String>> cmds = new ArrayList<>();
        for (int i = 0; i < d.servers().size(); i++) {
            String addr = d.servers().get(i).toString();
            cmds.add(i == 0
                    ? List.of("interface", fam, "set", "dnsservers", "name=" + alias, "source=static",
                            "address=" + addr, "register=none", "validate=no")
                    : List.of("interface", fam, "add", "dnsservers", "name=" + alias, "address=" + addr,
                            "index=" + (i + 1), "validate=no"));
        }
        for (List<String> c : cmds) {
            int rc = ip.netsh(c);
            if (rc != 0) {
                throw new WindowsNetException("'" + d.describe() + "' failed: netsh " + String.join(" ", c)
                        + " exited with " + rc, 0);
            }
        }
        List<String> clear = List.of("interface", fam, "set", "dnsservers", "name=" + alias, "source=static",
                "address=none", "validate=no");
        return new Undo("dns clear " + d.family(), () -> ip.netsh(clear));
    }

    static DnsInterfaceSettings dnsSettings(WindowsNetPlan.Family family, String servers, String search) {
        DnsInterfaceSettings s = new DnsInterfaceSettings();
        s.Version = DnsInterfaceSettings.VERSION1;
        s.Flags = DnsInterfaceSettings.DNS_SETTING_NAMESERVER | DnsInterfaceSettings.DNS_SETTING_SEARCHLIST
                | (family == WindowsNetPlan.Family.IPV6 ? DnsInterfaceSettings.DNS_SETTING_IPV6 : 0);
        s.NameServer = wide(servers);
        s.SearchList = wide(search);
        return s;
    }

    /**
     * What to journal before applying {@code plan}, for {@link #cleanup} after a crash: one
     * entry per route and address ({@code route delete PREFIX}, {@code address delete PREFIX})
     * and per DNS family ({@code dns clear ipv4}). The kill switch needs none (its WFP session is
     * dynamic: it vanished with the crashed process).
     */
    public static List<List<String>> journal(List<WindowsNetPlan.Step> plan) {
        List<List<String>> out = new ArrayList<>();
        for (WindowsNetPlan.Step s : plan) {
            switch (s) {
                case WindowsNetPlan.Route r -> out.add(List.of("route", "delete", r.destination().toString()));
                case WindowsNetPlan.Address a -> out.add(List.of("address", "delete", a.address().toString()));
                case WindowsNetPlan.Dns d -> out.add(List.of("dns", "clear", d.family().name().toLowerCase(java.util.Locale.ROOT)));
                default -> { }
            }
        }
        return out;
    }

    /**
     * Undoes journaled steps on the interface {@code luid} (a crashed helper's adapter, reopened
     * by name); entries it does not know are skipped. Things already gone are expected.
     *
     * @return one line per thing actually removed
     */
    public static List<String> cleanup(IpHelper ip, long luid, List<List<String>> journal) {
        List<String> done = new ArrayList<>();
        for (List<String> e : journal) {
            if (e.size() != 3) {
                continue;
            }
            try {
                int rc;
                switch (e.get(0) + " " + e.get(1)) {
                    case "route delete" -> rc = ip.deleteIpForwardEntry2(routeRow(ip, luid, IpPrefix.parse(e.get(2)), 0));
                    case "address delete" -> rc = ip.deleteUnicastIpAddressEntry(addressRow(ip, luid, IpPrefix.parse(e.get(2))));
                    case "dns clear" -> {
                        WindowsNetPlan.Family f = e.get(2).equals("ipv6") ? WindowsNetPlan.Family.IPV6 : WindowsNetPlan.Family.IPV4;
                        byte[] guid = new byte[16];
                        rc = ip.hasSetInterfaceDnsSettings() ? ip.convertInterfaceLuidToGuid(luid, guid) : -1;
                        if (rc == IpHelper.NO_ERROR) {
                            rc = ip.setInterfaceDnsSettings(guid, dnsSettings(f, "", ""));
                        }
                    }
                    default -> rc = -1;
                }
                if (rc == IpHelper.NO_ERROR) {
                    done.add(String.join(" ", e));
                }
            } catch (RuntimeException ex) {
                // a malformed entry: nothing to undo
            }
        }
        return done;
    }
}
