package dev.wgdesk.platform.windows.wfp;

import com.sun.jna.Memory;
import com.sun.jna.Pointer;
import com.sun.jna.Structure;
import dev.wgdesk.engine.config.IpAddress;
import dev.wgdesk.engine.config.IpPrefix;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Installs {@link KillSwitch} filters through the Windows Filtering Platform, as wireguard-windows
 * does ({@code tunnel/firewall/blocker.go}): a <em>dynamic</em> session (every object it adds
 * disappears when the session closes or the helper dies, so a crash never leaves the machine cut
 * off), one transaction that adds a sublayer of weight 0xFFFF and every filter in it, committed
 * together or aborted together. {@link #close()} closes the session, which removes them.
 *
 * <p>Each {@link KillSwitch.Condition} becomes an {@code FWPM_FILTER_CONDITION0}: ports and ICMP
 * type/code as UINT16 (ICMP type and code reuse the local and remote port fields, as in
 * fwpmu.h), the protocol as UINT8, an IPv4 host as UINT32 and a prefix as {@code V4_ADDR_MASK}
 * (host byte order), an IPv6 host as {@code BYTE_ARRAY16} and a prefix as {@code V6_ADDR_MASK},
 * the interface LUID as UINT64, loopback as {@code FLAGS_ALL_SET IS_LOOPBACK}, the application as
 * the app-id blob and the user as a security descriptor granting SYSTEM. The layer and condition
 * GUIDs are Microsoft's (fwpmu.h; mingw-w64 lacks them, so they are checked against the values
 * several public projects use, not against a header).
 *
 * <p>The structures built here are checked field by field on Linux (WfpKillSwitchTest); the calls
 * through fwpuclnt.dll ({@link JnaWfp}) have not run on Windows.
 */
public final class WfpKillSwitch implements AutoCloseable {
    public static final int FWP_UINT8 = 1;
    public static final int FWP_UINT16 = 2;
    public static final int FWP_UINT32 = 3;
    public static final int FWP_UINT64 = 4;
    public static final int FWP_BYTE_ARRAY16_TYPE = 11;
    public static final int FWP_BYTE_BLOB_TYPE = 12;
    public static final int FWP_SECURITY_DESCRIPTOR_TYPE = 14;
    public static final int FWP_V4_ADDR_MASK = 0x100;
    public static final int FWP_V6_ADDR_MASK = 0x101;
    public static final int FWP_MATCH_EQUAL = 0;
    public static final int FWP_MATCH_FLAGS_ALL_SET = 6;
    public static final int FWP_ACTION_BLOCK = 0x1001;
    public static final int FWP_ACTION_PERMIT = 0x1002;
    public static final int FWP_CONDITION_FLAG_IS_LOOPBACK = 0x1;
    public static final int FWPM_SESSION_FLAG_DYNAMIC = 0x1;
    /** The SDDL the helper's own traffic is matched with: the process runs as SYSTEM. */
    public static final String USER_SDDL = "O:SYD:(A;;CCRC;;;SY)";

    /** The sublayer's key (a fixed random GUID of wgdesk). */
    public static final UUID SUBLAYER = UUID.fromString("3a5d0f47-7e1b-4c2a-9d6e-1f0b8c4e2a91");

    static final Map<KillSwitch.Layer, UUID> LAYERS = Map.of(
            KillSwitch.Layer.ALE_AUTH_CONNECT_V4, UUID.fromString("c38d57d1-05a7-4c33-904f-7fbceee60e82"),
            KillSwitch.Layer.ALE_AUTH_CONNECT_V6, UUID.fromString("4a72393b-319f-44bc-84c3-ba54dcb3b6b4"),
            KillSwitch.Layer.ALE_AUTH_RECV_ACCEPT_V4, UUID.fromString("e1cd9fe7-f4b5-4273-96c0-592e487b8650"),
            KillSwitch.Layer.ALE_AUTH_RECV_ACCEPT_V6, UUID.fromString("a3b42c97-9f04-4672-b87e-cee9c483257f"));

    static final Map<String, UUID> FIELDS = Map.ofEntries(
            Map.entry("IP_LOCAL_INTERFACE", UUID.fromString("4cd62a49-59c3-4969-b7f3-bda5d32890a4")),
            Map.entry("IP_REMOTE_ADDRESS", UUID.fromString("b235ae9a-1d64-49b8-a44c-5ff3d9095045")),
            Map.entry("IP_LOCAL_ADDRESS", UUID.fromString("d9ee00de-c1ef-4617-bfe3-ffd8f5a08957")),
            Map.entry("IP_PROTOCOL", UUID.fromString("3971ef2b-623e-4f9a-8cb1-6e79b806b9a7")),
            Map.entry("IP_LOCAL_PORT", UUID.fromString("0c1ba1af-5765-453f-af22-a8f791ac775b")),
            Map.entry("IP_REMOTE_PORT", UUID.fromString("c35a604d-d22b-4e1a-91b4-68f674ee674b")),
            Map.entry("ICMP_TYPE", UUID.fromString("0c1ba1af-5765-453f-af22-a8f791ac775b")), // = IP_LOCAL_PORT
            Map.entry("ICMP_CODE", UUID.fromString("c35a604d-d22b-4e1a-91b4-68f674ee674b")), // = IP_REMOTE_PORT
            Map.entry("ALE_APP_ID", UUID.fromString("d78e1e87-8644-4ea5-9437-d809ecefc971")),
            Map.entry("ALE_USER_ID", UUID.fromString("af043a0a-b34d-4f86-979c-c90371af6e66")),
            Map.entry("FLAGS", UUID.fromString("632ce23b-5167-435c-86d7-e903684aa80c")));

