package dev.wgdesk.app.ondemand;

import dev.wgdesk.app.ipc.OnDemandRule;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.BiPredicate;

/**
 * Decides which on-demand tunnels should be up on a given network. Pure: the same input gives the
 * same decisions, nothing is changed, no clock.
 *
 * <p><b>One tunnel.</b> A tunnel whose rule is {@linkplain OnDemandRule#enabled() enabled} should
 * be <em>up</em> when at least one of the computer's Wi-Fi or wired connections is untrusted by
 * its rule (a Wi-Fi network the rule matches, or a wired one when the rule has wired on): being
 * on a trusted and an untrusted network at once still sends traffic over the untrusted one. It
 * should be <em>down</em> when every Wi-Fi and wired connection is trusted. With no Wi-Fi or
 * wired connection at all (offline, or between two networks while roaming) it is <em>kept</em>
 * as it is: nothing can go out anyway, and the next network decides.
 *
 * <p><b>Switched by hand.</b> A tunnel its user switched on or off by hand is
 * {@linkplain Input#overridden() overridden}: kept as the user left it until the network changes
 * (another SSID, wired plugged or unplugged); then its rule applies again. (The macOS app turns
 * on-demand off for good instead, which users find surprising: the rule they set silently stops
 * working. Here the rule stays; only the current network is left to the user.)
 *
 * <p><b>Several tunnels.</b> Tunnels whose AllowedIPs overlap cannot be up together (activating
 * one stops the other). When several such tunnels should be up, the one whose rule names the
 * current Wi-Fi explicitly ({@link OnDemandRule.WifiMode#ONLY}) goes first, then the others, each
 * group in name order; a tunnel overlapping one that went before is held down with the reason. A
 * tunnel that overlaps one that is up by hand (not on-demand's) is held down too: on-demand never
 * stops a tunnel the user switched on. Tunnels that do not overlap are all brought up.
 */
public final class OnDemandEvaluator {
    private OnDemandEvaluator() {}

    /** What to do with one tunnel. */
    public enum Action {
        /** Bring it up (no-op if it is). */
        UP,
        /** Bring it down (no-op if it is not up). */
        DOWN,
        /** Leave it as it is. */
        KEEP
    }

    /**
     * The decision for one tunnel.
     *
     * @param tunnel its name
     * @param action what to do
     * @param reason why, for the status and the log ({@code on Wi-Fi "Cafe" (not trusted)})
     */
    public record Decision(String tunnel, Action action, String reason) {
        public Decision {
            Objects.requireNonNull(tunnel, "tunnel");
            Objects.requireNonNull(action, "action");
            Objects.requireNonNull(reason, "reason");
        }
    }

    /**
     * What the decisions depend on.
     *
     * @param rules      each tunnel's rule (tunnels whose rule is not enabled get no decision)
     * @param network    the current network
     * @param overridden tunnels switched by hand on this network (kept as they are)
     * @param upByHand   tunnels that are up and not on-demand's to switch (no enabled rule, or
     *                   overridden): on-demand does not bring up a tunnel that overlaps one of them
     * @param overlap    whether two tunnels' AllowedIPs overlap (symmetric)
     */
    public record Input(Map<String, OnDemandRule> rules, NetworkState network, Set<String> overridden,
                        Set<String> upByHand, BiPredicate<String, String> overlap) {
        public Input {
            rules = Map.copyOf(rules);
            Objects.requireNonNull(network, "network");
            overridden = Set.copyOf(overridden);
            upByHand = Set.copyOf(upByHand);
            Objects.requireNonNull(overlap, "overlap");
        }
    }

    /** The decisions, one per tunnel with an enabled rule, in name order. */
    public static List<Decision> evaluate(Input in) {
        Map<String, Decision> out = new TreeMap<>();
        List<String> wanted = new ArrayList<>();
        Map<String, Integer> rank = new LinkedHashMap<>();
        String networkText = in.network().describe();
        for (Map.Entry<String, OnDemandRule> r : new TreeMap<>(in.rules()).entrySet()) {
            String name = r.getKey();
            OnDemandRule rule = r.getValue();
            if (!rule.enabled()) {
                continue;
            }
            if (in.overridden().contains(name)) {
                out.put(name, new Decision(name, Action.KEEP,
                        "switched by hand on this network; on-demand applies again when the network changes"));
                continue;
            }
            List<NetworkState.Connection> relevant = in.network().relevant();
            if (relevant.isEmpty()) {
                out.put(name, new Decision(name, Action.KEEP, "no Wi-Fi or wired network: left as it is"));
                continue;
            }
            List<String> untrusted = new ArrayList<>();
            boolean named = false;
            for (NetworkState.Connection c : relevant) {
                boolean match = c.kind() == NetworkState.Kind.WIFI ? rule.matchesWifi(c.ssid()) : rule.ethernet();
                if (match) {
                    untrusted.add(c.describe());
                    named |= c.kind() == NetworkState.Kind.WIFI && rule.wifi() == OnDemandRule.WifiMode.ONLY;
                }
            }
            if (untrusted.isEmpty()) {
                out.put(name, new Decision(name, Action.DOWN, "on " + networkText + ", trusted by its rule (" + rule.describe() + ")"));
            } else {
                wanted.add(name);
                rank.put(name, named ? 0 : 1);
                out.put(name, new Decision(name, Action.UP, "on " + String.join(", ", untrusted)
                        + ", not trusted by its rule (" + rule.describe() + ")"));
            }
        }
        wanted.sort(Comparator.comparing((String n) -> rank.get(n)).thenComparing(Comparator.naturalOrder()));
        List<String> granted = new ArrayList<>();
        for (String name : wanted) {
            String blocker = null;
            String why = null;
            for (String other : new java.util.TreeSet<>(in.upByHand())) {
                if (!other.equals(name) && in.overlap().test(name, other)) {
                    blocker = other;
                    why = "switched on by hand, and on-demand never stops a tunnel the user switched on";
                    break;
                }
            }
            if (blocker == null) {
                for (String other : granted) {
                    if (in.overlap().test(name, other)) {
                        blocker = other;
                        why = rank.get(other) < rank.get(name)
                                ? "whose rule names this Wi-Fi network, goes first"
                                : "goes first (tunnels with the same precedence go in name order)";
                        break;
                    }
                }
            }
            if (blocker == null) {
                granted.add(name);
            } else {
                out.put(name, new Decision(name, Action.DOWN, out.get(name).reason() + ", but held down: its AllowedIPs overlap "
                        + blocker + ", which " + why));
            }
        }
        return List.copyOf(out.values());
    }
}
