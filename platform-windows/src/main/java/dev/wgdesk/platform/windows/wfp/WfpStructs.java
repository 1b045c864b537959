package dev.wgdesk.platform.windows.wfp;

import com.sun.jna.Pointer;
import com.sun.jna.Structure;
import com.sun.jna.Structure.FieldOrder;

/**
 * The Windows Filtering Platform structures (fwpmtypes.h, fwptypes.h) the kill switch needs,
 * with the C field names, all {@code ALIGN_MSVC} and checked against mingw-w64's headers by
 * {@code WindowsLayoutTest}. C unions are declared by their largest member's shape: the 8-byte
 * value unions of {@code FWP_VALUE0} / {@code FWP_CONDITION_VALUE0} as a {@code long}, the
 * 16-byte, 8-aligned {@code rawContext}/{@code providerContextKey} union of {@code FWPM_FILTER0}
 * as two longs.
 *
 * <p>Not instantiable.
 */
public final class WfpStructs {
    private WfpStructs() {}

    /** {@code GUID}: 16 bytes. */
    @FieldOrder({"Data1", "Data2", "Data3", "Data4"})
    public static class Guid extends Structure {
        public int Data1;
        public short Data2;
        public short Data3;
        public byte[] Data4 = new byte[8];

        public Guid() {
            super(ALIGN_MSVC);
        }

        /** The UUID this GUID holds. */
        public java.util.UUID toUuid() {
            long msb = ((long) Data1 << 32) | ((Data2 & 0xffffL) << 16) | (Data3 & 0xffffL);
            long lsb = 0;
            for (int i = 0; i < 8; i++) {
                lsb = (lsb << 8) | (Data4[i] & 0xff);
            }
            return new java.util.UUID(msb, lsb);
        }

        /** Sets this GUID to {@code uuid}. */
        public void set(java.util.UUID uuid) {
            Guid g = of(uuid);
            Data1 = g.Data1;
            Data2 = g.Data2;
            Data3 = g.Data3;
            Data4 = g.Data4;
        }

        /** A GUID with the value of {@code uuid}. */
        public static Guid of(java.util.UUID uuid) {
            Guid g = new Guid();
            long msb = uuid.getMostSignificantBits();
            g.Data1 = (int) (msb >>> 32);
            g.Data2 = (short) (msb >>> 16);
            g.Data3 = (short) msb;
            long lsb = uuid.getLeastSignificantBits();
            for (int i = 0; i < 8; i++) {
                g.Data4[i] = (byte) (lsb >>> (56 - 8 * i));
            }
            return g;
        }
    }

    /** {@code FWP_BYTE_BLOB}: 16 bytes. */
    @FieldOrder({"size", "data"})
    public static class FwpByteBlob extends Structure {
        public int size;
        public Pointer data;

        public FwpByteBlob() {
            super(ALIGN_MSVC);
        }
    }

    /** {@code FWPM_DISPLAY_DATA0}: two wide-string pointers, 16 bytes. */
    @FieldOrder({"name", "description"})
    public static class FwpmDisplayData0 extends Structure {
        public Pointer name;
        public Pointer description;

        public FwpmDisplayData0() {
            super(ALIGN_MSVC);
        }
    }

    /** {@code FWP_VALUE0}: a type and an 8-byte union, 16 bytes. */
    @FieldOrder({"type", "value"})
    public static class FwpValue0 extends Structure {
        public int type;
        /** The union: uint8..uint64 by value, or a pointer for wider types. */
        public long value;

        public FwpValue0() {
            super(ALIGN_MSVC);
        }
    }

    /** {@code FWP_CONDITION_VALUE0}: as {@link FwpValue0}, 16 bytes. */
    @FieldOrder({"type", "value"})
    public static class FwpConditionValue0 extends Structure {
        public int type;
        public long value;

        public FwpConditionValue0() {
            super(ALIGN_MSVC);
        }
    }

    /** {@code FWPM_FILTER_CONDITION0}: 40 bytes. */
    @FieldOrder({"fieldKey", "matchType", "conditionValue"})
    public static class FwpmFilterCondition0 extends Structure {
        public Guid fieldKey = new Guid();
        public int matchType;
        public FwpConditionValue0 conditionValue = new FwpConditionValue0();

        public FwpmFilterCondition0() {
            super(ALIGN_MSVC);
        }

        /** The condition at {@code p} (read). */
        public FwpmFilterCondition0(Pointer p) {
            super(p, ALIGN_MSVC);
            read();
        }
    }

