package dev.wgdesk.app.helper;

import dev.wgdesk.app.ui.gateway.FakeHelperGateway;
import dev.wgdesk.app.ui.gateway.HelperGateway;
import java.time.Clock;

/** {@link HelperGatewayContract} against the fake the UI tests use. */
class FakeHelperGatewayContractTest extends HelperGatewayContract {
    private FakeHelperGateway fake;

    @Override
    HelperGateway newGateway() {
        fake = new FakeHelperGateway(Clock.systemUTC());
        return fake;
    }

    @Override
    void failNextActivation(String name) {
        fake.failNextActivation(name, "step \"routes\" failed: ip -4 route add 10.62.0.0/16 dev " + name + " exited 2");
    }

    @Override
    void interfaceDisappears(String name) {
        fake.interfaceDisappeared(name);
    }

    @Override
    void bareSystem(boolean bare) {
        fake.setBareSystem(bare);
    }

    @Override
    String endpoint() {
        return "10.99.0.2:51820";
    }
}
