package dev.wgdesk.app.ipc;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;

/** The owner is a string id on the wire; a number from a helper before the platform seam reads the same. */
class TunnelInfoOwnerTest {
    @Test
    void aNumericOwnerFromAnOlderHelperReadsAsTheSameIdAndIsSentAsAString() throws Exception {
        JsonNode old = IpcJson.mapper().readTree("""
                {"name":"home","state":"ACTIVE","autostart":false,"owner":1000,"ownerName":"alice",
                 "shared":false,"canManage":true,"canUse":true}""");
        TunnelInfo t = IpcJson.fromTree(old, TunnelInfo.class);
        assertEquals("1000", t.owner());
        JsonNode sent = IpcJson.toTree(t);
        assertEquals("1000", sent.path("owner").textValue());
        assertEquals(t, IpcJson.fromTree(sent, TunnelInfo.class));
    }

    @Test
    void aSidOwnerRoundTripsAndAMissingOwnerIsRoot() throws Exception {
        TunnelInfo t = new TunnelInfo("w", TunnelState.INACTIVE, false, "S-1-5-21-1-2-3-1001", null, true, false, true);
        assertEquals("S-1-5-21-1-2-3-1001", t.ownerName(), "the id names an owner without a name");
        assertEquals(t, IpcJson.fromTree(IpcJson.toTree(t), TunnelInfo.class));
        JsonNode none = IpcJson.mapper().readTree("{\"name\":\"x\",\"state\":\"INACTIVE\"}");
        assertEquals(TunnelInfo.ROOT_OWNER, IpcJson.fromTree(none, TunnelInfo.class).owner());
    }
}