    private final WfpApi api;
    private long engine;

    private WfpKillSwitch(WfpApi api, long engine) {
        this.api = api;
        this.engine = engine;
    }

    /**
     * Opens a dynamic session and adds the sublayer and {@code filters} in one transaction.
     *
     * @param helperExe the helper's full path, whose traffic ALE_APP_ID filters let through
     * @param luid      the tunnel interface's LUID (for IP_LOCAL_INTERFACE)
     * @throws WfpException naming the call and filter that failed; nothing stays installed
     */
    public static WfpKillSwitch install(WfpApi api, List<KillSwitch.Filter> filters, String helperExe, long luid)
            throws WfpException {
        WfpStructs.FwpmSession0 session = new WfpStructs.FwpmSession0();
        Memory sessionName = wide("wgdesk kill switch");
        session.displayData.name = sessionName;
        session.flags = FWPM_SESSION_FLAG_DYNAMIC;
        session.txnWaitTimeoutInMSec = 0xFFFF_FFFF; // INFINITE
        long[] handle = new long[1];
        check(api.engineOpen(session, handle), "FwpmEngineOpen0 (dynamic session)");
        java.lang.ref.Reference.reachabilityFence(sessionName);
        WfpKillSwitch ks = new WfpKillSwitch(api, handle[0]);
        Pointer appId = null;
        Pointer userSd = null;
        int[] error = new int[1];
        try {
            appId = api.appIdFromFileName(helperExe, error);
            if (appId == null) {
                throw new WfpException("FwpmGetAppIdFromFileName0 for " + helperExe, error[0]);
            }
            userSd = api.securityDescriptorBlob(USER_SDDL, error);
            if (userSd == null) {
                throw new WfpException("ConvertStringSecurityDescriptorToSecurityDescriptorW", error[0]);
            }
            check(api.transactionBegin(ks.engine), "FwpmTransactionBegin0");
            boolean committed = false;
            try {
                check(api.subLayerAdd(ks.engine, sublayer()), "FwpmSubLayerAdd0");
                List<Object> keepAlive = new ArrayList<>();
                for (KillSwitch.Filter f : filters) {
                    check(api.filterAdd(ks.engine, filter(f, appId, userSd, luid, keepAlive)), "FwpmFilterAdd0 '"
                            + f.describe() + "'");
                }
                check(api.transactionCommit(ks.engine), "FwpmTransactionCommit0");
                committed = true;
                java.lang.ref.Reference.reachabilityFence(keepAlive); // memory the filters point to by address
            } finally {
                if (!committed) {
                    api.transactionAbort(ks.engine);
                }
            }
            return ks;
        } catch (WfpException | RuntimeException e) {
            ks.close();
            throw e;
        } finally {
            if (appId != null) {
                api.freeMemory(appId);
            }
            if (userSd != null) {
                api.freeMemory(userSd);
            }
        }
    }

    /** Closes the dynamic session: Windows removes the sublayer and every filter. Idempotent. */
    @Override
    public synchronized void close() {
        if (engine != 0) {
            api.engineClose(engine);
            engine = 0;
        }
    }

    static WfpStructs.FwpmSublayer0 sublayer() {
        WfpStructs.FwpmSublayer0 s = new WfpStructs.FwpmSublayer0();
        s.subLayerKey.set(SUBLAYER);
        s.displayData.name = wide("wgdesk kill switch");
        s.weight = (short) 0xFFFF;
        return s;
    }

    /** The FWPM_FILTER0 for {@code f}; native memory it points to is added to {@code keepAlive}. */
    static WfpStructs.FwpmFilter0 filter(KillSwitch.Filter f, Pointer appId, Pointer userSd, long luid, List<Object> keepAlive) {
        WfpStructs.FwpmFilter0 s = new WfpStructs.FwpmFilter0();
        Memory name = wide("wgdesk: " + f.purpose());
        keepAlive.add(name);
        s.displayData.name = name;
        s.layerKey.set(LAYERS.get(f.layer()));
        s.subLayerKey.set(SUBLAYER);
        s.weight.type = FWP_UINT8;
        s.weight.value = f.weight();
        s.action.type = f.action() == KillSwitch.Action.PERMIT ? FWP_ACTION_PERMIT : FWP_ACTION_BLOCK;
        s.numFilterConditions = f.conditions().size();
        if (!f.conditions().isEmpty()) {
            Structure[] arr = new WfpStructs.FwpmFilterCondition0().toArray(f.conditions().size());
            for (int i = 0; i < arr.length; i++) {
                condition(f.conditions().get(i), (WfpStructs.FwpmFilterCondition0) arr[i], appId, userSd, luid, keepAlive);
                arr[i].write();
            }
            keepAlive.add(arr);
            s.filterCondition = arr[0].getPointer();
        }
        return s;
    }

