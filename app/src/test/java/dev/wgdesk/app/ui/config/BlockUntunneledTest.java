package dev.wgdesk.app.ui.config;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.wgdesk.app.ui.config.BlockUntunneled.State;
import org.junit.jupiter.api.Test;

class BlockUntunneledTest {
    private static final String BLOCKING = """
            [Interface]
            PrivateKey = x
            # a comment that stays
            [Peer]
            PublicKey = y
            AllowedIPs = 0.0.0.0/0, ::/0, 10.9.0.0/16  # everything
            """;
    private static final String HALVES = """
            [Interface]
            PrivateKey = x
            # a comment that stays
            [Peer]
            PublicKey = y
            AllowedIPs = 0.0.0.0/1, 128.0.0.0/1, ::/1, 8000::/1, 10.9.0.0/16  # everything
            """;

    @Test
    void detectsTheSwitchPosition() {
        assertEquals(State.BLOCKING, BlockUntunneled.state(BLOCKING));
        assertEquals(State.NOT_BLOCKING, BlockUntunneled.state(HALVES));
        assertEquals(State.UNAVAILABLE, BlockUntunneled.state("[Peer]\nAllowedIPs = 10.0.0.0/8\n"));
        assertEquals(State.UNAVAILABLE, BlockUntunneled.state("[Peer]\nAllowedIPs = 0.0.0.0/1\n"), "one half only");
        assertEquals(State.UNAVAILABLE, BlockUntunneled.state("[Interface]\nAllowedIPs = 0.0.0.0/0\n"), "not in a peer");
    }

    @Test
    void rewritesBothWaysKeepingTheRest() {
        assertEquals(HALVES, BlockUntunneled.apply(BLOCKING, false));
        assertEquals(BLOCKING, BlockUntunneled.apply(HALVES, true));
        assertEquals(BLOCKING, BlockUntunneled.apply(BLOCKING, true), "already blocking: unchanged");
        assertEquals(HALVES, BlockUntunneled.apply(HALVES, false));
    }

    @Test
    void rewritesEveryPeerAndKeepsCrLf() {
        String two = "[Peer]\r\nAllowedIPs = 0.0.0.0/0\r\n[Peer]\r\nAllowedIPs = ::/0\r\n";
        assertEquals("[Peer]\r\nAllowedIPs = 0.0.0.0/1, 128.0.0.0/1\r\n[Peer]\r\nAllowedIPs = ::/1, 8000::/1\r\n",
                BlockUntunneled.apply(two, false));
        assertEquals(two, BlockUntunneled.apply(BlockUntunneled.apply(two, false), true));
    }
}
