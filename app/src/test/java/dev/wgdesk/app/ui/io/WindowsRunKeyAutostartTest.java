package dev.wgdesk.app.ui.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class WindowsRunKeyAutostartTest {
    private static final String EXE = "C:\\Program Files\\wgdesk\\wgdesk.exe";
    private static final String RUN = "HKCU\\Software\\Microsoft\\Windows\\CurrentVersion\\Run";
    private static final String APPROVED = "HKCU\\Software\\Microsoft\\Windows\\CurrentVersion\\Explorer\\StartupApproved\\Run";

    /** reg.exe over an in-memory registry: answers query/add/delete like the real one and records every call. */
    static final class FakeReg implements CommandRunner {
        final Map<String, String[]> values = new LinkedHashMap<>(); // "KEY|name" -> {type, data}
        final List<List<String>> calls = new ArrayList<>();

        @Override
        public Result run(List<String> argv) {
            calls.add(List.copyOf(argv));
            assertEquals("reg.exe", argv.get(0));
            String key = argv.get(2);
            String name = argv.get(argv.indexOf("/v") + 1);
            String id = key + "|" + name;
            switch (argv.get(1)) {
                case "query" -> {
                    String[] v = values.get(id);
                    if (v == null) {
                        return new Result(1, "ERROR: The system was unable to find the specified registry key or value.\r\n");
                    }
                    return new Result(0, "\r\n" + key.replace("HKCU", "HKEY_CURRENT_USER") + "\r\n    " + name + "    " + v[0]
                            + "    " + v[1] + "\r\n\r\n");
                }
                case "add" -> {
                    values.put(id, new String[] {argv.get(argv.indexOf("/t") + 1), argv.get(argv.indexOf("/d") + 1)});
                    return new Result(0, "The operation completed successfully.\r\n");
                }
                case "delete" -> {
                    return values.remove(id) == null
                            ? new Result(1, "ERROR: The system was unable to find the specified registry key or value.\r\n")
                            : new Result(0, "The operation completed successfully.\r\n");
                }
                default -> throw new AssertionError(argv);
            }
        }
    }

    @Test
    void onAddsTheRunValueWithTheQuotedExeAndTray() throws IOException {
        FakeReg reg = new FakeReg();
        WindowsRunKeyAutostart a = new WindowsRunKeyAutostart(EXE, reg);
        assertEquals(Autostart.State.DISABLED, a.state());
        reg.calls.clear();
        a.setEnabled(true);
        assertTrue(reg.calls.contains(List.of("reg.exe", "add", RUN, "/v", "wgdesk", "/t", "REG_SZ",
                "/d", "\"C:\\Program Files\\wgdesk\\wgdesk.exe\" tray", "/f")), reg.calls.toString());
        assertEquals("\"C:\\Program Files\\wgdesk\\wgdesk.exe\" tray", reg.values.get(RUN + "|wgdesk")[1]);
        assertEquals(Autostart.State.ENABLED, a.state());
        assertEquals(List.of("reg.exe", "query", RUN, "/v", "wgdesk"), reg.calls.get(reg.calls.size() - 2),
                "state reads the Run value back");
    }

    @Test
    void offDeletesTheRunValue() throws IOException {
        FakeReg reg = new FakeReg();
        WindowsRunKeyAutostart a = new WindowsRunKeyAutostart(EXE, reg);
        a.setEnabled(true);
        reg.calls.clear();
        a.setEnabled(false);
        assertTrue(reg.calls.contains(List.of("reg.exe", "delete", RUN, "/v", "wgdesk", "/f")), reg.calls.toString());
        assertTrue(reg.values.isEmpty());
        assertEquals(Autostart.State.DISABLED, a.state());
    }

    @Test
    void turnedOffInTaskManagerCountsAsOffAndOnClearsIt() throws IOException {
        FakeReg reg = new FakeReg();
        WindowsRunKeyAutostart a = new WindowsRunKeyAutostart(EXE, reg);
        a.setEnabled(true);
        reg.values.put(APPROVED + "|wgdesk", new String[] {"REG_BINARY", "030000005A1B2C3D4E5F6071"});
        assertEquals(Autostart.State.DISABLED, a.state());
        a.setEnabled(true);
        assertTrue(reg.calls.contains(List.of("reg.exe", "delete", APPROVED, "/v", "wgdesk", "/f")), reg.calls.toString());
        assertEquals(Autostart.State.ENABLED, a.state());
        reg.values.put(APPROVED + "|wgdesk", new String[] {"REG_BINARY", "020000000000000000000000"});
        assertEquals(Autostart.State.ENABLED, a.state(), "02: approved");
    }

    @Test
    void failuresAndOddOutputAreReportedNotGuessed() throws IOException {
        WindowsRunKeyAutostart broken = new WindowsRunKeyAutostart(EXE, argv ->
                argv.get(1).equals("query") ? new CommandRunner.Result(1, "not found") : new CommandRunner.Result(5, "ERROR: Access is denied."));
        IOException e = assertThrows(IOException.class, () -> broken.setEnabled(true));
        assertTrue(e.getMessage().contains("exit 5") && e.getMessage().contains("Access is denied"), e.getMessage());
        WindowsRunKeyAutostart odd = new WindowsRunKeyAutostart(EXE, argv -> new CommandRunner.Result(0, "something else"));
        assertThrows(IOException.class, odd::state);
        assertEquals(Autostart.State.UNSUPPORTED, new WindowsRunKeyAutostart(null, new FakeReg()).state());
    }
}
