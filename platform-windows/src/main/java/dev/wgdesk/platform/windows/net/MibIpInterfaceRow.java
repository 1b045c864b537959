package dev.wgdesk.platform.windows.net;

import com.sun.jna.Structure;
import com.sun.jna.Structure.FieldOrder;

/** {@code MIB_IPINTERFACE_ROW} (netioapi.h): 168 bytes. */
@FieldOrder({"Family", "InterfaceLuid", "InterfaceIndex", "MaxReassemblySize", "InterfaceIdentifier",
        "MinRouterAdvertisementInterval", "MaxRouterAdvertisementInterval", "AdvertisingEnabled", "ForwardingEnabled",
        "WeakHostSend", "WeakHostReceive", "UseAutomaticMetric", "UseNeighborUnreachabilityDetection",
        "ManagedAddressConfigurationSupported", "OtherStatefulConfigurationSupported", "AdvertiseDefaultRoute",
        "RouterDiscoveryBehavior", "DadTransmits", "BaseReachableTime", "RetransmitTime", "PathMtuDiscoveryTimeout",
        "LinkLocalAddressBehavior", "LinkLocalAddressTimeout", "ZoneIndices", "SitePrefixLength", "Metric", "NlMtu",
        "Connected", "SupportsWakeUpPatterns", "SupportsNeighborDiscovery", "SupportsRouterDiscovery", "ReachableTime",
        "TransmitOffload", "ReceiveOffload", "DisableDefaultRoutes"})
public class MibIpInterfaceRow extends Structure {
    /** {@code RouterDiscoveryDisabled}. */
    public static final int ROUTER_DISCOVERY_DISABLED = 0;

    public short Family;
    public long InterfaceLuid;
    public int InterfaceIndex;
    public int MaxReassemblySize;
    public long InterfaceIdentifier;
    public int MinRouterAdvertisementInterval;
    public int MaxRouterAdvertisementInterval;
    public byte AdvertisingEnabled;
    public byte ForwardingEnabled;
    public byte WeakHostSend;
    public byte WeakHostReceive;
    public byte UseAutomaticMetric;
    public byte UseNeighborUnreachabilityDetection;
    public byte ManagedAddressConfigurationSupported;
    public byte OtherStatefulConfigurationSupported;
    public byte AdvertiseDefaultRoute;
    public int RouterDiscoveryBehavior;
    public int DadTransmits;
    public int BaseReachableTime;
    public int RetransmitTime;
    public int PathMtuDiscoveryTimeout;
    public int LinkLocalAddressBehavior;
    public int LinkLocalAddressTimeout;
    public int[] ZoneIndices = new int[16];
    public int SitePrefixLength;
    public int Metric;
    public int NlMtu;
    public byte Connected;
    public byte SupportsWakeUpPatterns;
    public byte SupportsNeighborDiscovery;
    public byte SupportsRouterDiscovery;
    public int ReachableTime;
    /** {@code NL_INTERFACE_OFFLOAD_ROD}: a byte of bit fields. */
    public byte TransmitOffload;
    public byte ReceiveOffload;
    public byte DisableDefaultRoutes;

    public MibIpInterfaceRow() {
        super(ALIGN_MSVC);
    }
}
