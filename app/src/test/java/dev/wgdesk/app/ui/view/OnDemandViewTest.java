package dev.wgdesk.app.ui.view;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.wgdesk.app.ipc.OnDemandRule;
import dev.wgdesk.app.ipc.OnDemandRule.WifiMode;
import dev.wgdesk.app.ui.Fixtures;
import dev.wgdesk.app.ui.gateway.FakeHelperGateway;
import dev.wgdesk.app.ui.gateway.HelperGateway;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import dev.wgdesk.app.ui.i18n.Messages;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import javafx.scene.Node;
import javafx.scene.control.Label;
import javafx.scene.control.TextField;
import javafx.stage.Stage;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.testfx.api.FxRobot;

/**
 * The detail pane's "On-demand" section in a real window (Xvfb in CI), driven with the mouse and
 * keyboard: a rule typed in reaches the helper, the status shows what the helper says, a bad SSID
 * is refused naming the field without calling the helper, and a slow helper never blocks the FX
 * thread. Skipped without a display (failed in strict mode).
 */
class OnDemandViewTest {
    private final FakeHelperGateway helper = new FakeHelperGateway(Clock.systemUTC());
    private volatile CountDownLatch gate = new CountDownLatch(0);
    private final AtomicLong calls = new AtomicLong();
    /** The fake helper, with setOnDemand held until the test lets it answer. */
    private final HelperGateway slow = (HelperGateway) Proxy.newProxyInstance(HelperGateway.class.getClassLoader(),
            new Class<?>[] {HelperGateway.class}, (proxy, method, args) -> {
                if (method.getName().equals("setOnDemand")) {
                    calls.incrementAndGet();
                    gate.await(30, TimeUnit.SECONDS);
                }
                try {
                    return method.invoke(helper, args);
                } catch (InvocationTargetException e) {
                    throw e.getCause();
                }
            });
    private final FxRobot robot = new FxRobot();
    private FocusedWindow window;
    private Stage stage;
    private WgDeskUi ui;

    @BeforeEach
    void start() throws Exception {
        helper.with("home", Fixtures.fullTunnel(), false);
        window = FocusedWindow.show(slow, "home");
        stage = window.stage();
        ui = window.ui();
    }

    @AfterEach
    void stop() throws Exception {
        gate.countDown();
        if (window != null) {
            window.close();
        }
    }

    private <T extends Node> T node(String id) throws Exception {
        @SuppressWarnings("unchecked")
        T n = (T) Fx.call(() -> stage.getScene().lookup("#" + id));
        return n;
    }

    /** On the FX thread: the label's text. */
    private String textNow(String id) {
        return ((Label) stage.getScene().lookup("#" + id)).getText();
    }

    private String text(String id) throws Exception {
        Label l = node(id);
        return Fx.call(l::getText);
    }

    private void scrollTo(String id) throws Exception {
        Node n = node(id);
        Fx.run(() -> {
            javafx.scene.control.ScrollPane sp = (javafx.scene.control.ScrollPane) stage.getScene().lookup(".detail-scroll");
            double h = sp.getContent().getBoundsInLocal().getHeight();
            double y = n.localToScene(0, 0).getY() - sp.getContent().localToScene(0, 0).getY();
            sp.setVvalue(Math.max(0, Math.min(1, y / Math.max(1, h - sp.getViewportBounds().getHeight()))));
        });
        Fx.waitUntil(id + " laid out", () -> n.getScene() != null);
    }

    @Test
    void aRuleTypedInReachesTheHelperAndItsAnswerShows() throws Exception {
        assertTrue(text("ondemand-status").contains("On-demand is off"), text("ondemand-status"));
        TextField ssids = node("ondemand-ssids");
        assertFalse(Fx.call(ssids::isVisible), "no SSID list for mode off");

        scrollTo("ondemand");
        robot.clickOn("#ondemand-wifi");
        robot.clickOn(Messages.get("ondemand.wifi.EXCEPT"));
        Fx.waitUntil("SSID field shown", ssids::isVisible);
        robot.clickOn("#ondemand-ssids").write("Home, Office");
        robot.clickOn("#ondemand-ethernet");

        gate = new CountDownLatch(1); // the helper takes its time...
        robot.clickOn("#ondemand-apply");
        Fx.waitUntil("the call reached the helper", () -> calls.get() == 1);
        // ...and the FX thread stays free meanwhile
        long t0 = System.nanoTime();
        assertEquals("ok", Fx.call(() -> "ok"));
        assertTrue(System.nanoTime() - t0 < TimeUnit.SECONDS.toNanos(5), "the FX thread answered while the helper was busy");
        gate.countDown();

        OnDemandRule expected = new OnDemandRule(WifiMode.EXCEPT, List.of("Home", "Office"), true);
        Fx.waitUntil("rule stored", () -> helper.onDemandRule("home").equals(expected));
        Fx.waitUntil("status shows the helper's answer", () -> textNow("ondemand-status")
                .contains("on-demand unavailable: the demo helper has no network source"));
        assertEquals("Home, Office", Fx.call(ssids::getText), "the form shows the stored rule");
    }

    @Test
    void aBadSsidIsRefusedNamingTheFieldWithoutCallingTheHelper() throws Exception {
        scrollTo("ondemand");
        robot.clickOn("#ondemand-wifi");
        robot.clickOn(Messages.get("ondemand.wifi.ONLY"));
        robot.clickOn("#ondemand-ssids").write("Cafe, " + "x".repeat(33));
        robot.clickOn("#ondemand-apply");
        Fx.waitUntil("problem shown", () -> stage.getScene().lookup("#ondemand-problem").isVisible());
        String p = text("ondemand-problem");
        assertTrue(p.contains("ssids[1]") && p.contains("33 bytes"), p);
        assertEquals(0, calls.get(), "nothing sent");
        assertEquals(OnDemandRule.OFF, helper.onDemandRule("home"));
    }
}
