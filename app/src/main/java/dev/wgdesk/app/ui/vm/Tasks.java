package dev.wgdesk.app.ui.vm;

import dev.wgdesk.app.ipc.ErrorCode;
import dev.wgdesk.app.ipc.IpcException;
import java.util.Objects;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/**
 * How view models do work: every call that may block (the helper, files) runs on the background
 * executor, and its result is handed back on the {@link UiThread}. Nothing here blocks the UI
 * thread. Thread-safe.
 */
public final class Tasks {
    /** A piece of blocking work that may fail with an {@link IpcException}. */
    @FunctionalInterface
    public interface Work<T> {
        /** Does the work. Other exceptions are reported as {@link ErrorCode#INTERNAL}. */
        T call() throws Exception;
    }

    private final Executor background;
    private final UiThread ui;

    /** Tasks on {@code background}, with results delivered through {@code ui}. */
    public Tasks(Executor background, UiThread ui) {
        this.background = Objects.requireNonNull(background, "background");
        this.ui = Objects.requireNonNull(ui, "ui");
    }

    /** Everything on the calling thread (tests). */
    public static Tasks direct() {
        return new Tasks(Runnable::run, UiThread.direct());
    }

    /** A pool of daemon threads for helper calls and file work. */
    public static ExecutorService backgroundPool() {
        AtomicInteger n = new AtomicInteger();
        return Executors.newFixedThreadPool(4, r -> {
            Thread t = new Thread(r, "wgdesk-ui-worker-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
    }

    /** The UI thread. */
    public UiThread ui() {
        return ui;
    }

    /** Runs {@code task} on the UI thread. */
    public void onUi(Runnable task) {
        ui.run(task);
    }

    /**
     * Runs {@code work} in the background, then {@code onSuccess} or {@code onFailure} on the UI
     * thread.
     */
    public <T> void run(Work<T> work, Consumer<? super T> onSuccess, Consumer<? super IpcException> onFailure) {
        try {
            background.execute(() -> runNow(work, onSuccess, onFailure));
        } catch (RejectedExecutionException e) {
            // The app is shutting down: nobody is left to see the result.
        }
    }

    private <T> void runNow(Work<T> work, Consumer<? super T> onSuccess, Consumer<? super IpcException> onFailure) {
        T result;
        try {
            result = work.call();
        } catch (IpcException e) {
            ui.run(() -> onFailure.accept(e));
            return;
        } catch (Exception | LinkageError e) {
            IpcException wrapped = new IpcException(ErrorCode.INTERNAL,
                    e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage(), java.util.List.of(), e);
            ui.run(() -> onFailure.accept(wrapped));
            return;
        }
        ui.run(() -> onSuccess.accept(result));
    }
}
