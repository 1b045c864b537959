package dev.wgdesk.platform.windows.net;

import com.sun.jna.Structure;
import com.sun.jna.Structure.FieldOrder;

/** {@code IP_ADDRESS_PREFIX} (netioapi.h): 32 bytes. */
@FieldOrder({"Prefix", "PrefixLength"})
public class IpAddressPrefix extends Structure {
    public SockaddrInet Prefix = new SockaddrInet();
    /** UINT8. */
    public byte PrefixLength;

    public IpAddressPrefix() {
        super(ALIGN_MSVC);
    }
}
