package dev.wgdesk.platform.windows.net;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.wgdesk.engine.config.TunnelConfig;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The iphlpapi calls and rows the configuration makes, and their undo, against a recording fake. */
class WindowsNetConfigTest {
    static final long LUID = 0x0047_0000_0100_0000L;

    static TunnelConfig full() throws Exception {
        return WindowsNetPlanTest.config("Address = 10.64.0.2/32, fd00::2/128\nDNS = 10.64.0.1, 10.64.0.9, corp.example\n",
                "PublicKey = " + WindowsNetPlanTest.PEER + "\nAllowedIPs = 0.0.0.0/0, fd00::/64\n");
    }

    @Test
    void appliesRoutesAddressesInterfaceAndDnsWithTheRowsWireguardWindowsUses() throws Exception {
        FakeIpHelper ip = new FakeIpHelper();
        WindowsNetConfig.Active a = WindowsNetConfig.apply(ip, LUID, "t", WindowsNetPlan.plan(full()), true);
        String luid = Long.toHexString(LUID);
        assertEquals(List.of(
                "CreateIpForwardEntry2 0.0.0.0/0 via 0.0.0.0 metric 0 protocol 3 luid=" + luid,
                "CreateUnicastIpAddressEntry 10.64.0.2/32 luid=" + luid + " dad=4 valid=4294967295 preferred=4294967295",
                "GetIpInterfaceEntry af=2",
                "SetIpInterfaceEntry af=2 mtu=1420 automaticMetric=0 metric=0 routerDiscovery=0 dad=0 sitePrefix=0",
                "ConvertInterfaceLuidToGuid " + luid,
                "SetInterfaceDnsSettings v1 flags=6 nameserver=10.64.0.1,10.64.0.9 searchlist=corp.example",
                "CreateIpForwardEntry2 fd00:0:0:0:0:0:0:0/64 via 0:0:0:0:0:0:0:0 metric 0 protocol 3 luid=" + luid,
                "CreateUnicastIpAddressEntry fd00:0:0:0:0:0:0:2/128 luid=" + luid + " dad=4 valid=4294967295 preferred=4294967295",
                "GetIpInterfaceEntry af=23",
                "SetIpInterfaceEntry af=23 mtu=1420 automaticMetric=1 metric=25 routerDiscovery=0 dad=0 sitePrefix=64",
                "ConvertInterfaceLuidToGuid " + luid,
                "SetInterfaceDnsSettings v1 flags=7 nameserver= searchlist=corp.example"), ip.calls);
        assertEquals(List.of("0.0.0.0/0", "fd00:0:0:0:0:0:0:0/64"), ip.routes);

        ip.calls.clear();
        assertEquals(List.of(), a.down());
        assertEquals(List.of(), ip.routes);
        assertEquals(List.of(), ip.addresses);
        assertEquals(Map.of("ipv4", ";", "ipv6", ";"), ip.dns, "DNS cleared");
        assertEquals("af=2 mtu=1500 automaticMetric=1 metric=25 routerDiscovery=2 dad=1 sitePrefix=0",
                FakeIpHelper.describe(ip.interfaces.get(SockaddrInet.AF_INET)), "the interface row restored");
        assertTrue(ip.calls.get(0).startsWith("SetInterfaceDnsSettings v1 flags=7"), "undone newest first: " + ip.calls);
        assertTrue(ip.calls.get(ip.calls.size() - 1).startsWith("DeleteIpForwardEntry2 0.0.0.0/0"), ip.calls.toString());
        assertEquals(List.of(), a.down(), "idempotent");
    }

