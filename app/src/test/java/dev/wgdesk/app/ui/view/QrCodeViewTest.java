package dev.wgdesk.app.ui.view;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.wgdesk.app.ui.Fixtures;
import dev.wgdesk.app.ui.QrDecode;
import dev.wgdesk.app.ui.gateway.FakeHelperGateway;
import dev.wgdesk.app.ui.i18n.Messages;
import java.time.Clock;
import javafx.scene.Scene;
import javafx.scene.control.Button;
import javafx.scene.image.Image;
import javafx.scene.image.ImageView;
import javafx.scene.image.PixelFormat;
import javafx.scene.layout.StackPane;
import javafx.stage.Stage;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.testfx.api.FxRobot;

/**
 * "Show as QR code" in a real window (Xvfb in CI): hidden until clicked, the image on screen
 * decodes to the tunnel's config, and it hides when the window loses focus. Skipped without a
 * display.
 */
class QrCodeViewTest {
    private final FakeHelperGateway helper = new FakeHelperGateway(Clock.systemUTC());
    private final FxRobot robot = new FxRobot();
    private FocusedWindow window;
    private Stage stage;
    private Stage other;
    private WgDeskUi ui;

    @BeforeEach
    void start() throws Exception {
        helper.with("phone", Fixtures.fullTunnel(), false);
        window = FocusedWindow.show(helper, "phone");
        stage = window.stage();
        ui = window.ui();
    }

    @AfterEach
    void stop() throws Exception {
        Fx.run(() -> {
            if (other != null) {
                other.close();
            }
        });
        if (window != null) {
            window.close();
        }
    }

    private ImageView qrImage() {
        return (ImageView) stage.getScene().lookup("#qr-image");
    }

    private boolean qrOnScreen() {
        ImageView v = qrImage();
        return v != null && v.getScene() != null && v.getImage() != null && v.isVisible();
    }

    private static String decode(Image img) {
        int w = (int) img.getWidth();
        int h = (int) img.getHeight();
        int[] argb = new int[w * h];
        img.getPixelReader().getPixels(0, 0, w, h, PixelFormat.getIntArgbInstance(), argb, 0, w);
        return QrDecode.decode(argb, w, h);
    }

    @Test
    void theCodeShowsOnlyAfterAClickAndDecodesToTheConfig() throws Exception {
        Fx.settle();
        assertTrue(!Fx.call(this::qrOnScreen), "no QR code before the click");

        robot.clickOn("#show-qr");
        Fx.waitUntil("QR code shown", this::qrOnScreen);

        Image img = Fx.call(() -> qrImage().getImage());
        assertEquals(helper.getConfig("phone"), decode(img));
        assertEquals(Messages.get("qr.hide"), Fx.call(() -> ((Button) stage.getScene().lookup("#show-qr")).getText()));

        robot.clickOn("#show-qr");
        Fx.waitUntil("QR code hidden again", () -> !qrOnScreen());
    }

    @Test
    void theCodeHidesWhenTheWindowLosesFocus() throws Exception {
        robot.clickOn("#show-qr");
        Fx.waitUntil("QR code shown", this::qrOnScreen);

        Fx.run(() -> {
            other = new Stage();
            other.setScene(new Scene(new StackPane(), 200, 100));
            other.show();
            other.toFront();
            other.requestFocus();
        });
        Fx.waitUntil("main window lost focus", () -> !stage.isFocused());

        Fx.waitUntil("QR code hidden", () -> !qrOnScreen());
        assertNull(Fx.call(() -> qrImage() == null ? null : qrImage().getImage()));
    }
}