    private static void condition(KillSwitch.Condition c, WfpStructs.FwpmFilterCondition0 out, Pointer appId,
                                  Pointer userSd, long luid, List<Object> keepAlive) {
        UUID field = FIELDS.get(c.field());
        if (field == null) {
            throw new IllegalArgumentException("no WFP field for " + c.field());
        }
        out.fieldKey.set(field);
        out.matchType = c.match().equals("FLAGS_ALL_SET") ? FWP_MATCH_FLAGS_ALL_SET : FWP_MATCH_EQUAL;
        WfpStructs.FwpConditionValue0 v = out.conditionValue;
        switch (c.field()) {
            case "ALE_APP_ID" -> {
                v.type = FWP_BYTE_BLOB_TYPE;
                v.value = Pointer.nativeValue(appId);
            }
            case "ALE_USER_ID" -> {
                v.type = FWP_SECURITY_DESCRIPTOR_TYPE;
                v.value = Pointer.nativeValue(userSd);
            }
            case "IP_LOCAL_PORT", "IP_REMOTE_PORT", "ICMP_TYPE", "ICMP_CODE" -> {
                v.type = FWP_UINT16;
                v.value = Integer.parseInt(c.value());
            }
            case "IP_PROTOCOL" -> {
                v.type = FWP_UINT8;
                v.value = Integer.parseInt(c.value());
            }
            case "FLAGS" -> {
                v.type = FWP_UINT32;
                v.value = FWP_CONDITION_FLAG_IS_LOOPBACK;
            }
            case "IP_LOCAL_INTERFACE" -> {
                Memory m = new Memory(8);
                m.setLong(0, luid);
                keepAlive.add(m);
                v.type = FWP_UINT64;
                v.value = Pointer.nativeValue(m);
            }
            case "IP_REMOTE_ADDRESS", "IP_LOCAL_ADDRESS" -> address(c.value(), v, keepAlive);
            default -> throw new IllegalArgumentException("no WFP encoding for " + c.field());
        }
    }

    private static void address(String text, WfpStructs.FwpConditionValue0 v, List<Object> keepAlive) {
        IpPrefix p = text.contains("/") ? IpPrefix.parse(text) : IpPrefix.host(IpAddress.parse(text));
        byte[] a = p.address().toBytes();
        boolean host = !text.contains("/");
        if (p.isIpv4()) {
            int addr = ((a[0] & 0xff) << 24) | ((a[1] & 0xff) << 16) | ((a[2] & 0xff) << 8) | (a[3] & 0xff);
            if (host) {
                v.type = FWP_UINT32;
                v.value = Integer.toUnsignedLong(addr);
            } else {
                WfpStructs.FwpV4AddrAndMask m = new WfpStructs.FwpV4AddrAndMask();
                m.addr = addr;
                m.mask = p.cidr() == 0 ? 0 : -1 << (32 - p.cidr());
                m.write();
                keepAlive.add(m);
                v.type = FWP_V4_ADDR_MASK;
                v.value = Pointer.nativeValue(m.getPointer());
            }
        } else if (host) {
            Memory m = new Memory(16);
            m.write(0, a, 0, 16);
            keepAlive.add(m);
            v.type = FWP_BYTE_ARRAY16_TYPE;
            v.value = Pointer.nativeValue(m);
        } else {
            WfpStructs.FwpV6AddrAndMask m = new WfpStructs.FwpV6AddrAndMask();
            m.addr = a;
            m.prefixLength = (byte) p.cidr();
            m.write();
            keepAlive.add(m);
            v.type = FWP_V6_ADDR_MASK;
            v.value = Pointer.nativeValue(m.getPointer());
        }
    }

    private static void check(int error, String what) throws WfpException {
        if (error != 0) {
            throw new WfpException(what, error);
        }
    }

    /** A UTF-16LE NUL-terminated string in native memory (Windows' wide string on every host). */
    static Memory wide(String s) {
        byte[] b = (s + "\0").getBytes(StandardCharsets.UTF_16LE);
        Memory m = new Memory(b.length);
        m.write(0, b, 0, b.length);
        return m;
    }

    /** A WFP call failed. */
    public static final class WfpException extends java.io.IOException {
        private static final long serialVersionUID = 1L;
        private final int error;

        WfpException(String what, int error) {
            super(what + " failed: 0x" + Integer.toHexString(error));
            this.error = error;
        }

        /** The error code (a Win32 error or an FWP_E_* HRESULT). */
        public int error() {
            return error;
        }
    }
}
