package dev.wgdesk.platform.linux;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Interface names are checked before anything is opened, so these need no privileges. */
class TunNameValidationTest {
    @ParameterizedTest
    @ValueSource(strings = {"", "sixteen-chars-xx", "a-name-that-is-far-too-long", ".", "..", "wg 0", "wg/0", "wg:0",
            "wg\t0", "wgé", "wg%", "wg%s", "wg%d%d"})
    void rejectsInvalidNames(String name) {
        TunException e = assertThrows(TunException.class, () -> new LinuxTunProvider().create(name, 1420));
        assertEquals(TunException.Reason.INVALID_NAME, e.reason());
        assertTrue(e.getMessage().startsWith("invalid interface name \""), e.getMessage());
    }

    @ParameterizedTest
    @ValueSource(strings = {"wg0", "wgdesk-office", "fifteen-chars-x", "wg%d", "a_b.c@d"})
    void acceptsValidNames(String name) {
        assertDoesNotThrow(() -> InterfaceControl.validateName(name));
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 67, 65536, -1})
    void rejectsMtuOutOfRange(int mtu) {
        TunException e = assertThrows(TunException.class, () -> new LinuxTunProvider().create("wg0", mtu));
        assertEquals(TunException.Reason.INVALID_MTU, e.reason());
    }

    @org.junit.jupiter.api.Test
    void tooLongNameMessageSaysWhy() {
        TunException e = assertThrows(TunException.class,
                () -> new LinuxTunProvider().create("a-name-that-is-far-too-long", 1420));
        assertEquals("invalid interface name \"a-name-that-is-far-too-long\": it is longer than 15 characters",
                e.getMessage());
    }
}
