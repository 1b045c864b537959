package dev.wgdesk.platform.windows.net;

import com.sun.jna.Structure;
import com.sun.jna.Structure.FieldOrder;

/** {@code MIB_IPFORWARD_ROW2} (netioapi.h): 104 bytes. */
@FieldOrder({"InterfaceLuid", "InterfaceIndex", "DestinationPrefix", "NextHop", "SitePrefixLength", "ValidLifetime",
        "PreferredLifetime", "Metric", "Protocol", "Loopback", "AutoconfigureAddress", "Publish", "Immortal", "Age",
        "Origin"})
public class MibIpForwardRow2 extends Structure {
    /** {@code MIB_IPPROTO_NETMGMT}: a static route set by management. */
    public static final int MIB_IPPROTO_NETMGMT = 3;

    public long InterfaceLuid;
    public int InterfaceIndex;
    public IpAddressPrefix DestinationPrefix = new IpAddressPrefix();
    public SockaddrInet NextHop = new SockaddrInet();
    public byte SitePrefixLength;
    public int ValidLifetime;
    public int PreferredLifetime;
    public int Metric;
    public int Protocol;
    public byte Loopback;
    public byte AutoconfigureAddress;
    public byte Publish;
    public byte Immortal;
    public int Age;
    public int Origin;

    public MibIpForwardRow2() {
        super(ALIGN_MSVC);
    }
}
