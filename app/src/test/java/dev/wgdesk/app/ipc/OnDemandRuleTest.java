package dev.wgdesk.app.ipc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.wgdesk.app.ipc.OnDemandRule.WifiMode;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class OnDemandRuleTest {
    private static OnDemandRuleException bad(WifiMode mode, List<String> ssids) {
        return assertThrows(OnDemandRuleException.class, () -> new OnDemandRule(mode, ssids, false));
    }

    @Test
    void badInputNamesTheField() {
        assertEquals("wifi", assertThrows(OnDemandRuleException.class, () -> new OnDemandRule(null, List.of(), true)).field());
        assertEquals("ssids", bad(WifiMode.ONLY, List.of()).field());
        assertEquals("ssids", bad(WifiMode.EXCEPT, null).field());
        assertEquals("ssids", bad(WifiMode.ANY, List.of("Home")).field());
        assertEquals("ssids", bad(WifiMode.OFF, List.of("Home")).field());
        assertEquals("ssids[1]", bad(WifiMode.ONLY, List.of("Cafe", "")).field());
        List<String> withNull = new ArrayList<>(List.of("a"));
        withNull.add(null);
        assertEquals("ssids[1]", bad(WifiMode.ONLY, withNull).field());
        assertEquals("ssids[2]", bad(WifiMode.EXCEPT, List.of("a", "b", "a")).field());
        OnDemandRuleException tooLong = bad(WifiMode.ONLY, List.of("x".repeat(33)));
        assertEquals("ssids[0]", tooLong.field());
        assertTrue(tooLong.getMessage().contains("33 bytes"), tooLong.getMessage());
        // 32 bytes counts bytes, not characters: 11 three-byte characters are 33 bytes.
        assertEquals("ssids[0]", bad(WifiMode.ONLY, List.of("€".repeat(11))).field());
        List<String> many = new ArrayList<>();
        for (int i = 0; i <= OnDemandRule.MAX_SSIDS; i++) {
            many.add("n" + i);
        }
        assertEquals("ssids", bad(WifiMode.EXCEPT, many).field());
    }

    @Test
    void limitsThemselvesAreAccepted() {
        OnDemandRule r = new OnDemandRule(WifiMode.ONLY, List.of("x".repeat(32), "€".repeat(10), " spaced "), true);
        assertEquals(3, r.ssids().size());
        assertTrue(r.matchesWifi(" spaced "));
        assertFalse(r.matchesWifi("spaced"), "spaces count");
    }

    @Test
    void ssidListIsCopied() {
        List<String> l = new ArrayList<>(List.of("Home"));
        OnDemandRule r = new OnDemandRule(WifiMode.EXCEPT, l, false);
        l.add("Office");
        assertEquals(List.of("Home"), r.ssids());
        assertThrows(UnsupportedOperationException.class, () -> r.ssids().add("x"));
    }

    @Test
    void matchingPerMode() {
        assertFalse(OnDemandRule.OFF.matchesWifi("Cafe"));
        assertFalse(OnDemandRule.OFF.enabled());
        assertTrue(new OnDemandRule(WifiMode.OFF, List.of(), true).enabled(), "wired alone enables it");
        assertTrue(new OnDemandRule(WifiMode.ANY, List.of(), false).matchesWifi("Home"));
        OnDemandRule only = new OnDemandRule(WifiMode.ONLY, List.of("Cafe"), false);
        assertTrue(only.matchesWifi("Cafe"));
        assertFalse(only.matchesWifi("cafe"), "SSIDs are case-sensitive");
        OnDemandRule except = new OnDemandRule(WifiMode.EXCEPT, List.of("Home", "Office"), false);
        assertFalse(except.matchesWifi("Home"));
        assertTrue(except.matchesWifi("Cafe"));
        assertEquals("Wi-Fi: except \"Home\", \"Office\"; wired: off", except.describe());
        assertEquals("off", OnDemandRule.OFF.describe());
    }

    @Test
    void typedNamesAreSplitOnUnescapedCommasAndFormattedBack() {
        assertEquals(List.of("Home", "Cafe, Main St", "Office"), OnDemandRule.parseSsids(" Home ,Cafe\\, Main St,  Office"));
        assertEquals(List.of(), OnDemandRule.parseSsids("  "));
        assertEquals(List.of(), OnDemandRule.parseSsids(null));
        assertEquals(List.of("a", ""), OnDemandRule.parseSsids("a,"));
        List<String> names = List.of("Home", "Cafe, Main St", "x\\y");
        assertEquals("Home, Cafe\\, Main St, x\\y", OnDemandRule.formatSsids(names));
        assertEquals(names, OnDemandRule.parseSsids(OnDemandRule.formatSsids(names)));
    }
}
