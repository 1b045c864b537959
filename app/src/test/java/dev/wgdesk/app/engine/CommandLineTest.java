package dev.wgdesk.app.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class CommandLineTest {
    private static CommandLine parse(String... args) {
        return CommandLine.parse(List.of(args));
    }

    @Test
    void interfaceAloneRunsAsDaemon() {
        assertEquals(new CommandLine.Run(false, "wg0"), parse("wg0"));
    }

    @Test
    void foregroundFlagsInEitherSpelling() {
        assertEquals(new CommandLine.Run(true, "wg0"), parse("-f", "wg0"));
        assertEquals(new CommandLine.Run(true, "wg0"), parse("--foreground", "wg0"));
    }

    @Test
    void versionAndHelp() {
        assertInstanceOf(CommandLine.Version.class, parse("--version"));
        assertInstanceOf(CommandLine.Help.class, parse("--help"));
        assertInstanceOf(CommandLine.Help.class, parse("-h"));
    }

    @Test
    void versionWithOtherArgumentsIsAnError() {
        assertInstanceOf(CommandLine.Invalid.class, parse("--version", "wg0"));
        assertInstanceOf(CommandLine.Invalid.class, parse("-f", "--version"));
    }

    @Test
    void missingName() {
        assertEquals(new CommandLine.Invalid("missing interface name"), parse());
        assertEquals(new CommandLine.Invalid("missing interface name"), parse("-f"));
    }

    @Test
    void unknownOptionsAreNeverNames() {
        CommandLine c = parse("-wg0");
        assertEquals(new CommandLine.Invalid("unknown option: -wg0"), c);
        assertInstanceOf(CommandLine.Invalid.class, parse("-f", "--", "wg0"));
        assertInstanceOf(CommandLine.Invalid.class, parse("--bogus"));
    }

    @Test
    void extraArgumentsAndRepeatedFlag() {
        assertInstanceOf(CommandLine.Invalid.class, parse("wg0", "wg1"));
        assertInstanceOf(CommandLine.Invalid.class, parse("-f", "-f", "wg0"));
    }

    @Test
    void invalidNameIsReportedPrintably() {
        CommandLine c = parse("bad\nname");
        CommandLine.Invalid inv = assertInstanceOf(CommandLine.Invalid.class, c);
        assertTrue(inv.message().contains("bad\\u000aname"), inv.message());
        assertFalse(inv.message().contains("\n"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"wg0", "a", "x.y", "A_b=c+d-e", "123456789012345", "wg-quick.0"})
    void validNames(String name) {
        assertNull(InterfaceName.problem(name));
        assertEquals(new CommandLine.Run(false, name), parse(name));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "1234567890123456", "-wg0", ".", "..", "wg/0", "wg:0", "wg 0", "wg\t0", "wgé", "wg0\0"})
    void invalidNames(String name) {
        assertFalse(InterfaceName.isValid(name), name);
    }

    @Test
    void nullNameIsInvalid() {
        assertFalse(InterfaceName.isValid(null));
    }
}
