package dev.wgdesk.platform.windows.net;

import com.sun.jna.Pointer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Records every iphlpapi call as a readable line with the row's fields, keeps the state they
 * build (addresses, routes, interface rows, DNS per family), and fails a chosen call on demand.
 */
public final class FakeIpHelper implements IpHelper {
    public final List<String> calls = new ArrayList<>();
    public final List<String> addresses = new ArrayList<>();
    public final List<String> routes = new ArrayList<>();
    final Map<Short, MibIpInterfaceRow> interfaces = new LinkedHashMap<>();
    final Map<String, String> dns = new LinkedHashMap<>();
    boolean hasDnsApi = true;
    public String failOn; // a call-line prefix whose call fails with failWith
    public int failWith = ERROR_NOT_FOUND;

    public FakeIpHelper() {
        for (short af : new short[] {SockaddrInet.AF_INET, SockaddrInet.AF_INET6}) {
            MibIpInterfaceRow r = new MibIpInterfaceRow();
            r.Family = af;
            r.UseAutomaticMetric = 1;
            r.Metric = 25;
            r.NlMtu = 1500;
            r.RouterDiscoveryBehavior = 2;
            r.DadTransmits = 1;
            r.SitePrefixLength = af == SockaddrInet.AF_INET6 ? 64 : 0;
            interfaces.put(af, r);
        }
    }

    /** How many matching calls fail before they succeed; negative: all of them. */
    public int failTimes = -1;

    private int record(String line) {
        calls.add(line);
        if (failOn != null && line.startsWith(failOn) && failTimes != 0) {
            if (failTimes > 0) {
                failTimes--;
            }
            return failWith;
        }
        return NO_ERROR;
    }

    static String addr(SockaddrInet s) {
        return s.address().getHostAddress();
    }

    @Override
    public void initializeUnicastIpAddressEntry(MibUnicastIpAddressRow row) {
        row.PrefixOrigin = 4; // unchanged
        row.SuffixOrigin = 16;
        row.ValidLifetime = -1;
        row.PreferredLifetime = -1;
        row.OnLinkPrefixLength = (byte) 0xff;
    }

    static String describe(MibUnicastIpAddressRow r) {
        return addr(r.Address) + "/" + (r.OnLinkPrefixLength & 0xff) + " luid=" + Long.toHexString(r.InterfaceLuid)
                + " dad=" + r.DadState + " valid=" + Integer.toUnsignedString(r.ValidLifetime)
                + " preferred=" + Integer.toUnsignedString(r.PreferredLifetime);
    }

    @Override
    public int createUnicastIpAddressEntry(MibUnicastIpAddressRow row) {
        int e = record("CreateUnicastIpAddressEntry " + describe(row));
        if (e == NO_ERROR) {
            addresses.add(addr(row.Address) + "/" + (row.OnLinkPrefixLength & 0xff));
        }
        return e;
    }

    @Override
    public int deleteUnicastIpAddressEntry(MibUnicastIpAddressRow row) {
        int e = record("DeleteUnicastIpAddressEntry " + describe(row));
        addresses.remove(addr(row.Address) + "/" + (row.OnLinkPrefixLength & 0xff));
        return e;
    }

    @Override
    public void initializeIpForwardEntry(MibIpForwardRow2 row) {
        row.ValidLifetime = -1;
        row.PreferredLifetime = -1;
        row.Metric = -1;
        row.SitePrefixLength = (byte) 0xff;
        row.Protocol = 2; // MIB_IPPROTO_LOCAL: the configuration must overwrite it
    }

    static String describe(MibIpForwardRow2 r) {
        return addr(r.DestinationPrefix.Prefix) + "/" + (r.DestinationPrefix.PrefixLength & 0xff) + " via "
                + addr(r.NextHop) + " metric " + r.Metric + " protocol " + r.Protocol + " luid="
                + Long.toHexString(r.InterfaceLuid);
    }

    @Override
    public int createIpForwardEntry2(MibIpForwardRow2 row) {
        int e = record("CreateIpForwardEntry2 " + describe(row));
        if (e == NO_ERROR) {
            routes.add(addr(row.DestinationPrefix.Prefix) + "/" + (row.DestinationPrefix.PrefixLength & 0xff));
        }
        return e;
    }

    @Override
    public int deleteIpForwardEntry2(MibIpForwardRow2 row) {
        int e = record("DeleteIpForwardEntry2 " + describe(row));
        routes.remove(addr(row.DestinationPrefix.Prefix) + "/" + (row.DestinationPrefix.PrefixLength & 0xff));
        return e;
    }

    @Override
    public int getIpInterfaceEntry(MibIpInterfaceRow row) {
        int e = record("GetIpInterfaceEntry af=" + row.Family);
        MibIpInterfaceRow have = interfaces.get(row.Family);
        long luid = row.InterfaceLuid;
        have.write();
        row.getPointer().write(0, have.getPointer().getByteArray(0, have.size()), 0, have.size());
        row.read();
        row.InterfaceLuid = luid;
        return e;
    }

    static String describe(MibIpInterfaceRow r) {
        return "af=" + r.Family + " mtu=" + r.NlMtu + " automaticMetric=" + r.UseAutomaticMetric + " metric=" + r.Metric
                + " routerDiscovery=" + r.RouterDiscoveryBehavior + " dad=" + r.DadTransmits + " sitePrefix="
                + r.SitePrefixLength;
    }

    @Override
    public int setIpInterfaceEntry(MibIpInterfaceRow row) {
        int e = record("SetIpInterfaceEntry " + describe(row));
        if (e == NO_ERROR) {
            MibIpInterfaceRow c = new MibIpInterfaceRow();
            row.write();
            c.getPointer().write(0, row.getPointer().getByteArray(0, row.size()), 0, row.size());
            c.read();
            interfaces.put(row.Family, c);
        }
        return e;
    }

    @Override
    public int convertInterfaceLuidToGuid(long luid, byte[] guid) {
        guid[0] = (byte) luid;
        return record("ConvertInterfaceLuidToGuid " + Long.toHexString(luid));
    }

    @Override
    public boolean hasSetInterfaceDnsSettings() {
        return hasDnsApi;
    }

    static String wide(Pointer p) {
        if (p == null) {
            return "null";
        }
        int n = 0;
        while (p.getShort(n) != 0) {
            n += 2;
        }
        return new String(p.getByteArray(0, n), StandardCharsets.UTF_16LE);
    }

    @Override
    public int setInterfaceDnsSettings(byte[] guid, DnsInterfaceSettings s) {
        String fam = (s.Flags & DnsInterfaceSettings.DNS_SETTING_IPV6) != 0 ? "ipv6" : "ipv4";
        String line = "SetInterfaceDnsSettings v" + s.Version + " flags=" + s.Flags + " nameserver=" + wide(s.NameServer)
                + " searchlist=" + wide(s.SearchList);
        int e = record(line);
        if (e == NO_ERROR) {
            dns.put(fam, wide(s.NameServer) + ";" + wide(s.SearchList));
        }
        return e;
    }

    @Override
    public int netsh(List<String> args) {
        return record("netsh " + String.join(" ", args));
    }
}
