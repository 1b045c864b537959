package dev.wgdesk.platform.linux.net;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

class CommandTest {
    @Test
    @Timeout(30)
    void theTimeLimitCoversWritingTheInputToAProgramThatNeverReadsIt() {
        // 8 MiB does not fit in a pipe: before, the helper blocked writing it, with no time limit.
        String input = "x".repeat(8 << 20);
        CommandException e = assertThrows(CommandException.class,
                () -> Command.run(List.of("sleep", "20"), input, Map.of(), 1));
        assertTrue(e.getMessage().contains("did not finish within 1 s and was killed"), e.getMessage());
    }

    @Test
    @Timeout(30)
    void inputIsStillDelivered() throws Exception {
        Command.Result r = Command.run(List.of("wc", "-c"), "y".repeat(1 << 20), Map.of(), 20);
        assertEquals(0, r.exitCode());
        assertEquals(Integer.toString(1 << 20), r.stdout().strip());
    }
}
