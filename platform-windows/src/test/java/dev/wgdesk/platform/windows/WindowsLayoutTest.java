package dev.wgdesk.platform.windows;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.jna.Native;
import com.sun.jna.Structure;
import com.sun.jna.Structure.FieldOrder;
import dev.wgdesk.platform.windows.net.DnsInterfaceSettings;
import dev.wgdesk.platform.windows.net.IpAddressPrefix;
import dev.wgdesk.platform.windows.net.MibIpForwardRow2;
import dev.wgdesk.platform.windows.net.MibIpInterfaceRow;
import dev.wgdesk.platform.windows.net.MibUnicastIpAddressRow;
import dev.wgdesk.platform.windows.net.NetLuid;
import dev.wgdesk.platform.windows.net.SockaddrInet;
import dev.wgdesk.platform.windows.wfp.WfpStructs;
import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The JNA {@link Structure} layouts of platform-windows, proved against the Windows headers: a C
 * probe generated from the structures' fields prints {@code sizeof} and every field's
 * {@code offsetof} and member size, is compiled with mingw-w64 against its Windows headers and
 * run under wine64, and every number must equal what JNA computes (on Linux, with
 * {@code ALIGN_MSVC}, the same as on Windows). Skipped, saying so, where mingw-w64 or wine is
 * missing; the hard-coded sizes and offsets (measured once with the same tools, ports.md §3a)
 * are checked in any case.
 */
class WindowsLayoutTest {
    /** A JNA structure, the C type it stands for, and C member designators per Java field. */
    record Layout(Class<? extends Structure> type, String cType, Map<String, List<String>> aliases) {
        List<String> cMembers(String javaField) {
            return aliases.getOrDefault(javaField, List.of(javaField));
        }
    }

