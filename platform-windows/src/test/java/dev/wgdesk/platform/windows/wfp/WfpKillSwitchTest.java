package dev.wgdesk.platform.windows.wfp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.jna.Memory;
import com.sun.jna.Pointer;
import dev.wgdesk.engine.config.TunnelConfig;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** The WFP session, transaction and filter structures the kill switch builds, read back by a fake. */
class WfpKillSwitchTest {
    static final String KEY = "yAnz5TF+lXXJte14tji3zlMNq+hd2rYUIgJBgB3fBmk=";
    static final String PEER = "xTIBA5rboUvnH4htodjb6e697QjLERt1NAB4mZqp8Dg=";
    static final long LUID = 0x47_0000_0100_0000L;
    static final String EXE = "C:\\Program Files\\wgdesk\\wgdesk-helper.exe";

    static String wide(Pointer p) {
        int n = 0;
        while (p.getShort(n) != 0) {
            n += 2;
        }
        return new String(p.getByteArray(0, n), StandardCharsets.UTF_16LE);
    }

    /** A filter as the fake read it from native memory. */
    record Seen(String name, UUID layer, UUID subLayer, int weightType, long weight, int action, List<String> conditions) {}

    static final class FakeWfp implements WfpApi {
        final List<String> calls = new ArrayList<>();
        final List<Seen> filters = new ArrayList<>();
        final Memory appId = new Memory(16);
        final Memory sd = new Memory(16);
        int failFilterAt = -1;

        @Override
        public int engineOpen(WfpStructs.FwpmSession0 s, long[] engine) {
            calls.add("open flags=" + s.flags + " name=" + wide(s.displayData.name) + " wait=" + Integer.toUnsignedString(s.txnWaitTimeoutInMSec));
            engine[0] = 0x77;
            return 0;
        }

        @Override
        public int engineClose(long engine) {
            calls.add("close " + engine);
            return 0;
        }

        @Override
        public int transactionBegin(long engine) {
            calls.add("begin");
            return 0;
        }

        @Override
        public int transactionCommit(long engine) {
            calls.add("commit");
            return 0;
        }

        @Override
        public int transactionAbort(long engine) {
            calls.add("abort");
            return 0;
        }

        @Override
        public int subLayerAdd(long engine, WfpStructs.FwpmSublayer0 s) {
            calls.add("sublayer " + s.subLayerKey.toUuid() + " weight " + (s.weight & 0xffff));
            return 0;
        }

        String decode(WfpStructs.FwpmFilterCondition0 c) {
            UUID f = c.fieldKey.toUuid();
            String field = WfpKillSwitch.FIELDS.entrySet().stream().filter(e -> e.getValue().equals(f))
                    .map(e -> e.getKey()).filter(k -> !k.startsWith("ICMP")).findFirst().orElse(f.toString());
            WfpStructs.FwpConditionValue0 v = c.conditionValue;
            String value = switch (v.type) {
                case WfpKillSwitch.FWP_UINT8, WfpKillSwitch.FWP_UINT16, WfpKillSwitch.FWP_UINT32 -> "u" + v.value;
                case WfpKillSwitch.FWP_UINT64 -> "u64 " + Long.toHexString(new Pointer(v.value).getLong(0));
                case WfpKillSwitch.FWP_BYTE_BLOB_TYPE -> v.value == Pointer.nativeValue(appId) ? "appid" : "?";
                case WfpKillSwitch.FWP_SECURITY_DESCRIPTOR_TYPE -> v.value == Pointer.nativeValue(sd) ? "sd" : "?";
                case WfpKillSwitch.FWP_V4_ADDR_MASK -> "v4 " + Integer.toHexString(new Pointer(v.value).getInt(0)) + "/"
                        + Integer.toHexString(new Pointer(v.value).getInt(4));
                case WfpKillSwitch.FWP_V6_ADDR_MASK -> "v6 " + java.util.HexFormat.of().formatHex(new Pointer(v.value).getByteArray(0, 16))
                        + "/" + new Pointer(v.value).getByte(16);
                case WfpKillSwitch.FWP_BYTE_ARRAY16_TYPE -> "a16 " + java.util.HexFormat.of().formatHex(new Pointer(v.value).getByteArray(0, 16));
                default -> "type " + v.type;
            };
            return field + (c.matchType == WfpKillSwitch.FWP_MATCH_FLAGS_ALL_SET ? " all-set " : " = ") + value;
        }

        @Override
        public int filterAdd(long engine, WfpStructs.FwpmFilter0 f) {
            f.write(); // as JNA does before the call
            calls.add("filter");
            List<String> conds = new ArrayList<>();
            for (int i = 0; i < f.numFilterConditions; i++) {
                conds.add(decode(new WfpStructs.FwpmFilterCondition0(f.filterCondition.share(40L * i))));
            }
            filters.add(new Seen(wide(f.displayData.name), f.layerKey.toUuid(), f.subLayerKey.toUuid(), f.weight.type,
                    f.weight.value, f.action.type, conds));
            return filters.size() - 1 == failFilterAt ? 0x80320009 : 0;
        }

        @Override
        public Pointer appIdFromFileName(String path, int[] error) {
            calls.add("appid " + path);
            return appId;
        }

        @Override
        public Pointer securityDescriptorBlob(String sddl, int[] error) {
            calls.add("sd " + sddl);
            return sd;
        }

        @Override
        public void freeMemory(Pointer p) {
            calls.add(p == appId ? "free appid" : p == sd ? "free sd" : "free ?");
        }
    }

