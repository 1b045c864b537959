package dev.wgdesk.app.ui.vm;

/**
 * Where view-model state may be changed: the JavaFX application thread in the app
 * ({@code dev.wgdesk.app.ui.view.FxUiThread}), the calling thread in tests ({@link #direct()}).
 * Every result of background work is handed back through this.
 */
@FunctionalInterface
public interface UiThread {
    /** Runs {@code task} on the UI thread: now if already on it, else soon. */
    void run(Runnable task);

    /** Runs tasks at once on the calling thread (tests). */
    static UiThread direct() {
        return Runnable::run;
    }
}