    static final List<Layout> LAYOUTS = List.of(
            new Layout(NetLuid.class, "NET_LUID", Map.of()),
            new Layout(SockaddrInet.class, "SOCKADDR_INET", Map.of(
                    "si_family", List.of("si_family", "Ipv4.sin_family", "Ipv6.sin6_family"),
                    "sin6_port", List.of("Ipv6.sin6_port", "Ipv4.sin_port"),
                    "sin6_flowinfo", List.of("Ipv6.sin6_flowinfo", "Ipv4.sin_addr"),
                    "sin6_addr", List.of("Ipv6.sin6_addr"),
                    "sin6_scope_id", List.of("Ipv6.sin6_scope_id"))),
            new Layout(IpAddressPrefix.class, "IP_ADDRESS_PREFIX", Map.of()),
            new Layout(MibUnicastIpAddressRow.class, "MIB_UNICASTIPADDRESS_ROW", Map.of()),
            new Layout(MibIpForwardRow2.class, "MIB_IPFORWARD_ROW2", Map.of()),
            new Layout(MibIpInterfaceRow.class, "MIB_IPINTERFACE_ROW", Map.of()),
            new Layout(WfpStructs.Guid.class, "GUID", Map.of()),
            new Layout(WfpStructs.FwpByteBlob.class, "FWP_BYTE_BLOB", Map.of()),
            new Layout(WfpStructs.FwpmDisplayData0.class, "FWPM_DISPLAY_DATA0", Map.of()),
            new Layout(WfpStructs.FwpValue0.class, "FWP_VALUE0", Map.of("value", List.of("uint64", "uint8", "byteBlob"))),
            new Layout(WfpStructs.FwpConditionValue0.class, "FWP_CONDITION_VALUE0",
                    Map.of("value", List.of("uint64", "uint8", "v4AddrMask"))),
            new Layout(WfpStructs.FwpV4AddrAndMask.class, "FWP_V4_ADDR_AND_MASK", Map.of()),
            new Layout(WfpStructs.FwpV6AddrAndMask.class, "FWP_V6_ADDR_AND_MASK", Map.of()),
            new Layout(WfpStructs.FwpmFilterCondition0.class, "FWPM_FILTER_CONDITION0", Map.of()),
            new Layout(WfpStructs.FwpmAction0.class, "FWPM_ACTION0", Map.of("filterType", List.of("filterType", "calloutKey"))),
            new Layout(WfpStructs.FwpmFilter0.class, "FWPM_FILTER0", Map.of(
                    "rawContext", List.of("rawContext"),
                    "providerContextKeyTail", List.of("providerContextKey.Data4"))),
            new Layout(WfpStructs.FwpmSession0.class, "FWPM_SESSION0", Map.of()),
            new Layout(WfpStructs.FwpmSublayer0.class, "FWPM_SUBLAYER0", Map.of()),
            new Layout(WfpStructs.FwpmProvider0.class, "FWPM_PROVIDER0", Map.of()),
            // the service: jna-platform's Winsvc structures JnaScm passes to advapi32, and ours
            new Layout(com.sun.jna.platform.win32.Winsvc.SERVICE_STATUS.class, "SERVICE_STATUS", Map.of()),
            new Layout(com.sun.jna.platform.win32.Winsvc.SERVICE_TABLE_ENTRY.class, "SERVICE_TABLE_ENTRYW", Map.of()),
            new Layout(com.sun.jna.platform.win32.Winsvc.SC_ACTION.class, "SC_ACTION", Map.of("type", List.of("Type"),
                    "delay", List.of("Delay"))),
            new Layout(com.sun.jna.platform.win32.Winsvc.SERVICE_FAILURE_ACTIONS.class, "SERVICE_FAILURE_ACTIONSW", Map.of()),
            new Layout(com.sun.jna.platform.win32.Winsvc.SERVICE_DESCRIPTION.class, "SERVICE_DESCRIPTIONW", Map.of()),
            new Layout(com.sun.jna.platform.win32.Winsvc.SERVICE_FAILURE_ACTIONS_FLAG.class, "SERVICE_FAILURE_ACTIONS_FLAG", Map.of()),
            new Layout(dev.wgdesk.platform.windows.service.ServiceSidInfo.class, "SERVICE_SID_INFO", Map.of()),
            // the pipe and the client's token
            new Layout(com.sun.jna.platform.win32.WinBase.OVERLAPPED.class, "OVERLAPPED", Map.of()),
            new Layout(com.sun.jna.platform.win32.WinBase.SECURITY_ATTRIBUTES.class, "SECURITY_ATTRIBUTES",
                    Map.of("dwLength", List.of("nLength"))),
            new Layout(com.sun.jna.platform.win32.WinNT.SID_AND_ATTRIBUTES.class, "SID_AND_ATTRIBUTES", Map.of()),
            new Layout(com.sun.jna.platform.win32.WinNT.TOKEN_USER.class, "TOKEN_USER", Map.of()),
            new Layout(com.sun.jna.platform.win32.WinNT.TOKEN_GROUPS.class, "TOKEN_GROUPS", Map.of("Group0", List.of("Groups"))),
            // DPAPI
            new Layout(com.sun.jna.platform.win32.WinCrypt.DATA_BLOB.class, "DATA_BLOB", Map.of()));

    /** JNA's view: "size" and per C designator "off X" and "len X". */
    static Map<String, Long> jnaLayout(Layout l) throws ReflectiveOperationException {
        Structure s = l.type().getDeclaredConstructor().newInstance();
        Method fieldOffset = Structure.class.getDeclaredMethod("fieldOffset", String.class);
        fieldOffset.setAccessible(true);
        Map<String, Long> out = new LinkedHashMap<>();
        out.put("size", (long) s.size());
        Method order = Structure.class.getDeclaredMethod("getFieldOrder");
        order.setAccessible(true);
        @SuppressWarnings("unchecked")
        List<String> fields = (List<String>) order.invoke(s);
        for (String name : fields) {
            Field f = l.type().getField(name);
            long off = (int) fieldOffset.invoke(s, name);
            long len = Native.getNativeSize(f.getType(), f.get(s));
            List<String> cs = l.cMembers(name);
            for (int i = 0; i < cs.size(); i++) {
                out.put("off " + cs.get(i), off);
                if (i == 0) { // aliases of a union member may be shorter; the first has the full size
                    out.put("len " + cs.get(i), len);
                }
            }
        }
        return out;
    }

