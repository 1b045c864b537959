package dev.wgdesk.app.helper;

import static dev.wgdesk.app.helper.FaultyRunner.startsWith;

import dev.wgdesk.app.ui.gateway.HelperGateway;
import dev.wgdesk.app.ui.gateway.IpcHelperGateway;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;

/**
 * {@link HelperGatewayContract} against the real helper in this JVM, over its IPC socket
 * ({@link IpcHelperGateway}, what the app uses), with the real Linux backend running the tunnels
 * in a network namespace ({@link HelperInNetns}). Needs root and the namespace tools.
 */
class RealHelperGatewayContractTest extends HelperGatewayContract {
    private static final List<String> TOOLS = List.of("nft", "iptables", "ip6tables", "resolvectl", "resolvconf");
    private HelperInNetns h;

    @BeforeAll
    void startHelper() throws Exception {
        String missing = HelperInNetns.missingPrerequisite();
        Assumptions.assumeTrue(missing == null, "the real side of the gateway contract needs root and the namespace tools: "
                + missing);
        h = HelperInNetns.create("c", false);
        h.runner.hide("resolvectl"); // no DNS in these configurations except on the bare system
    }

    @AfterAll
    void stopHelper() {
        if (h != null) {
            h.close();
        }
    }

    @Override
    HelperGateway newGateway() {
        return new IpcHelperGateway(h.options().socket());
    }

    @Override
    void failNextActivation(String name) {
        h.runner.failNext(startsWith("ip", "-4", "route", "add", "10.62.0.0/16", "dev", name));
    }

    @Override
    void interfaceDisappears(String name) throws Exception {
        h.a("link", "del", name);
    }

    @Override
    void bareSystem(boolean bare) {
        for (String tool : TOOLS) {
            if (bare) {
                h.runner.hide(tool);
            } else if (!tool.equals("resolvectl")) {
                h.runner.unhide(tool);
            }
        }
    }

    @Override
    String endpoint() {
        return "10.99.0.2:51820";
    }
}
