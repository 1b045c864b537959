package dev.wgdesk.platform.windows.net;

import java.util.List;
import java.util.Optional;

/**
 * Keeping the engine's UDP packets to the endpoints out of its own tunnel on Windows, as the
 * userspace wireguard-windows did ({@code tunnel/defaultroutemonitor.go}, before WireGuardNT):
 * the tunnel takes 0.0.0.0/0 and ::/0 at metric 0, so the UDP socket is bound to the interface of
 * the <em>other</em> best default route with {@code IP_UNICAST_IF} / {@code IPV6_UNICAST_IF}, and
 * bound again whenever routes change ({@code NotifyRouteChange2}). This class is the pure part:
 * choosing that interface from the route table ({@code GetIpForwardTable2} rows with their
 * interfaces' metrics) and encoding the socket option value. Pure; thread-safe.
 */
public final class DefaultRoute {
    /** {@code IP_UNICAST_IF} (ws2ipdef.h), at level IPPROTO_IP. */
    public static final int IP_UNICAST_IF = 31;
    /** {@code IPV6_UNICAST_IF} (ws2ipdef.h), at level IPPROTO_IPV6. */
    public static final int IPV6_UNICAST_IF = 31;

    /**
     * A default route candidate: the interface it leaves by, the route's metric and the
     * interface's metric (Windows ranks routes by their sum).
     */
    public record Candidate(long interfaceLuid, int interfaceIndex, int routeMetric, int interfaceMetric) {
        long effectiveMetric() {
            return Integer.toUnsignedLong(routeMetric) + Integer.toUnsignedLong(interfaceMetric);
        }
    }

    private DefaultRoute() {}

    /**
     * The interface index to bind to: the default route (already filtered to /0 of one family)
     * with the lowest route + interface metric that does not leave through the tunnel itself
     * ({@code tunnelLuid}); ties go to the earlier row, as the table lists them. Empty if there is
     * none (then the socket is bound to no interface: the endpoint is unreachable, better than a
     * routing loop).
     */
    public static Optional<Integer> choose(List<Candidate> defaultRoutes, long tunnelLuid) {
        Candidate best = null;
        for (Candidate c : defaultRoutes) {
            if (c.interfaceLuid() == tunnelLuid) {
                continue;
            }
            if (best == null || c.effectiveMetric() < best.effectiveMetric()) {
                best = c;
            }
        }
        return best == null ? Optional.empty() : Optional.of(best.interfaceIndex());
    }

    /**
     * The {@code setsockopt} value for {@code IP_UNICAST_IF}: the interface index as a DWORD in
     * <em>network</em> byte order (Windows' documented quirk for IPv4), as the 32-bit int whose
     * little-endian bytes are that big-endian number.
     */
    public static int ipv4OptionValue(int interfaceIndex) {
        return Integer.reverseBytes(interfaceIndex);
    }

    /** The {@code setsockopt} value for {@code IPV6_UNICAST_IF}: the index in host byte order. */
    public static int ipv6OptionValue(int interfaceIndex) {
        return interfaceIndex;
    }
}
