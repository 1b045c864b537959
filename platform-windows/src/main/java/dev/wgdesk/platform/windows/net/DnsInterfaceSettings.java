package dev.wgdesk.platform.windows.net;

import com.sun.jna.Pointer;
import com.sun.jna.Structure;
import com.sun.jna.Structure.FieldOrder;

/**
 * {@code DNS_INTERFACE_SETTINGS} (netioapi.h, Windows 10 1809+), 64 bytes. mingw-w64 10 lacks
 * this struct, so unlike the others its layout is not proved against a header here: the layout
 * test checks the numbers that follow from wireguard-windows' {@code winipcfg/types.go}
 * declaration (Version u32, Flags u64 at 8, three string pointers at 16/24/32, four u32 at 40..52,
 * ProfileNameServer at 56).
 */
@FieldOrder({"Version", "Flags", "Domain", "NameServer", "SearchList", "RegistrationEnabled",
        "RegisterAdapterName", "EnableLLMNR", "QueryAdapterName", "ProfileNameServer"})
public class DnsInterfaceSettings extends Structure {
    /** {@code DNS_INTERFACE_SETTINGS_VERSION1}. */
    public static final int VERSION1 = 1;
    /** {@code DNS_SETTING_IPV6}. */
    public static final long DNS_SETTING_IPV6 = 0x0001;
    /** {@code DNS_SETTING_NAMESERVER}. */
    public static final long DNS_SETTING_NAMESERVER = 0x0002;
    /** {@code DNS_SETTING_SEARCHLIST}. */
    public static final long DNS_SETTING_SEARCHLIST = 0x0004;

    public int Version;
    public long Flags;
    public Pointer Domain;
    public Pointer NameServer;
    public Pointer SearchList;
    public int RegistrationEnabled;
    public int RegisterAdapterName;
    public int EnableLLMNR;
    public int QueryAdapterName;
    public Pointer ProfileNameServer;

    public DnsInterfaceSettings() {
        super(ALIGN_MSVC);
    }
}