    /** The C probe printing, per layout, "TYPE size N", "TYPE off M N" and "TYPE len M N". */
    static String probe(List<Layout> layouts) throws ReflectiveOperationException {
        StringBuilder c = new StringBuilder("""
                #include <winsock2.h>
                #include <windows.h>
                #include <ws2ipdef.h>
                #include <iphlpapi.h>
                #include <netioapi.h>
                #include <fwpmu.h>
                #include <winsvc.h>
                #include <wincrypt.h>
                #include <dpapi.h>
                #include <sddl.h>
                #include <aclapi.h>
                #include <stdio.h>
                #include <stddef.h>
                int main(void) {
                """);
        for (Layout l : layouts) {
            String t = l.cType();
            c.append("  printf(\"").append(t).append(" size %u\\n\", (unsigned) sizeof(").append(t).append("));\n");
            for (String key : jnaLayout(l).keySet()) {
                if (key.startsWith("off ")) {
                    String m = key.substring(4);
                    c.append("  printf(\"").append(t).append(" off ").append(m).append(" %u\\n\", (unsigned) offsetof(")
                            .append(t).append(", ").append(m).append("));\n");
                } else if (key.startsWith("len ")) {
                    String m = key.substring(4);
                    c.append("  printf(\"").append(t).append(" len ").append(m).append(" %u\\n\", (unsigned) sizeof(((")
                            .append(t).append(" *) 0)->").append(m).append("));\n");
                }
            }
        }
        return c.append("  return 0;\n}\n").toString();
    }

    /** Every difference between JNA's numbers and the probe's output, as readable lines. */
    static List<String> compare(List<Layout> layouts, String probeOutput) throws ReflectiveOperationException {
        Map<String, Long> c = new HashMap<>();
        for (String line : probeOutput.split("\n")) {
            String[] w = line.trim().split(" ");
            if (w.length >= 3 && w[w.length - 1].matches("\\d+") && w[1].matches("size|off|len")) {
                c.put(String.join(" ", java.util.Arrays.copyOfRange(w, 0, w.length - 1)), Long.parseLong(w[w.length - 1]));
            }
        }
        List<String> diffs = new ArrayList<>();
        for (Layout l : layouts) {
            for (Map.Entry<String, Long> e : jnaLayout(l).entrySet()) {
                String key = l.cType() + " " + e.getKey();
                Long windows = c.get(key);
                if (!e.getValue().equals(windows)) {
                    diffs.add(key + ": JNA " + e.getValue() + ", Windows headers " + windows);
                }
            }
        }
        return diffs;
    }

    @Test
    void everyStructureMatchesTheWindowsHeadersUnderWine() throws Exception {
        MingwWine.requireTools();
        try (MingwWine.WorkDir w = MingwWine.workDir()) {
            underWine(w.path());
        }
    }

    private void underWine(Path dir) throws Exception {
        Path exe = MingwWine.compile(dir, "layout", probe(LAYOUTS));
        MingwWine.Result r = MingwWine.runUnderWine(dir, exe);
        assertEquals(0, r.exit(), "the probe failed under wine:\n" + r.output());
        List<String> diffs = compare(LAYOUTS, r.output());
        assertEquals(List.of(), diffs, "JNA layouts differ from mingw-w64's Windows headers");
        long checked = r.output().lines().filter(x -> x.matches("\\S+ (size|off|len) .*")).count();
        System.out.println("WindowsLayoutTest: " + checked + " sizes/offsets/member sizes from mingw-w64 under wine equal JNA's");
        assertTrue(checked > 200, "too few numbers compared: " + checked);

        // The comparison catches a wrong row (DadState declared as a byte, as in a public wrapper)
        Layout wrong = new Layout(WrongUnicastRow.class, "MIB_UNICASTIPADDRESS_ROW", Map.of());
        List<String> wrongDiffs = compare(List.of(wrong), r.output());
        assertFalse(wrongDiffs.isEmpty());
        assertTrue(wrongDiffs.contains("MIB_UNICASTIPADDRESS_ROW off DadState: JNA 62, Windows headers 64"), wrongDiffs.toString());
    }

