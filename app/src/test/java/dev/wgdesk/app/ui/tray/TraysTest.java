package dev.wgdesk.app.ui.tray;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.wgdesk.app.ui.io.DesktopOs;
import java.util.List;
import org.junit.jupiter.api.Test;

class TraysTest {
    private static List<Trays.Kind> auto(String osName) {
        return Trays.order(Trays.Choice.AUTO, DesktopOs.of(osName));
    }

    @Test
    void windowsAndMacUseTheAwtTrayOnly() {
        assertEquals(List.of(Trays.Kind.AWT), auto("Windows 11"));
        assertEquals(List.of(Trays.Kind.AWT), auto("Windows Server 2022"));
        assertEquals(List.of(Trays.Kind.AWT), auto("Mac OS X"));
    }

    @Test
    void linuxTriesTheStatusNotifierItemFirst() {
        assertEquals(List.of(Trays.Kind.SNI, Trays.Kind.AWT), auto("Linux"));
        assertEquals(List.of(Trays.Kind.SNI, Trays.Kind.AWT), auto("FreeBSD"));
    }

    @Test
    void aForcedChoiceIsTheOnlyOneTriedOnAnyOs() {
        for (String os : List.of("Linux", "Mac OS X", "Windows 10")) {
            assertEquals(List.of(Trays.Kind.SNI), Trays.order(Trays.Choice.SNI, DesktopOs.of(os)));
            assertEquals(List.of(Trays.Kind.AWT), Trays.order(Trays.Choice.AWT, DesktopOs.of(os)));
            assertEquals(List.of(), Trays.order(Trays.Choice.NONE, DesktopOs.of(os)));
        }
    }
}