    static List<KillSwitch.Filter> rules() throws Exception {
        TunnelConfig c = TunnelConfig.parse("t.conf", "[Interface]\nPrivateKey = " + KEY
                + "\nAddress = 10.0.0.2/32\nDNS = 10.64.0.1\n[Peer]\nPublicKey = " + PEER + "\nAllowedIPs = 0.0.0.0/0, ::/0\n");
        return KillSwitch.rules(c, EXE, "luid");
    }

    @Test
    void oneTransactionInADynamicSessionWithEveryFilterEncoded() throws Exception {
        FakeWfp api = new FakeWfp();
        List<KillSwitch.Filter> rules = rules();
        WfpKillSwitch ks = WfpKillSwitch.install(api, rules, EXE, LUID);
        assertEquals(List.of("open flags=1 name=wgdesk kill switch wait=4294967295", "appid " + EXE,
                "sd O:SYD:(A;;CCRC;;;SY)", "begin", "sublayer " + WfpKillSwitch.SUBLAYER + " weight 65535"),
                api.calls.subList(0, 5));
        assertEquals(List.of("commit", "free appid", "free sd"), api.calls.subList(api.calls.size() - 3, api.calls.size()));
        assertEquals(rules.size(), api.filters.size());
        for (int i = 0; i < rules.size(); i++) {
            Seen s = api.filters.get(i);
            KillSwitch.Filter r = rules.get(i);
            assertEquals("wgdesk: " + r.purpose(), s.name());
            assertEquals(WfpKillSwitch.LAYERS.get(r.layer()), s.layer());
            assertEquals(WfpKillSwitch.SUBLAYER, s.subLayer());
            assertEquals(WfpKillSwitch.FWP_UINT8, s.weightType());
            assertEquals(r.weight(), s.weight());
            assertEquals(r.action() == KillSwitch.Action.PERMIT ? 0x1002 : 0x1001, s.action());
        }
        List<List<String>> conds = api.filters.stream().map(Seen::conditions).toList();
        assertTrue(conds.contains(List.of("ALE_APP_ID = appid", "ALE_USER_ID = sd")), conds.toString());
        assertTrue(conds.contains(List.of("IP_LOCAL_INTERFACE = u64 " + Long.toHexString(LUID))), conds.toString());
        assertTrue(conds.contains(List.of("FLAGS all-set u1")), conds.toString());
        assertTrue(conds.contains(List.of("IP_REMOTE_PORT = u53", "IP_REMOTE_ADDRESS = u" + 0x0a400001L)), conds.toString());
        assertTrue(conds.contains(List.of("IP_PROTOCOL = u17", "IP_LOCAL_PORT = u68", "IP_REMOTE_PORT = u67",
                "IP_REMOTE_ADDRESS = u" + 0xffffffffL)), conds.toString());
        assertTrue(conds.contains(List.of("IP_PROTOCOL = u17",
                "IP_REMOTE_ADDRESS = a16 ff020000000000000000000000010002",
                "IP_REMOTE_ADDRESS = a16 ff050000000000000000000000010003", "IP_REMOTE_PORT = u547",
                "IP_LOCAL_ADDRESS = v6 fe800000000000000000000000000000/10", "IP_LOCAL_PORT = u546")), conds.toString());
        // ICMP type and code travel in the port fields (fwpmu.h defines them so)
        assertTrue(conds.contains(List.of("IP_PROTOCOL = u58", "IP_LOCAL_PORT = u133", "IP_REMOTE_PORT = u0",
                "IP_REMOTE_ADDRESS = a16 ff020000000000000000000000000002")), conds.toString());
        assertTrue(conds.contains(List.of()), "the block-all filters have no condition");
        ks.close();
        ks.close();
        assertEquals(1, api.calls.stream().filter(c -> c.equals("close 119")).count());
    }

    @Test
    void aFailedFilterAbortsTheTransactionAndClosesTheSession() throws Exception {
        FakeWfp api = new FakeWfp();
        api.failFilterAt = 4;
        WfpKillSwitch.WfpException e = assertThrows(WfpKillSwitch.WfpException.class,
                () -> WfpKillSwitch.install(api, rules(), EXE, LUID));
        assertTrue(e.getMessage().startsWith("FwpmFilterAdd0 'firewall"), e.getMessage());
        assertTrue(e.getMessage().endsWith("failed: 0x80320009"), e.getMessage());
        assertEquals(List.of("filter", "abort", "close 119", "free appid", "free sd"),
                api.calls.subList(api.calls.size() - 5, api.calls.size()));
        assertTrue(!api.calls.contains("commit"));
    }

    @Test
    void aV4PrefixIsEncodedAsAddressAndMaskInHostOrder() {
        List<Object> keep = new ArrayList<>();
        WfpStructs.FwpmFilter0 f = WfpKillSwitch.filter(new KillSwitch.Filter("x", KillSwitch.Layer.ALE_AUTH_CONNECT_V4,
                KillSwitch.Action.PERMIT, 1, List.of(new KillSwitch.Condition("IP_REMOTE_ADDRESS", "EQUAL", "192.168.0.0/16"))),
                null, null, LUID, keep);
        f.write();
        WfpStructs.FwpmFilterCondition0 c = new WfpStructs.FwpmFilterCondition0(f.filterCondition);
        assertEquals(WfpKillSwitch.FWP_V4_ADDR_MASK, c.conditionValue.type);
        Pointer m = new Pointer(c.conditionValue.value);
        assertEquals(0xC0A80000, m.getInt(0));
        assertEquals(0xFFFF0000, m.getInt(4));
    }
}
