package dev.wgdesk.platform.windows.net;

import java.io.IOException;
import java.util.List;

/**
 * The route table's default routes and a watch on route changes (iphlpapi
 * {@code GetIpForwardTable2}, {@code GetIpInterfaceEntry}, {@code NotifyRouteChange2}), a seam
 * for tests; {@link JnaRouteMonitor} on Windows.
 */
public interface RouteMonitor {
    /** Every /0 route of {@code family} with its route and interface metrics. */
    List<DefaultRoute.Candidate> defaultRoutes(WindowsNetPlan.Family family) throws IOException;

    /** Calls {@code onChange} (on a system thread) after any route change until closed. */
    AutoCloseable watch(Runnable onChange) throws IOException;

    /** The iphlpapi implementation (Windows only; loads nothing until first used). */
    static RouteMonitor windows() {
        return new JnaRouteMonitor();
    }
}