    /** Java constants and the Windows header macro they stand for. */
    static final Map<String, Long> CONSTANTS = constants();

    private static Map<String, Long> constants() {
        Map<String, Long> m = new LinkedHashMap<>();
        m.put("ERROR_FILE_NOT_FOUND", (long) WintunNative.ERROR_FILE_NOT_FOUND);
        m.put("ERROR_ACCESS_DENIED", (long) WintunNative.ERROR_ACCESS_DENIED);
        m.put("ERROR_INVALID_DATA", (long) WintunNative.ERROR_INVALID_DATA);
        m.put("ERROR_HANDLE_EOF", (long) WintunNative.ERROR_HANDLE_EOF);
        m.put("ERROR_INVALID_PARAMETER", (long) WintunNative.ERROR_INVALID_PARAMETER);
        m.put("ERROR_BUFFER_OVERFLOW", (long) WintunNative.ERROR_BUFFER_OVERFLOW);
        m.put("ERROR_NO_MORE_ITEMS", (long) WintunNative.ERROR_NO_MORE_ITEMS);
        m.put("ERROR_NOT_FOUND", (long) dev.wgdesk.platform.windows.net.IpHelper.ERROR_NOT_FOUND);
        m.put("ERROR_OBJECT_ALREADY_EXISTS", (long) dev.wgdesk.platform.windows.net.IpHelper.ERROR_OBJECT_ALREADY_EXISTS);
        m.put("WAIT_OBJECT_0", (long) WintunNative.WAIT_OBJECT_0);
        m.put("WAIT_TIMEOUT", (long) WintunNative.WAIT_TIMEOUT);
        m.put("WAIT_FAILED", Integer.toUnsignedLong(WintunNative.WAIT_FAILED));
        m.put("INFINITE", Integer.toUnsignedLong(WintunNative.INFINITE));
        m.put("LOAD_LIBRARY_SEARCH_DLL_LOAD_DIR", (long) JnaWintun.LOAD_LIBRARY_SEARCH_DLL_LOAD_DIR);
        m.put("LOAD_LIBRARY_SEARCH_APPLICATION_DIR", (long) JnaWintun.LOAD_LIBRARY_SEARCH_APPLICATION_DIR);
        m.put("LOAD_LIBRARY_SEARCH_SYSTEM32", (long) JnaWintun.LOAD_LIBRARY_SEARCH_SYSTEM32);
        m.put("AF_INET", (long) SockaddrInet.AF_INET);
        m.put("AF_INET6", (long) SockaddrInet.AF_INET6);
        m.put("IpDadStatePreferred", (long) MibUnicastIpAddressRow.IP_DAD_STATE_PREFERRED);
        m.put("MIB_IPPROTO_NETMGMT", (long) MibIpForwardRow2.MIB_IPPROTO_NETMGMT);
        m.put("RouterDiscoveryDisabled", (long) MibIpInterfaceRow.ROUTER_DISCOVERY_DISABLED);
        m.put("PIPE_ACCESS_DUPLEX", (long) dev.wgdesk.platform.windows.ipc.PipeSecurity.PIPE_ACCESS_DUPLEX);
        m.put("FILE_FLAG_FIRST_PIPE_INSTANCE", (long) dev.wgdesk.platform.windows.ipc.PipeSecurity.FILE_FLAG_FIRST_PIPE_INSTANCE);
        m.put("FILE_FLAG_OVERLAPPED", (long) dev.wgdesk.platform.windows.ipc.PipeSecurity.FILE_FLAG_OVERLAPPED);
        m.put("PIPE_REJECT_REMOTE_CLIENTS", (long) dev.wgdesk.platform.windows.ipc.PipeSecurity.PIPE_REJECT_REMOTE_CLIENTS);
        m.put("(FILE_GENERIC_READ | FILE_GENERIC_WRITE) & ~FILE_CREATE_PIPE_INSTANCE",
                (long) dev.wgdesk.platform.windows.ipc.PipeSecurity.USER_ACCESS);
        m.put("SE_GROUP_ENABLED", (long) dev.wgdesk.platform.windows.ipc.TokenAuthorizer.SE_GROUP_ENABLED);
        m.put("SE_GROUP_USE_FOR_DENY_ONLY", (long) dev.wgdesk.platform.windows.ipc.TokenAuthorizer.SE_GROUP_USE_FOR_DENY_ONLY);
        for (String n : List.of("SERVICE_STOPPED", "SERVICE_START_PENDING", "SERVICE_STOP_PENDING", "SERVICE_RUNNING",
                "SERVICE_CONTROL_STOP", "SERVICE_CONTROL_INTERROGATE", "SERVICE_CONTROL_SHUTDOWN",
                "SERVICE_CONTROL_POWEREVENT", "SERVICE_ACCEPT_STOP", "SERVICE_ACCEPT_SHUTDOWN", "SERVICE_ACCEPT_POWEREVENT",
                "PBT_APMSUSPEND", "PBT_APMRESUMESUSPEND", "PBT_APMRESUMEAUTOMATIC", "ERROR_CALL_NOT_IMPLEMENTED")) {
            try {
                m.put(n, (long) dev.wgdesk.platform.windows.service.ServiceStateMachine.class.getField(n).getInt(null));
            } catch (ReflectiveOperationException e) {
                throw new AssertionError(e);
            }
        }
        for (String n : List.of("SERVICE_WIN32_OWN_PROCESS", "SERVICE_AUTO_START", "SERVICE_ERROR_NORMAL",
                "SERVICE_SID_TYPE_UNRESTRICTED")) {
            try {
                m.put(n, (long) dev.wgdesk.platform.windows.service.ServiceInstall.class.getField(n).getInt(null));
            } catch (ReflectiveOperationException e) {
                throw new AssertionError(e);
            }
        }
        m.put("IP_UNICAST_IF", (long) dev.wgdesk.platform.windows.net.DefaultRoute.IP_UNICAST_IF);
        m.put("IPV6_UNICAST_IF", (long) dev.wgdesk.platform.windows.net.DefaultRoute.IPV6_UNICAST_IF);
        for (String n : List.of("FWP_UINT8", "FWP_UINT16", "FWP_UINT32", "FWP_UINT64", "FWP_BYTE_ARRAY16_TYPE",
                "FWP_BYTE_BLOB_TYPE", "FWP_SECURITY_DESCRIPTOR_TYPE", "FWP_V4_ADDR_MASK", "FWP_V6_ADDR_MASK",
                "FWP_MATCH_EQUAL", "FWP_MATCH_FLAGS_ALL_SET", "FWP_ACTION_BLOCK", "FWP_ACTION_PERMIT",
                "FWP_CONDITION_FLAG_IS_LOOPBACK")) {
            try {
                m.put(n, (long) dev.wgdesk.platform.windows.wfp.WfpKillSwitch.class.getField(n).getInt(null));
            } catch (ReflectiveOperationException e) {
                throw new AssertionError(e);
            }
        }
        m.put("RPC_C_AUTHN_WINNT", (long) dev.wgdesk.platform.windows.wfp.WfpApi.RPC_C_AUTHN_WINNT);
        // the pipe, token, service, DPAPI and ACL constants of the helper platform
        Map<String, String[]> hidden = new LinkedHashMap<>();
        hidden.put("dev.wgdesk.platform.windows.ipc.JnaPipeNative", new String[] {
            "sizeof(OVERLAPPED)=OVERLAPPED_SIZE", "offsetof(OVERLAPPED, hEvent)=OVERLAPPED_HEVENT",
            "SDDL_REVISION_1=SDDL_REVISION_1", "TOKEN_QUERY=TOKEN_QUERY", "TokenUser=TOKEN_USER",
            "TokenGroups=TOKEN_GROUPS", "TokenPrimaryGroup=TOKEN_PRIMARY_GROUP", "TokenElevation=TOKEN_ELEVATION",
            "offsetof(TOKEN_GROUPS, Groups)=TOKEN_GROUPS_FIRST", "sizeof(SID_AND_ATTRIBUTES)=SID_AND_ATTRIBUTES_SIZE",
            "offsetof(SID_AND_ATTRIBUTES, Attributes)=SID_AND_ATTRIBUTES_ATTRIBUTES",
            "PIPE_UNLIMITED_INSTANCES=PIPE_UNLIMITED_INSTANCES", "WAIT_OBJECT_0=WAIT_OBJECT_0"});
        hidden.put("dev.wgdesk.platform.windows.ipc.PipeNative", new String[] {
            "ERROR_ACCESS_DENIED=ERROR_ACCESS_DENIED", "ERROR_BROKEN_PIPE=ERROR_BROKEN_PIPE", "ERROR_PIPE_BUSY=ERROR_PIPE_BUSY",
            "ERROR_NO_DATA=ERROR_NO_DATA", "ERROR_PIPE_CONNECTED=ERROR_PIPE_CONNECTED", "ERROR_IO_PENDING=ERROR_IO_PENDING",
            "ERROR_CANNOT_IMPERSONATE=ERROR_CANNOT_IMPERSONATE"});
        hidden.put("dev.wgdesk.platform.windows.service.ScmApi", new String[] {
            "ERROR_SERVICE_DOES_NOT_EXIST=ERROR_SERVICE_DOES_NOT_EXIST",
            "ERROR_FAILED_SERVICE_CONTROLLER_CONNECT=ERROR_FAILED_SERVICE_CONTROLLER_CONNECT",
            "ERROR_EXCEPTION_IN_SERVICE=ERROR_EXCEPTION_IN_SERVICE", "ERROR_SERVICE_EXISTS=ERROR_SERVICE_EXISTS",
            "ERROR_SERVICE_MARKED_FOR_DELETE=ERROR_SERVICE_MARKED_FOR_DELETE"});
        hidden.put("dev.wgdesk.platform.windows.service.JnaScm", new String[] {
            "SC_MANAGER_CONNECT=SC_MANAGER_CONNECT", "SC_MANAGER_CREATE_SERVICE=SC_MANAGER_CREATE_SERVICE",
            "SERVICE_QUERY_STATUS=SERVICE_QUERY_STATUS", "SERVICE_START=SERVICE_START", "SERVICE_STOP=SERVICE_STOP",
            "SERVICE_CHANGE_CONFIG=SERVICE_CHANGE_CONFIG", "DELETE=DELETE", "SC_ACTION_RESTART=SC_ACTION_RESTART",
            "ERROR_SERVICE_ALREADY_RUNNING=ERROR_SERVICE_ALREADY_RUNNING", "ERROR_SERVICE_NOT_ACTIVE=ERROR_SERVICE_NOT_ACTIVE",
            "ERROR_SERVICE_CANNOT_ACCEPT_CTRL=ERROR_SERVICE_CANNOT_ACCEPT_CTRL"});
        hidden.put("dev.wgdesk.platform.windows.DpapiSecretStore", new String[] {
            "CRYPTPROTECT_LOCAL_MACHINE=CRYPTPROTECT_LOCAL_MACHINE", "CRYPTPROTECT_UI_FORBIDDEN=CRYPTPROTECT_UI_FORBIDDEN"});
        hidden.put("dev.wgdesk.platform.windows.WindowsStateDirectory", new String[] {
            "DACL_SECURITY_INFORMATION | PROTECTED_DACL_SECURITY_INFORMATION=SECURITY_INFORMATION",
            "OWNER_SECURITY_INFORMATION=OWNER_SECURITY_INFORMATION", "SE_FILE_OBJECT=SE_FILE_OBJECT"});
        hidden.put("dev.wgdesk.platform.windows.net.JnaSocketOption", new String[] {
            "IPPROTO_IP=IPPROTO_IP", "IPPROTO_IPV6=IPPROTO_IPV6"});
        hidden.put("dev.wgdesk.platform.windows.net.JnaRouteMonitor", new String[] {
            "offsetof(MIB_IPFORWARD_TABLE2, Table)=TABLE_FIRST_ROW"});
        for (Map.Entry<String, String[]> e : hidden.entrySet()) {
            for (String pair : e.getValue()) {
                String[] kv = pair.split("=");
                try {
                    Field f = Class.forName(e.getKey()).getDeclaredField(kv[1]);
                    f.setAccessible(true);
                    m.put(kv[0], Integer.toUnsignedLong(f.getInt(null)));
                } catch (ReflectiveOperationException x) {
                    throw new AssertionError(x);
                }
            }
        }
        m.put("SERVICE_CONFIG_DESCRIPTION", (long) com.sun.jna.platform.win32.Winsvc.SERVICE_CONFIG_DESCRIPTION);
        m.put("SERVICE_CONFIG_FAILURE_ACTIONS", (long) com.sun.jna.platform.win32.Winsvc.SERVICE_CONFIG_FAILURE_ACTIONS);
        m.put("SERVICE_CONFIG_FAILURE_ACTIONS_FLAG", (long) com.sun.jna.platform.win32.Winsvc.SERVICE_CONFIG_FAILURE_ACTIONS_FLAG);
        m.put("SERVICE_CONFIG_SERVICE_SID_INFO", (long) com.sun.jna.platform.win32.Winsvc.SERVICE_CONFIG_SERVICE_SID_INFO);
        // FWPM_SESSION_FLAG_DYNAMIC (1) is missing from mingw-w64 10's fwpmtypes.h: not checked here
        return m;
    }

