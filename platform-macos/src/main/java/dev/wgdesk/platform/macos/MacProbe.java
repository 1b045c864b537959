package dev.wgdesk.platform.macos;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads the Mac's state from the output of the commands wg-quick reads it from: {@code netstat -nr
 * -f inet|inet6} (default gateway and interface), {@code ifconfig IF} (MTU),
 * {@code networksetup -listallnetworkservices} and {@code -getdnsservers}/{@code -getsearchdomains}.
 * Pure parsers, tested on captured output; {@link MacTunnel} runs the commands.
 *
 * <p>Unlike wg-quick, the {@code Netif} column is found by its header, so the older layout (with
 * {@code Refs} and {@code Use} columns) and the newer one (without) both work.
 *
 * <p>Not instantiable.
 */
public final class MacProbe {
    /** The default route: its gateway (null when it is on-link, {@code link#N}) and interface. */
    public record DefaultRoute(String gateway, String netif) {}

    private static final Pattern MTU = Pattern.compile("\\bmtu (\\d+)");

    private MacProbe() {}

    /** The first {@code default} route in {@code netstat -nr -f inet} or {@code -f inet6} output. */
    public static Optional<DefaultRoute> defaultRoute(String netstat) {
        int netifColumn = -1;
        for (String line : netstat.lines().toList()) {
            String[] f = line.trim().split("\\s+");
            if (f.length > 0 && f[0].equals("Destination")) {
                netifColumn = List.of(f).indexOf("Netif");
                continue;
            }
            if (f.length >= 2 && f[0].equals("default")) {
                String gw = f[1].startsWith("link#") ? null : f[1];
                String netif = netifColumn >= 0 && netifColumn < f.length ? f[netifColumn] : null;
                if (gw != null || netif != null) {
                    return Optional.of(new DefaultRoute(gw, netif));
                }
            }
        }
        return Optional.empty();
    }

    /** The MTU in {@code ifconfig IF} output. */
    public static OptionalInt mtu(String ifconfig) {
        Matcher m = MTU.matcher(ifconfig);
        return m.find() ? OptionalInt.of(Integer.parseInt(m.group(1))) : OptionalInt.empty();
    }

    /** wg-quick's automatic MTU: the default interface's MTU minus 80, 1500 − 80 when unknown. */
    public static int autoMtu(OptionalInt defaultInterfaceMtu) {
        int m = defaultInterfaceMtu.orElse(0);
        return (m > 0 ? m : 1500) - 80;
    }

    /** The services of {@code networksetup -listallnetworkservices}, disabled ones (marked *) too. */
    public static List<String> services(String listAll) {
        List<String> out = new ArrayList<>();
        List<String> lines = listAll.lines().toList();
        for (int i = 1; i < lines.size(); i++) { // the first line explains the asterisk
            String s = lines.get(i);
            if (s.startsWith("*")) {
                s = s.substring(1);
            }
            if (!s.isBlank()) {
                out.add(s);
            }
        }
        return out;
    }

    /**
     * What {@code -getdnsservers}/{@code -getsearchdomains} said, as arguments to give back to
     * {@code -setdnsservers}/{@code -setsearchdomains}: the values, or {@code Empty} when the
     * answer is the sentence "There aren't any … set on …" (wg-quick's rule: a space means a
     * sentence).
     */
    public static List<String> saved(String getOutput) {
        List<String> values = getOutput.lines().map(String::strip).filter(s -> !s.isEmpty()).toList();
        if (values.isEmpty() || values.stream().anyMatch(s -> s.contains(" "))) {
            return List.of("Empty");
        }
        return values;
    }
}
