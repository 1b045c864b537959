package dev.wgdesk.platform.windows.net;

import com.sun.jna.Structure;
import com.sun.jna.Structure.FieldOrder;

/**
 * {@code NET_LUID} (ifdef.h): a union of a ULONG64 and bit fields, 8 bytes. The rows below hold
 * it as a plain {@code long}; this class exists so the layout test checks its size.
 */
@FieldOrder({"Value"})
public class NetLuid extends Structure {
    public long Value;

    public NetLuid() {
        super(ALIGN_MSVC);
    }
}
