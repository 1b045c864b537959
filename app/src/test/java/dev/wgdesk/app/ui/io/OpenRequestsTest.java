package dev.wgdesk.app.ui.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class OpenRequestsTest {
    @Test
    void filesThatArriveBeforeTheUiWaitAndLaterOnesGoStraightThrough() {
        OpenRequests r = new OpenRequests();
        List<List<Path>> got = new ArrayList<>();
        r.open(List.of(Path.of("launch.conf")));          // the event that started the app
        r.open(List.of());                                 // nothing: ignored
        r.open(List.of(Path.of("/tmp/x/../second.zip")));
        assertEquals(List.of(), got);
        r.setTarget(got::add);
        assertEquals(List.of(List.of(Path.of("launch.conf").toAbsolutePath(), Path.of("/tmp/second.zip"))), got,
                "the waiting files, absolute, in one batch and in order");
        r.open(List.of(Path.of("/home/u/Downloads/office.conf")));
        assertEquals(List.of(Path.of("/home/u/Downloads/office.conf")), got.getLast());
        assertEquals(2, got.size());
    }

    @Test
    void theAppleEventHandlerIsOnlyForMacOs() {
        OpenRequests r = new OpenRequests();
        assertFalse(DesktopOpenFiles.install(DesktopOs.FREEDESKTOP, r));
        assertFalse(DesktopOpenFiles.install(DesktopOs.WINDOWS, r));
        assertEquals(List.of(Path.of("/a b/c.conf")), DesktopOpenFiles.paths(List.of(new java.io.File("/a b/c.conf"))));
    }
}
