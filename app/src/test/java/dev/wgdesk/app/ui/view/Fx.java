package dev.wgdesk.app.ui.view;

import dev.wgdesk.engine.testing.Requirements;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import javafx.scene.Scene;
import javafx.scene.image.PixelFormat;
import javafx.scene.image.WritableImage;
import javax.imageio.ImageIO;
import org.testfx.api.FxToolkit;

/** Helpers for tests that need the JavaFX toolkit (a display: Xvfb in CI). */
final class Fx {
    private Fx() {}

    /** Skips the test when there is no display, else starts the toolkit once. */
    static void requireDisplay() throws Exception {
        String display = System.getenv("DISPLAY");
        Requirements.require(display != null && !display.isBlank(),
                "no DISPLAY: run under Xvfb (xvfb-run) to include the window tests");
        System.setProperty("testfx.robot", "glass");
        System.setProperty("prism.order", System.getProperty("prism.order", "sw"));
        FxToolkit.registerPrimaryStage();
        javafx.application.Platform.setImplicitExit(false);
    }

    /** Runs {@code c} on the FX thread and waits for its result. */
    static <T> T call(Callable<T> c) throws Exception {
        CompletableFuture<T> f = new CompletableFuture<>();
        FxUiThread.INSTANCE.run(() -> {
            try {
                f.complete(c.call());
            } catch (Throwable t) {
                f.completeExceptionally(t);
            }
        });
        return f.get(20, TimeUnit.SECONDS);
    }

    /** Runs {@code r} on the FX thread and waits. */
    static void run(Runnable r) throws Exception {
        call(() -> {
            r.run();
            return null;
        });
    }

    /** Waits until {@code condition} (evaluated on the FX thread) holds, up to 15 s. */
    static void waitUntil(String what, BooleanSupplier condition) throws Exception {
        waitUntil(what, 15, condition);
    }

    /** Waits until {@code condition} (evaluated on the FX thread) holds, up to {@code seconds}. */
    static void waitUntil(String what, int seconds, BooleanSupplier condition) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        while (System.nanoTime() < deadline) {
            if (call(condition::getAsBoolean)) {
                return;
            }
            Thread.sleep(25);
        }
        throw new AssertionError("timed out waiting for: " + what);
    }

    /** Lets pending layout and rendering happen. */
    static void settle() throws Exception {
        for (int i = 0; i < 3; i++) {
            run(() -> { });
            Thread.sleep(60);
        }
    }

    /** Writes a snapshot of {@code scene} as a PNG (JavaFX's snapshot API; no extra packages). */
    static void snapshot(Scene scene, Path file) throws Exception {
        WritableImage img = call(() -> scene.snapshot(null));
        int w = (int) img.getWidth();
        int h = (int) img.getHeight();
        int[] argb = new int[w * h];
        img.getPixelReader().getPixels(0, 0, w, h, PixelFormat.getIntArgbInstance(), argb, 0, w);
        BufferedImage out = new BufferedImage(w, h, BufferedImage.TYPE_INT_ARGB);
        out.setRGB(0, 0, w, h, argb, 0, w);
        Files.createDirectories(file.toAbsolutePath().getParent());
        ImageIO.write(out, "png", file.toFile());
    }
}
