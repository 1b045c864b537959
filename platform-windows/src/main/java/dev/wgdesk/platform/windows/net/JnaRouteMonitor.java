package dev.wgdesk.platform.windows.net;

import com.sun.jna.Native;
import com.sun.jna.Pointer;
import com.sun.jna.Structure;
import com.sun.jna.ptr.PointerByReference;
import com.sun.jna.win32.StdCallLibrary;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * {@link RouteMonitor} through iphlpapi: {@code GetIpForwardTable2} (a {@code MIB_IPFORWARD_TABLE2}:
 * the count, then 104-byte {@link MibIpForwardRow2}s from offset 8), the interface metric from
 * {@code GetIpInterfaceEntry}, {@code NotifyRouteChange2} / {@code CancelMibChangeNotify2}.
 * Compiled on Linux, never executed there.
 */
final class JnaRouteMonitor implements RouteMonitor {
    static final int TABLE_FIRST_ROW = 8;

    interface ChangeCallback extends StdCallLibrary.StdCallCallback {
        void callback(Pointer context, Pointer row, int notificationType);
    }

    interface Iphlpapi extends StdCallLibrary {
        Iphlpapi INSTANCE = Native.load(java.nio.file.Path.of(System.getenv().getOrDefault("SystemRoot", "C:\\Windows"),
                "System32", "iphlpapi.dll").toString(), Iphlpapi.class);

        int GetIpForwardTable2(short family, PointerByReference table);

        void FreeMibTable(Pointer table);

        int GetIpInterfaceEntry(MibIpInterfaceRow row);

        int NotifyRouteChange2(short family, ChangeCallback callback, Pointer context, byte initialNotification,
                               PointerByReference handle);

        int CancelMibChangeNotify2(Pointer handle);
    }

    @Override
    public List<DefaultRoute.Candidate> defaultRoutes(WindowsNetPlan.Family family) throws IOException {
        PointerByReference t = new PointerByReference();
        int e = Iphlpapi.INSTANCE.GetIpForwardTable2(family.af, t);
        if (e != 0) {
            throw new IOException("GetIpForwardTable2: error " + e);
        }
        Pointer table = t.getValue();
        try {
            int n = table.getInt(0);
            List<DefaultRoute.Candidate> out = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                MibIpForwardRow2 row = Structure.newInstance(MibIpForwardRow2.class,
                        table.share(TABLE_FIRST_ROW + (long) i * 104));
                row.read();
                if (row.DestinationPrefix.PrefixLength != 0) {
                    continue;
                }
                MibIpInterfaceRow iface = new MibIpInterfaceRow();
                iface.Family = family.af;
                iface.InterfaceLuid = row.InterfaceLuid;
                if (Iphlpapi.INSTANCE.GetIpInterfaceEntry(iface) != 0 || iface.Connected == 0) {
                    continue;
                }
                out.add(new DefaultRoute.Candidate(row.InterfaceLuid, row.InterfaceIndex, row.Metric, iface.Metric));
            }
            return out;
        } finally {
            Iphlpapi.INSTANCE.FreeMibTable(table);
        }
    }

    @Override
    public AutoCloseable watch(Runnable onChange) throws IOException {
        ChangeCallback cb = (ctx, row, type) -> onChange.run();
        PointerByReference h = new PointerByReference();
        int e = Iphlpapi.INSTANCE.NotifyRouteChange2((short) 0 /* AF_UNSPEC */, cb, null, (byte) 0, h);
        if (e != 0) {
            throw new IOException("NotifyRouteChange2: error " + e);
        }
        return new AutoCloseable() {
            private final ChangeCallback keep = cb; // reachable while registered

            @Override
            public void close() {
                Iphlpapi.INSTANCE.CancelMibChangeNotify2(h.getValue());
                java.lang.ref.Reference.reachabilityFence(keep);
            }
        };
    }
}
