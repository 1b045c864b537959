package dev.wgdesk.app.ui.vm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.wgdesk.app.ipc.OnDemandRule;
import dev.wgdesk.app.ipc.OnDemandRule.WifiMode;
import dev.wgdesk.app.ui.Fixtures;
import dev.wgdesk.app.ui.gateway.FakeHelperGateway;
import dev.wgdesk.app.ui.i18n.Messages;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** {@link OnDemandViewModel} with the fake helper and tasks run directly. */
class OnDemandViewModelTest {
    private final Clock clock = Clock.fixed(Instant.parse("2026-03-01T12:00:00Z"), ZoneOffset.UTC);
    private final FakeHelperGateway helper = new FakeHelperGateway(clock);
    private final MainViewModel vm = new MainViewModel(helper, Tasks.direct(), new ManualScheduler(), clock);

    @BeforeAll
    static void english() {
        Messages.useLocale(Locale.ROOT);
    }

    @Test
    void formFollowsTheSelectedTunnelAndApplyStoresTheRule() {
        helper.with("home", Fixtures.fullTunnel(), false).with("work", Fixtures.siteTunnel(), false);
        vm.start();
        OnDemandViewModel od = new OnDemandViewModel(vm);
        assertEquals(WifiMode.OFF, od.wifiProperty().get());
        assertFalse(od.ssidsUsedProperty().get());
        assertTrue(od.editableProperty().get());
        assertTrue(od.statusProperty().get().contains("off"), od.statusProperty().get());

        od.wifiProperty().set(WifiMode.EXCEPT);
        assertTrue(od.ssidsUsedProperty().get());
        od.ssidsProperty().set(" Home ,Caf\\,e");
        od.ethernetProperty().set(true);
        assertTrue(od.apply());
        OnDemandRule want = new OnDemandRule(WifiMode.EXCEPT, List.of("Home", "Caf,e"), true);
        assertEquals(want, helper.onDemandRule("home"));
        assertEquals("Home, Caf\\,e", od.ssidsProperty().get(), "reloaded from the helper's answer, commas escaped");
        assertTrue(od.statusProperty().get().contains("unavailable"), od.statusProperty().get());

        vm.selectedProperty().set(vm.find("work").orElseThrow());
        assertEquals(WifiMode.OFF, od.wifiProperty().get(), "another tunnel: its own (no) rule");
        vm.selectedProperty().set(vm.find("home").orElseThrow());
        assertEquals(WifiMode.EXCEPT, od.wifiProperty().get());
        assertTrue(od.ethernetProperty().get());
    }

    @Test
    void invalidFormIsNotSentAndNamesTheField() {
        helper.with("home", Fixtures.fullTunnel(), false);
        vm.start();
        OnDemandViewModel od = new OnDemandViewModel(vm);
        od.wifiProperty().set(WifiMode.ONLY);
        od.ssidsProperty().set("");
        assertFalse(od.apply());
        assertTrue(od.problemProperty().get().contains("ssids"), od.problemProperty().get());
        od.ssidsProperty().set("A, A");
        assertNull(od.problemProperty().get(), "editing clears the problem");
        assertFalse(od.apply());
        assertTrue(od.problemProperty().get().contains("ssids[1]") && od.problemProperty().get().contains("twice"),
                od.problemProperty().get());
        assertEquals(OnDemandRule.OFF, helper.onDemandRule("home"));
    }

    @Test
    void someoneElsesTunnelIsReadOnly() {
        helper.with("bobs", Fixtures.siteTunnel(), false).ownedBy("bobs", "bob", false);
        vm.start();
        vm.selectedProperty().set(vm.find("bobs").orElseThrow());
        OnDemandViewModel od = new OnDemandViewModel(vm);
        assertFalse(od.editableProperty().get());
    }
}
