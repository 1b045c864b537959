package dev.wgdesk.engine.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.wgdesk.engine.config.TunnelName.Problem;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** Tunnel names follow Linux interface-name rules as wg-quick checks them. */
class TunnelNameTest {

    @ParameterizedTest
    @ValueSource(strings = {"wg0", "a", "home", "My_VPN-2", "x=y+z.w", "123456789012345", "...", ".a", "con1",
            "console", "COM0"})
    void validNames(String name) {
        assertEquals(Optional.empty(), TunnelName.validate(name));
        assertEquals(name, TunnelName.of(name).value());
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', nullValues = "-", textBlock = """
            ''               | EMPTY             | -1
            1234567890123456 | TOO_LONG          | -1
            wg 0             | INVALID_CHARACTER | 2
            wg/0             | INVALID_CHARACTER | 2
            wg:0             | INVALID_CHARACTER | 2
            wgé              | INVALID_CHARACTER | 2
            .                | RESERVED          | -1
            ..               | RESERVED          | -1
            CON              | RESERVED          | -1
            nul.x            | RESERVED          | -1
            Lpt9             | RESERVED          | -1
            """)
    void invalidNames(String name, Problem problem, int index) {
        assertEquals(Optional.of(new TunnelName.NameError(name, problem, index)), TunnelName.validate(name));
        TunnelName.InvalidNameException e = assertThrows(TunnelName.InvalidNameException.class, () -> TunnelName.of(name));
        assertEquals(problem, e.error().problem());
    }

    @Test
    void invalidCharacterMessageNamesTheCharacterAndPosition() {
        assertEquals("\"wg 0\" contains ' ' at position 3; use only letters, digits and _ = + . -",
                TunnelName.validate("wg 0").orElseThrow().message());
    }

    @Test
    void fromFileName() {
        assertEquals(TunnelName.of("home"), TunnelName.fromFileName("/etc/wireguard/home.conf"));
        assertEquals(TunnelName.of("home"), TunnelName.fromFileName("C:\\tunnels\\home.conf"));
        assertEquals("home.conf", TunnelName.of("home").fileName());
        assertEquals(Problem.NOT_A_CONF_FILE, assertThrows(TunnelName.InvalidNameException.class,
                () -> TunnelName.fromFileName("home.txt")).error().problem());
        assertEquals(Problem.TOO_LONG, assertThrows(TunnelName.InvalidNameException.class,
                () -> TunnelName.fromFileName("a-very-long-name1.conf")).error().problem());
        assertEquals(Problem.EMPTY, assertThrows(TunnelName.InvalidNameException.class,
                () -> TunnelName.fromFileName(".conf")).error().problem());
    }
}