    /** {@code FWP_V4_ADDR_AND_MASK}: address and mask, host byte order, 8 bytes. */
    @FieldOrder({"addr", "mask"})
    public static class FwpV4AddrAndMask extends Structure {
        public int addr;
        public int mask;

        public FwpV4AddrAndMask() {
            super(ALIGN_MSVC);
        }
    }

    /** {@code FWP_V6_ADDR_AND_MASK}: 16 address bytes and a prefix length, 17 bytes. */
    @FieldOrder({"addr", "prefixLength"})
    public static class FwpV6AddrAndMask extends Structure {
        public byte[] addr = new byte[16];
        public byte prefixLength;

        public FwpV6AddrAndMask() {
            super(ALIGN_MSVC);
        }
    }

    /** {@code FWPM_ACTION0}: a type and a GUID union, 20 bytes. */
    @FieldOrder({"type", "filterType"})
    public static class FwpmAction0 extends Structure {
        public int type;
        public Guid filterType = new Guid();

        public FwpmAction0() {
            super(ALIGN_MSVC);
        }
    }

    /** {@code FWPM_FILTER0}: 200 bytes. */
    @FieldOrder({"filterKey", "displayData", "flags", "providerKey", "providerData", "layerKey", "subLayerKey",
            "weight", "numFilterConditions", "filterCondition", "action", "rawContext", "providerContextKeyTail",
            "reserved", "filterId", "effectiveWeight"})
    public static class FwpmFilter0 extends Structure {
        public Guid filterKey = new Guid();
        public FwpmDisplayData0 displayData = new FwpmDisplayData0();
        public int flags;
        public Pointer providerKey;
        public FwpByteBlob providerData = new FwpByteBlob();
        public Guid layerKey = new Guid();
        public Guid subLayerKey = new Guid();
        public FwpValue0 weight = new FwpValue0();
        public int numFilterConditions;
        public Pointer filterCondition;
        public FwpmAction0 action = new FwpmAction0();
        /** The union's first 8 bytes: {@code rawContext}, or the start of {@code providerContextKey}. */
        public long rawContext;
        /** The union's last 8 bytes ({@code providerContextKey.Data4}). */
        public long providerContextKeyTail;
        public Pointer reserved;
        public long filterId;
        public FwpValue0 effectiveWeight = new FwpValue0();

        public FwpmFilter0() {
            super(ALIGN_MSVC);
        }
    }

    /** {@code FWPM_SESSION0}: 72 bytes. */
    @FieldOrder({"sessionKey", "displayData", "flags", "txnWaitTimeoutInMSec", "processId", "sid", "username",
            "kernelMode"})
    public static class FwpmSession0 extends Structure {
        /** {@code FWPM_SESSION_FLAG_DYNAMIC}: the session's objects vanish when it closes or its process dies. */
        public static final int FWPM_SESSION_FLAG_DYNAMIC = 0x00000001;

        public Guid sessionKey = new Guid();
        public FwpmDisplayData0 displayData = new FwpmDisplayData0();
        public int flags;
        public int txnWaitTimeoutInMSec;
        public int processId;
        public Pointer sid;
        public Pointer username;
        public int kernelMode;

        public FwpmSession0() {
            super(ALIGN_MSVC);
        }
    }

    /** {@code FWPM_SUBLAYER0}: 72 bytes. */
    @FieldOrder({"subLayerKey", "displayData", "flags", "providerKey", "providerData", "weight"})
    public static class FwpmSublayer0 extends Structure {
        public Guid subLayerKey = new Guid();
        public FwpmDisplayData0 displayData = new FwpmDisplayData0();
        /** UINT16 (the layout test caught an {@code int} here). */
        public short flags;
        public Pointer providerKey;
        public FwpByteBlob providerData = new FwpByteBlob();
        public short weight;

        public FwpmSublayer0() {
            super(ALIGN_MSVC);
        }
    }

    /** {@code FWPM_PROVIDER0}: 64 bytes. */
    @FieldOrder({"providerKey", "displayData", "flags", "providerData", "serviceName"})
    public static class FwpmProvider0 extends Structure {
        public Guid providerKey = new Guid();
        public FwpmDisplayData0 displayData = new FwpmDisplayData0();
        public int flags;
        public FwpByteBlob providerData = new FwpByteBlob();
        public Pointer serviceName;

        public FwpmProvider0() {
            super(ALIGN_MSVC);
        }
    }
}
