package dev.wgdesk.platform.windows.service;

import dev.wgdesk.engine.platform.ServiceRegistration;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Objects;
import java.util.concurrent.CountDownLatch;

/**
 * The helper as the Windows service {@value ServiceInstall#NAME}.
 *
 * <p>{@link #install} registers it ({@link ServiceInstall}: LocalSystem, automatic start,
 * dependencies Nsi and TcpIp, restart on failure, command line {@code "…\wgdesk-helper.exe"
 * helper}: the helper verb, which runs {@link #run}), replacing an older registration, and starts it. {@link #uninstall} stops and
 * deletes it. Both are what {@code wgdesk-helper.exe --install-service} / {@code
 * --uninstall-service} do, run by the MSI's deferred custom actions as SYSTEM.
 *
 * <p>{@link #run} is what {@code wgdesk-helper helper} does under the SCM: it hands the thread to the service dispatcher
 * at once (the SCM gives a service 30 s to connect) and then drives {@link ServiceStateMachine}:
 * START_PENDING while {@code body.start()} runs, RUNNING, and on STOP or SHUTDOWN STOP_PENDING
 * with the checkpoint advancing every {@value #PROGRESS_MS} ms while {@code body.stop()} runs,
 * then STOPPED. A power event resuming from sleep calls {@code body.resumed()} on its own thread
 * (the handler must return at once). A start that throws reports STOPPED with
 * {@code ERROR_EXCEPTION_IN_SERVICE}, and {@link #run} rethrows it.
 */
public final class WindowsServiceRegistration implements ServiceRegistration {
    static final int PROGRESS_MS = 2_000;
    static final int STOP_TIMEOUT_MS = 30_000;
    static final int CREATE_ATTEMPTS = 20;
    static final int CREATE_RETRY_MS = 500;
    public static final String DESCRIPTION = "Runs wgdesk's WireGuard tunnels for the signed-in users (named pipe \\\\.\\pipe\\wgdesk-helper)";

    /** Waits between attempts; tests pass one that does not sleep. */
    interface Sleeper {
        void sleep(long ms) throws InterruptedException;
    }

    private final ScmApi scm;
    private final Runnable afterUninstall;
    private final Sleeper sleeper;
    private final long progressMs;

    public WindowsServiceRegistration(ScmApi scm) {
        this(scm, () -> { });
    }

    /**
     * @param afterUninstall run once the service is gone (best effort, must not throw): the
     *                       platform removes the Wintun driver if no adapter uses it any more
     */
    public WindowsServiceRegistration(ScmApi scm, Runnable afterUninstall) {
        this(scm, afterUninstall, Thread::sleep, PROGRESS_MS);
    }

    WindowsServiceRegistration(ScmApi scm, Runnable afterUninstall, Sleeper sleeper, long progressMs) {
        this.scm = Objects.requireNonNull(scm, "scm");
        this.afterUninstall = Objects.requireNonNull(afterUninstall, "afterUninstall");
        this.sleeper = Objects.requireNonNull(sleeper, "sleeper");
        this.progressMs = progressMs;
    }

    @Override
    public String howToStart() {
        return "sc start " + ServiceInstall.NAME + ", as an administrator";
    }

    @Override
    public String serviceName() {
        return ServiceInstall.NAME;
    }

    @Override
    public void install(Path executable) throws IOException {
        String exe = executable.toString();
        boolean driveAbsolute = exe.length() > 2 && exe.charAt(1) == ':'; // also when tested off Windows
        ServiceInstall s = ServiceInstall.of(driveAbsolute ? exe : executable.toAbsolutePath().toString());
        if (scm.exists(s.name())) {
            scm.stopAndDelete(s.name(), STOP_TIMEOUT_MS);
        }
        for (int attempt = 1; ; attempt++) {
            try {
                scm.create(s, DESCRIPTION);
                break;
            } catch (ScmApi.ScmException e) {
                // the old registration goes only when every handle to it is closed (services.msc...)
                if (e.error() != ScmApi.ERROR_SERVICE_MARKED_FOR_DELETE || attempt == CREATE_ATTEMPTS) {
                    throw e;
                }
                try {
                    sleeper.sleep(CREATE_RETRY_MS);
                } catch (InterruptedException ie) {
                    Thread.currentThread().interrupt();
                    throw e;
                }
            }
        }
        scm.start(s.name());
    }

    @Override
    public void uninstall() throws IOException {
        // stopping the service brings its tunnels down: their Wintun adapters go with them
        scm.stopAndDelete(ServiceInstall.NAME, STOP_TIMEOUT_MS);
        try {
            afterUninstall.run();
        } catch (RuntimeException e) {
            // best effort: the driver stays until Windows removes it with its last adapter
        }
    }

    @Override
    public boolean isInstalled() throws IOException {
        return scm.exists(ServiceInstall.NAME);
    }

    @Override
    public void run(Body body) throws Exception {
        ServiceStateMachine sm = new ServiceStateMachine();
        CountDownLatch stopRequested = new CountDownLatch(1);
        Exception[] failure = new Exception[1];
        ScmApi.ControlHandler handler = (control, eventType) -> {
            ServiceStateMachine.Reply r;
            synchronized (sm) {
                r = sm.control(control, eventType);
                if (r.report() != null) {
                    scm.report(r.report());
                }
            }
            switch (r.action()) {
                case STOP -> stopRequested.countDown();
                case RESUME -> Thread.ofPlatform().daemon().name("wgdesk-resume").start(body::resumed);
                case NONE -> { }
            }
            return r.returnCode();
        };
        Runnable serviceMain = () -> {
            synchronized (sm) {
                scm.report(sm.status());
            }
            try {
                body.start();
            } catch (Exception e) {
                failure[0] = e;
                synchronized (sm) {
                    scm.report(sm.stopped(ScmApi.ERROR_EXCEPTION_IN_SERVICE));
                }
                return;
            }
            synchronized (sm) {
                scm.report(sm.started());
            }
            try {
                stopRequested.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            Thread stopper = Thread.ofPlatform().name("wgdesk-service-stop").start(body::stop);
            try {
                while (!stopper.join(java.time.Duration.ofMillis(progressMs))) {
                    synchronized (sm) {
                        scm.report(sm.stopProgress());
                    }
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            synchronized (sm) {
                scm.report(sm.stopped(ServiceStateMachine.NO_ERROR));
            }
        };
        try {
            scm.dispatch(ServiceInstall.NAME, handler, serviceMain);
        } catch (ScmApi.ScmException e) {
            if (e.error() == ScmApi.ERROR_FAILED_SERVICE_CONTROLLER_CONNECT) {
                throw new IllegalStateException("wgdesk-helper helper runs as the wgdesk-helper service, started by the service control manager; register the service with"
                        + " wgdesk-helper --install-service, or start it with: sc start " + ServiceInstall.NAME, e);
            }
            throw e;
        }
        if (failure[0] != null) {
            throw failure[0];
        }
    }
}
