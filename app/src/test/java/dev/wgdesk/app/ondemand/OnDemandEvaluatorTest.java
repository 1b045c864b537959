package dev.wgdesk.app.ondemand;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.wgdesk.app.ipc.OnDemandRule;
import dev.wgdesk.app.ipc.OnDemandRule.WifiMode;
import dev.wgdesk.app.ondemand.NetworkState.Connection;
import dev.wgdesk.app.ondemand.OnDemandEvaluator.Action;
import dev.wgdesk.app.ondemand.OnDemandEvaluator.Decision;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.BiPredicate;
import org.junit.jupiter.api.Test;

class OnDemandEvaluatorTest {
    private static final OnDemandRule EXCEPT_HOME = new OnDemandRule(WifiMode.EXCEPT, List.of("Home", "Office"), true);
    private static final BiPredicate<String, String> NONE = (a, b) -> false;

    private static NetworkState net(Connection... c) {
        return new NetworkState(List.of(c));
    }

    private static Map<String, Decision> eval(Map<String, OnDemandRule> rules, NetworkState n, Set<String> overridden,
                                              Set<String> upByHand, BiPredicate<String, String> overlap) {
        Map<String, Decision> m = new HashMap<>();
        for (Decision d : OnDemandEvaluator.evaluate(new OnDemandEvaluator.Input(rules, n, overridden, upByHand, overlap))) {
            m.put(d.tunnel(), d);
        }
        return m;
    }

    private static Decision one(OnDemandRule rule, NetworkState n) {
        return eval(Map.of("t", rule), n, Set.of(), Set.of(), NONE).get("t");
    }

    @Test
    void exceptModeUpOnUntrustedDownOnTrusted() {
        Decision cafe = one(EXCEPT_HOME, net(Connection.wifi("Cafe", "wlan0")));
        assertEquals(Action.UP, cafe.action());
        assertTrue(cafe.reason().contains("Wi-Fi \"Cafe\" (wlan0)"), cafe.reason());
        Decision home = one(EXCEPT_HOME, net(Connection.wifi("Home", "wlan0")));
        assertEquals(Action.DOWN, home.action());
        assertTrue(home.reason().contains("trusted"), home.reason());
    }

    @Test
    void onlyModeUpOnlyOnListed() {
        OnDemandRule only = new OnDemandRule(WifiMode.ONLY, List.of("Airport"), false);
        assertEquals(Action.UP, one(only, net(Connection.wifi("Airport", "wlan0"))).action());
        assertEquals(Action.DOWN, one(only, net(Connection.wifi("Home", "wlan0"))).action());
        assertEquals(Action.DOWN, one(only, net(Connection.ethernet("eth0"))).action(), "wired off in this rule");
    }

    @Test
    void anyAndOffWifi() {
        OnDemandRule any = new OnDemandRule(WifiMode.ANY, List.of(), false);
        assertEquals(Action.UP, one(any, net(Connection.wifi("Home", "wlan0"))).action());
        OnDemandRule wiredOnly = new OnDemandRule(WifiMode.OFF, List.of(), true);
        assertEquals(Action.DOWN, one(wiredOnly, net(Connection.wifi("Cafe", "wlan0"))).action());
        assertEquals(Action.UP, one(wiredOnly, net(Connection.ethernet("eth0"))).action());
    }

    @Test
    void ethernetRule() {
        assertEquals(Action.UP, one(EXCEPT_HOME, net(Connection.ethernet("eth0"))).action());
        OnDemandRule noWired = new OnDemandRule(WifiMode.EXCEPT, List.of("Home"), false);
        Decision d = one(noWired, net(Connection.ethernet("eth0")));
        assertEquals(Action.DOWN, d.action());
        assertTrue(d.reason().contains("wired (eth0)"), d.reason());
    }

    @Test
    void anyUntrustedConnectionWinsOverTrustedOnes() {
        OnDemandRule noWired = new OnDemandRule(WifiMode.EXCEPT, List.of("Home"), false);
        NetworkState both = net(Connection.ethernet("eth0"), Connection.wifi("Cafe", "wlan0"));
        Decision d = one(noWired, both);
        assertEquals(Action.UP, d.action());
        assertTrue(d.reason().contains("Cafe") && !d.reason().startsWith("on wired"), d.reason());
        assertEquals(Action.DOWN, one(noWired, net(Connection.ethernet("eth0"), Connection.wifi("Home", "wlan0"))).action());
    }

