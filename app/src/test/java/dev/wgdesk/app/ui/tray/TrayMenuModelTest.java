package dev.wgdesk.app.ui.tray;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.wgdesk.app.ipc.TunnelState;
import dev.wgdesk.app.ui.i18n.Messages;
import dev.wgdesk.app.ui.tray.TrayMenuModel.Entry;
import dev.wgdesk.app.ui.tray.TrayMenuModel.IconState;
import dev.wgdesk.app.ui.tray.TrayMenuModel.Tunnel;
import dev.wgdesk.app.ui.vm.Connection;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class TrayMenuModelTest {
    @BeforeAll
    static void english() {
        Messages.useLocale(Locale.ROOT);
    }

    @Test
    void tunnelsWithCheckmarksInNaturalOrder() {
        TrayMenuModel m = TrayMenuModel.build(List.of(new Tunnel("wg10", TunnelState.INACTIVE),
                new Tunnel("wg2", TunnelState.ACTIVE), new Tunnel("home", TunnelState.FAILED)), Connection.CONNECTED);
        assertEquals(List.of(new Entry("home", false, false), new Entry("wg2", true, false), new Entry("wg10", false, false)),
                m.inline());
        assertEquals(List.of(), m.submenu());
        assertEquals(IconState.ACTIVE, m.icon());
        assertEquals("Active: wg2", m.status());
        assertEquals("wgdesk: Active: wg2", m.tooltip());
        assertTrue(m.tunnelsEnabled());
    }

    @Test
    void iconShowsActivatingWhileAnyTunnelMoves() {
        TrayMenuModel m = TrayMenuModel.build(List.of(new Tunnel("a", TunnelState.ACTIVE),
                new Tunnel("b", TunnelState.ACTIVATING)), Connection.CONNECTED);
        assertEquals(IconState.ACTIVATING, m.icon());
        assertEquals(new Entry("b", true, true), m.inline().get(1));
        TrayMenuModel idle = TrayMenuModel.build(List.of(new Tunnel("a", TunnelState.INACTIVE)), Connection.CONNECTED);
        assertEquals(IconState.INACTIVE, idle.icon());
        assertEquals("No tunnel active", idle.status());
        TrayMenuModel two = TrayMenuModel.build(List.of(new Tunnel("a", TunnelState.ACTIVE),
                new Tunnel("b", TunnelState.ACTIVE)), Connection.CONNECTED);
        assertEquals("2 tunnels active", two.status());
    }

    @Test
    void moreThanTenTunnelsGoIntoASubmenu() {
        List<Tunnel> ten = new ArrayList<>();
        for (int i = 1; i <= 10; i++) {
            ten.add(new Tunnel("t" + i, TunnelState.INACTIVE));
        }
        assertEquals(10, TrayMenuModel.build(ten, Connection.CONNECTED).inline().size());
        List<Tunnel> eleven = new ArrayList<>(ten);
        eleven.add(new Tunnel("t11", TunnelState.ACTIVE));
        TrayMenuModel m = TrayMenuModel.build(eleven, Connection.CONNECTED);
        assertEquals(List.of(), m.inline());
        assertEquals(11, m.submenu().size());
        assertEquals("t11", m.submenu().getLast().name());
        assertEquals(m.submenu(), m.entries());
    }

    @Test
    void withoutHelperTunnelsAreDisabled() {
        TrayMenuModel m = TrayMenuModel.build(List.of(new Tunnel("a", TunnelState.ACTIVE)), Connection.UNREACHABLE);
        assertEquals(IconState.DISCONNECTED, m.icon());
        assertFalse(m.tunnelsEnabled());
        assertEquals("Helper not running", m.status());
    }
}