    @Test
    void everyConstantMatchesTheWindowsHeadersUnderWine() throws Exception {
        MingwWine.requireTools();
        StringBuilder c = new StringBuilder("""
                #include <winsock2.h>
                #include <windows.h>
                #include <ws2ipdef.h>
                #include <iphlpapi.h>
                #include <netioapi.h>
                #include <fwpmu.h>
                #include <winsvc.h>
                #include <wincrypt.h>
                #include <dpapi.h>
                #include <sddl.h>
                #include <aclapi.h>
                #include <stdio.h>
                #include <stddef.h>
                int main(void) {
                """);
        int i = 0;
        for (String name : CONSTANTS.keySet()) {
            c.append("  printf(\"const ").append(i++).append(" %llu\\n\", (unsigned long long) (").append(name).append("));\n");
        }
        c.append("  return 0;\n}\n");
        try (MingwWine.WorkDir w = MingwWine.workDir()) {
            Path exe = MingwWine.compile(w.path(), "constants", c.toString());
            MingwWine.Result r = MingwWine.runUnderWine(w.path(), exe);
            assertEquals(0, r.exit(), r.output());
            List<String> diffs = new ArrayList<>();
            i = 0;
            for (Map.Entry<String, Long> e : CONSTANTS.entrySet()) {
                String prefix = "const " + i++ + " ";
                String want = prefix + e.getValue();
                if (r.output().lines().noneMatch(want::equals)) {
                    diffs.add(e.getKey() + ": Java " + e.getValue() + ", headers: "
                            + r.output().lines().filter(l -> l.startsWith(prefix)).toList());
                }
            }
            assertEquals(List.of(), diffs);
            System.out.println("WindowsLayoutTest: " + CONSTANTS.size() + " constants equal mingw-w64's headers");
        }
    }

