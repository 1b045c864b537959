package dev.wgdesk.platform.windows.net;

import com.sun.jna.Structure;
import com.sun.jna.Structure.FieldOrder;

/**
 * {@code MIB_UNICASTIPADDRESS_ROW} (netioapi.h): 80 bytes. Enums ({@code NL_PREFIX_ORIGIN},
 * {@code NL_DAD_STATE}...) are 4-byte ints: declaring DadState as a byte would shift DadState and
 * ScopeId (the bug ports.md found in a public wrapper; {@code WindowsLayoutTest} catches it).
 */
@FieldOrder({"Address", "InterfaceLuid", "InterfaceIndex", "PrefixOrigin", "SuffixOrigin", "ValidLifetime",
        "PreferredLifetime", "OnLinkPrefixLength", "SkipAsSource", "DadState", "ScopeId", "CreationTimeStamp"})
public class MibUnicastIpAddressRow extends Structure {
    /** {@code IpDadStatePreferred}. */
    public static final int IP_DAD_STATE_PREFERRED = 4;
    /** {@code INFINITE} lifetime. */
    public static final int INFINITE_LIFETIME = 0xFFFF_FFFF;

    public SockaddrInet Address = new SockaddrInet();
    public long InterfaceLuid;
    public int InterfaceIndex;
    public int PrefixOrigin;
    public int SuffixOrigin;
    public int ValidLifetime;
    public int PreferredLifetime;
    public byte OnLinkPrefixLength;
    public byte SkipAsSource;
    public int DadState;
    public int ScopeId;
    public long CreationTimeStamp;

    public MibUnicastIpAddressRow() {
        super(ALIGN_MSVC);
    }
}