    @Test
    void noNetworkKeepsAndOtherConnectionsDoNotCount() {
        assertEquals(Action.KEEP, one(EXCEPT_HOME, NetworkState.NONE).action());
        Decision d = one(EXCEPT_HOME, net(new Connection(NetworkState.Kind.OTHER, null, "wwan0", "Mobile")));
        assertEquals(Action.KEEP, d.action());
        assertTrue(d.reason().contains("no Wi-Fi or wired"), d.reason());
    }

    @Test
    void disabledRulesGetNoDecision() {
        assertTrue(eval(Map.of("t", OnDemandRule.OFF), net(Connection.wifi("Cafe", "w")), Set.of(), Set.of(), NONE).isEmpty());
    }

    @Test
    void overriddenTunnelsAreKept() {
        Decision d = eval(Map.of("t", EXCEPT_HOME), net(Connection.wifi("Cafe", "w")), Set.of("t"), Set.of(), NONE).get("t");
        assertEquals(Action.KEEP, d.action());
        assertTrue(d.reason().contains("by hand"), d.reason());
    }

    @Test
    void overlappingTunnelsExplicitSsidFirstThenNameOrder() {
        OnDemandRule any = new OnDemandRule(WifiMode.ANY, List.of(), false);
        OnDemandRule onlyCafe = new OnDemandRule(WifiMode.ONLY, List.of("Cafe"), false);
        BiPredicate<String, String> all = (a, b) -> true;
        // "zeta" names the SSID: it goes before "alpha" although alpha sorts first.
        Map<String, Decision> m = eval(Map.of("alpha", any, "zeta", onlyCafe), net(Connection.wifi("Cafe", "w")),
                Set.of(), Set.of(), all);
        assertEquals(Action.UP, m.get("zeta").action());
        assertEquals(Action.DOWN, m.get("alpha").action());
        assertTrue(m.get("alpha").reason().contains("overlap zeta"), m.get("alpha").reason());
        // Same precedence: name order.
        Map<String, Decision> m2 = eval(Map.of("b", any, "a", any, "c", any), net(Connection.wifi("X", "w")),
                Set.of(), Set.of(), (x, y) -> !(x + y).contains("c"));
        assertEquals(Action.UP, m2.get("a").action());
        assertEquals(Action.DOWN, m2.get("b").action());
        assertEquals(Action.UP, m2.get("c").action(), "c overlaps nothing");
    }

    @Test
    void tunnelsUpByHandAreNeverDisplaced() {
        OnDemandRule any = new OnDemandRule(WifiMode.ANY, List.of(), false);
        Map<String, Decision> m = eval(Map.of("od", any), net(Connection.wifi("X", "w")), Set.of(), Set.of("manual"),
                (a, b) -> true);
        assertEquals(Action.DOWN, m.get("od").action());
        assertTrue(m.get("od").reason().contains("overlap manual"), m.get("od").reason());
        Map<String, Decision> free = eval(Map.of("od", any), net(Connection.wifi("X", "w")), Set.of(), Set.of("manual"), NONE);
        assertEquals(Action.UP, free.get("od").action());
    }

    @Test
    void orderOfConnectionsDoesNotMatter() {
        Connection a = Connection.wifi("A", "wlan0");
        Connection b = Connection.ethernet("eth0");
        assertEquals(net(a, b), net(b, a));
        assertEquals(one(EXCEPT_HOME, net(a, b)), one(EXCEPT_HOME, net(b, a)));
    }

    @Test
    void aWifiWhoseNameCannotBeReadIsUntrustedByExceptAndUnmatchedByOnly() {
        NetworkState unknown = net(Connection.wifi("", "wlan0"));
        Decision except = one(EXCEPT_HOME, unknown);
        assertEquals(Action.UP, except.action());
        assertTrue(except.reason().contains("network name unknown"), except.reason());
        assertEquals(Action.DOWN, one(new OnDemandRule(WifiMode.ONLY, List.of("Cafe"), false), unknown).action());
    }
}