    /** The numbers measured once with mingw-w64 + wine (ports.md §3a), checked even without them. */
    @Test
    void knownSizesAndOffsets() throws Exception {
        Map<String, Long> want = new LinkedHashMap<>();
        want.put("NET_LUID size", 8L);
        want.put("SOCKADDR_INET size", 28L);
        want.put("IP_ADDRESS_PREFIX size", 32L);
        want.put("IP_ADDRESS_PREFIX off PrefixLength", 28L);
        want.put("MIB_UNICASTIPADDRESS_ROW size", 80L);
        want.put("MIB_UNICASTIPADDRESS_ROW off InterfaceLuid", 32L);
        want.put("MIB_UNICASTIPADDRESS_ROW off OnLinkPrefixLength", 60L);
        want.put("MIB_UNICASTIPADDRESS_ROW off DadState", 64L);
        want.put("MIB_UNICASTIPADDRESS_ROW off ScopeId", 68L);
        want.put("MIB_UNICASTIPADDRESS_ROW off CreationTimeStamp", 72L);
        want.put("MIB_IPFORWARD_ROW2 size", 104L);
        want.put("MIB_IPFORWARD_ROW2 off DestinationPrefix", 12L);
        want.put("MIB_IPFORWARD_ROW2 off NextHop", 44L);
        want.put("MIB_IPFORWARD_ROW2 off Metric", 84L);
        want.put("MIB_IPFORWARD_ROW2 off Origin", 100L);
        want.put("MIB_IPINTERFACE_ROW size", 168L);
        want.put("MIB_IPINTERFACE_ROW off UseAutomaticMetric", 44L);
        want.put("MIB_IPINTERFACE_ROW off SitePrefixLength", 144L);
        want.put("MIB_IPINTERFACE_ROW off Metric", 148L);
        want.put("MIB_IPINTERFACE_ROW off NlMtu", 152L);
        want.put("MIB_IPINTERFACE_ROW off DisableDefaultRoutes", 166L);
        want.put("FWPM_FILTER0 size", 200L);
        want.put("FWPM_FILTER0 off displayData", 16L);
        want.put("FWPM_FILTER0 off weight", 96L);
        want.put("FWPM_FILTER0 off filterCondition", 120L);
        want.put("FWPM_FILTER0 off action", 128L);
        want.put("FWPM_FILTER0 off filterId", 176L);
        want.put("FWPM_FILTER_CONDITION0 size", 40L);
        want.put("FWPM_FILTER_CONDITION0 off conditionValue", 24L);
        want.put("FWPM_SESSION0 size", 72L);
        want.put("FWPM_SESSION0 off txnWaitTimeoutInMSec", 36L);
        want.put("FWPM_SUBLAYER0 size", 72L);
        want.put("FWPM_SUBLAYER0 off weight", 64L);
        want.put("FWPM_PROVIDER0 size", 64L);
        Map<String, Long> jna = new HashMap<>();
        for (Layout l : LAYOUTS) {
            for (Map.Entry<String, Long> e : jnaLayout(l).entrySet()) {
                jna.put(l.cType() + " " + e.getKey(), e.getValue());
            }
        }
        for (Map.Entry<String, Long> e : want.entrySet()) {
            assertEquals(e.getValue(), jna.get(e.getKey()), e.getKey());
        }
    }