    @Test
    void aFailedStepRollsBackWhatWasDoneAndNamesTheStep() throws Exception {
        FakeIpHelper ip = new FakeIpHelper();
        ip.failOn = "SetIpInterfaceEntry af=2";
        List<Long> slept = new java.util.ArrayList<>();
        WindowsNetException e = assertThrows(WindowsNetException.class,
                () -> WindowsNetConfig.apply(ip, LUID, "t", WindowsNetPlan.plan(full()), true, slept::add));
        assertEquals(WindowsNetConfig.NOT_FOUND_ATTEMPTS,
                ip.calls.stream().filter(l -> l.startsWith("SetIpInterfaceEntry af=2")).count(), "ERROR_NOT_FOUND retried");
        assertEquals(WindowsNetConfig.NOT_FOUND_ATTEMPTS - 1, slept.size());
        assertEquals("'interface ipv4 mtu 1420 metric 0 router-discovery off dad-transmits 0' failed: ERROR_NOT_FOUND (1168)",
                e.getMessage());
        assertEquals(List.of(), ip.routes);
        assertEquals(List.of(), ip.addresses);
        assertTrue(ip.calls.get(ip.calls.size() - 1).startsWith("DeleteIpForwardEntry2 0.0.0.0/0"));
    }

    @Test
    void rightAfterBootNotFoundIsRetriedAndOtherErrorsAreNot() throws Exception {
        FakeIpHelper ip = new FakeIpHelper();
        ip.failOn = "CreateIpForwardEntry2 0.0.0.0/0";
        ip.failTimes = 3; // the adapter is not known to the IP stack for a moment
        List<Long> slept = new java.util.ArrayList<>();
        WindowsNetConfig.Active a = WindowsNetConfig.apply(ip, LUID, "t", WindowsNetPlan.plan(full()), true, slept::add);
        assertEquals(4, ip.calls.stream().filter(l -> l.startsWith("CreateIpForwardEntry2 0.0.0.0/0")).count());
        assertEquals(List.of(250L, 250L, 250L), slept);
        assertEquals(List.of(), a.down());

        FakeIpHelper denied = new FakeIpHelper();
        denied.failOn = "CreateIpForwardEntry2 0.0.0.0/0";
        denied.failWith = 5; // ERROR_ACCESS_DENIED: no retry
        slept.clear();
        assertThrows(WindowsNetException.class,
                () -> WindowsNetConfig.apply(denied, LUID, "t", WindowsNetPlan.plan(full()), true, slept::add));
        assertEquals(List.of(), slept);
    }

    @Test
    void withoutSetInterfaceDnsSettingsNetshSetsTheServers() throws Exception {
        FakeIpHelper ip = new FakeIpHelper();
        ip.hasDnsApi = false;
        TunnelConfig c = WindowsNetPlanTest.config("Address = 10.64.0.2/32\nDNS = 10.64.0.1, 10.64.0.9\n",
                "PublicKey = " + WindowsNetPlanTest.PEER + "\nAllowedIPs = 10.64.0.0/16\n");
        WindowsNetConfig.Active a = WindowsNetConfig.apply(ip, LUID, "office", WindowsNetPlan.plan(c), false);
        assertEquals(List.of(
                "netsh interface ipv4 set dnsservers name=office source=static address=10.64.0.1 register=none validate=no",
                "netsh interface ipv4 add dnsservers name=office address=10.64.0.9 index=2 validate=no"),
                ip.calls.stream().filter(l -> l.startsWith("netsh")).toList());
        ip.calls.clear();
        a.down();
        assertEquals("netsh interface ipv4 set dnsservers name=office source=static address=none validate=no", ip.calls.get(0));
    }

    @Test
    void aPlanWithAKillSwitchIsRefusedUnlessItWasInstalled() throws Exception {
        FakeIpHelper ip = new FakeIpHelper();
        WindowsNetException e = assertThrows(WindowsNetException.class,
                () -> WindowsNetConfig.apply(ip, LUID, "t", WindowsNetPlan.plan(full()), false));
        assertTrue(e.getMessage().contains("refusing to route traffic without the kill switch"), e.getMessage());
        assertEquals(List.of(), ip.calls, "nothing was changed");
    }
}
