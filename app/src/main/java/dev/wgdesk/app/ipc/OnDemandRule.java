package dev.wgdesk.app.ipc;

import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * When the helper brings a tunnel up and down by itself ("on-demand", as the official macOS app
 * calls it): on which Wi-Fi networks and whether on wired (Ethernet) ones. Immutable; the
 * constructor checks everything and throws {@link OnDemandRuleException} naming the field.
 *
 * <p>A network the rule {@linkplain #matchesWifi matches} is <em>untrusted</em>: the tunnel should
 * be up while the computer is on it. Any other Wi-Fi or wired network is trusted: the tunnel
 * should be down. SSIDs are compared exactly (case and spaces count, as Wi-Fi compares them).
 *
 * @param wifi     which Wi-Fi networks bring the tunnel up
 * @param ssids    the networks {@link WifiMode#ONLY} or {@link WifiMode#EXCEPT} name (at least one
 *                 then, none for the other modes): 1 to {@value #MAX_SSID_BYTES} bytes of UTF-8
 *                 each, no duplicates, at most {@value #MAX_SSIDS}
 * @param ethernet whether a wired connection brings the tunnel up
 */
public record OnDemandRule(WifiMode wifi, List<String> ssids, boolean ethernet) {
    /** Longest SSID (IEEE 802.11: 32 octets). */
    public static final int MAX_SSID_BYTES = 32;
    /** Most SSIDs one rule may name. */
    public static final int MAX_SSIDS = 64;
    /** No on-demand: the tunnel is only switched by hand (and autostart). */
    public static final OnDemandRule OFF = new OnDemandRule(WifiMode.OFF, List.of(), false);

    /** Which Wi-Fi networks bring the tunnel up. */
    public enum WifiMode {
        /** None: Wi-Fi never brings the tunnel up (and a Wi-Fi connection alone brings it down). */
        OFF,
        /** Every Wi-Fi network. */
        ANY,
        /** Only the listed networks (the untrusted ones). */
        ONLY,
        /** Every network except the listed ones (the trusted ones). */
        EXCEPT
    }

    public OnDemandRule {
        if (wifi == null) {
            throw new OnDemandRuleException("wifi", "missing: one of off, any, only, except");
        }
        if (ssids == null) {
            ssids = List.of();
        }
        boolean listed = wifi == WifiMode.ONLY || wifi == WifiMode.EXCEPT;
        if (listed && ssids.isEmpty()) {
            throw new OnDemandRuleException("ssids", "Wi-Fi mode " + wifi.name().toLowerCase(java.util.Locale.ROOT)
                    + " needs at least one network name (SSID)");
        }
        if (!listed && !ssids.isEmpty()) {
            throw new OnDemandRuleException("ssids", "network names are only used with Wi-Fi mode only or except, not "
                    + wifi.name().toLowerCase(java.util.Locale.ROOT));
        }
        if (ssids.size() > MAX_SSIDS) {
            throw new OnDemandRuleException("ssids", ssids.size() + " network names; at most " + MAX_SSIDS);
        }
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < ssids.size(); i++) {
            String s = ssids.get(i);
            String field = "ssids[" + i + "]";
            if (s == null || s.isEmpty()) {
                throw new OnDemandRuleException(field, "an empty network name (SSID)");
            }
            int bytes = s.getBytes(StandardCharsets.UTF_8).length;
            if (bytes > MAX_SSID_BYTES) {
                throw new OnDemandRuleException(field, "\"" + s + "\" is " + bytes + " bytes in UTF-8; an SSID has at most "
                        + MAX_SSID_BYTES);
            }
            if (!seen.add(s)) {
                throw new OnDemandRuleException(field, "\"" + s + "\" is listed twice");
            }
        }
        ssids = List.copyOf(ssids);
    }

    /** True when any network brings the tunnel up or down by itself. */
    public boolean enabled() {
        return wifi != WifiMode.OFF || ethernet;
    }

    /** Whether being on the Wi-Fi network {@code ssid} calls for the tunnel (the network is untrusted). */
    public boolean matchesWifi(String ssid) {
        Objects.requireNonNull(ssid, "ssid");
        return switch (wifi) {
            case OFF -> false;
            case ANY -> true;
            case ONLY -> ssids.contains(ssid);
            case EXCEPT -> !ssids.contains(ssid);
        };
    }

    /** One line for people: {@code Wi-Fi: except "Home", "Office"; wired: on}. */
    public String describe() {
        if (!enabled()) {
            return "off";
        }
        String w = switch (wifi) {
            case OFF -> "off";
            case ANY -> "any network";
            case ONLY -> "only " + quoted(ssids);
            case EXCEPT -> "except " + quoted(ssids);
        };
        return "Wi-Fi: " + w + "; wired: " + (ethernet ? "on" : "off");
    }

    /**
     * Network names as people type them, in the CLI and the window: {@code Home, Office} split on
     * commas, a comma inside a name written {@code \,}; spaces around each name removed; blank
     * text: no names. The inverse of {@link #formatSsids}.
     */
    public static List<String> parseSsids(String text) {
        List<String> out = new java.util.ArrayList<>();
        if (text == null || text.isBlank()) {
            return out;
        }
        StringBuilder cur = new StringBuilder();
        for (int i = 0; i < text.length(); i++) {
            char ch = text.charAt(i);
            if (ch == '\\' && i + 1 < text.length() && text.charAt(i + 1) == ',') {
                cur.append(',');
                i++;
            } else if (ch == ',') {
                out.add(cur.toString().strip());
                cur.setLength(0);
            } else {
                cur.append(ch);
            }
        }
        out.add(cur.toString().strip());
        return out;
    }

    /** {@code names} as {@link #parseSsids} reads them: joined with {@code ", "}, commas written {@code \,}. */
    public static String formatSsids(List<String> names) {
        return String.join(", ", names.stream().map(n -> n.replace(",", "\\,")).toList());
    }

    static String quoted(List<String> names) {
        return String.join(", ", names.stream().map(n -> "\"" + n + "\"").toList());
    }
}