    /** Not in mingw-w64 10's headers: the layout from wireguard-windows' declaration, checked here. */
    @Test
    void dnsInterfaceSettingsHasTheDocumentedLayout() throws Exception {
        Layout l = new Layout(DnsInterfaceSettings.class, "DNS_INTERFACE_SETTINGS", Map.of());
        Map<String, Long> got = jnaLayout(l);
        assertEquals(64L, got.get("size"));
        assertEquals(8L, got.get("off Flags"));
        assertEquals(24L, got.get("off NameServer"));
        assertEquals(32L, got.get("off SearchList"));
        assertEquals(40L, got.get("off RegistrationEnabled"));
        assertEquals(56L, got.get("off ProfileNameServer"));
    }

    /** MIB_UNICASTIPADDRESS_ROW with DadState as a byte: a layout the test must reject. */
    @FieldOrder({"Address", "InterfaceLuid", "InterfaceIndex", "PrefixOrigin", "SuffixOrigin", "ValidLifetime",
            "PreferredLifetime", "OnLinkPrefixLength", "SkipAsSource", "DadState", "ScopeId", "CreationTimeStamp"})
    public static class WrongUnicastRow extends Structure {
        public SockaddrInet Address = new SockaddrInet();
        public long InterfaceLuid;
        public int InterfaceIndex;
        public int PrefixOrigin;
        public int SuffixOrigin;
        public int ValidLifetime;
        public int PreferredLifetime;
        public byte OnLinkPrefixLength;
        public byte SkipAsSource;
        public byte DadState;
        public int ScopeId;
        public long CreationTimeStamp;

        public WrongUnicastRow() {
            super(ALIGN_MSVC);
        }
    }
}
