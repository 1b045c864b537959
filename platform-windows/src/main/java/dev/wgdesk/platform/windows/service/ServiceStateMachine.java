package dev.wgdesk.platform.windows.service;

/**
 * The helper's side of the Service Control Manager protocol as pure logic: which status to report
 * ({@code SetServiceStatus}) and what to do for each control the SCM sends to the handler
 * ({@code RegisterServiceCtrlHandlerEx}). The JNA glue (jna-platform's Advapi32) only forwards
 * controls here and reports the returned status ({@link WindowsServiceRegistration#run}).
 *
 * <p>States: START_PENDING (accepting nothing, with a wait hint) until {@link #started()}, then
 * RUNNING accepting STOP, SHUTDOWN and POWEREVENT. STOP or SHUTDOWN moves to STOP_PENDING and
 * tells the caller to stop ({@link Action#STOP}), once; while stopping, {@link #stopProgress()}
 * advances the checkpoint so the SCM sees progress (wireguard-windows gives teardown 30 s and
 * then kills itself; {@link #STOP_WAIT_HINT_MS}). {@link #stopped(int)} reports STOPPED with an
 * exit code. A power event resuming from sleep asks for new handshakes
 * ({@link Action#RESUME}). Controls the service does not handle get
 * {@code ERROR_CALL_NOT_IMPLEMENTED}. Not thread-safe: the caller serialises (the SCM calls the
 * handler on one thread).
 */
public final class ServiceStateMachine {
    public static final int SERVICE_STOPPED = 1;
    public static final int SERVICE_START_PENDING = 2;
    public static final int SERVICE_STOP_PENDING = 3;
    public static final int SERVICE_RUNNING = 4;

    public static final int SERVICE_CONTROL_STOP = 1;
    public static final int SERVICE_CONTROL_INTERROGATE = 4;
    public static final int SERVICE_CONTROL_SHUTDOWN = 5;
    public static final int SERVICE_CONTROL_POWEREVENT = 0xD;

    public static final int SERVICE_ACCEPT_STOP = 0x1;
    public static final int SERVICE_ACCEPT_SHUTDOWN = 0x4;
    public static final int SERVICE_ACCEPT_POWEREVENT = 0x40;

    public static final int PBT_APMSUSPEND = 0x4;
    public static final int PBT_APMRESUMESUSPEND = 0x7;
    public static final int PBT_APMRESUMEAUTOMATIC = 0x12;

    public static final int NO_ERROR = 0;
    public static final int ERROR_CALL_NOT_IMPLEMENTED = 120;

    /** How long start may take before the SCM gives up, as reported in the wait hint. */
    public static final int START_WAIT_HINT_MS = 30_000;
    /** How long each stop step may take; teardown as a whole is bounded by the caller's watchdog. */
    public static final int STOP_WAIT_HINT_MS = 30_000;

    /** A {@code SERVICE_STATUS} to report (type SERVICE_WIN32_OWN_PROCESS). */
    public record Status(int currentState, int controlsAccepted, int win32ExitCode, int checkPoint, int waitHint) {}

    /** What the service must do after a control. */
    public enum Action {
        /** Nothing. */
        NONE,
        /** Begin stopping: bring tunnels down, close the pipe, then call {@link #stopped}. */
        STOP,
        /** The machine woke up: re-handshake every peer (keys and timers are stale). */
        RESUME
    }

    /** The handler's answer: the return code for the SCM, the status to report (or null) and the action. */
    public record Reply(int returnCode, Status report, Action action) {}

    private int state = SERVICE_START_PENDING;
    private int checkPoint = 1;
    private int exitCode = NO_ERROR;

    /** The status to report right after registering the handler. */
    public Status status() {
        return switch (state) {
            case SERVICE_START_PENDING -> new Status(state, 0, NO_ERROR, checkPoint, START_WAIT_HINT_MS);
            case SERVICE_RUNNING -> new Status(state,
                    SERVICE_ACCEPT_STOP | SERVICE_ACCEPT_SHUTDOWN | SERVICE_ACCEPT_POWEREVENT, NO_ERROR, 0, 0);
            case SERVICE_STOP_PENDING -> new Status(state, 0, NO_ERROR, checkPoint, STOP_WAIT_HINT_MS);
            default -> new Status(SERVICE_STOPPED, 0, exitCode, 0, 0);
        };
    }

    /** Start-up finished: RUNNING. */
    public Status started() {
        if (state != SERVICE_START_PENDING) {
            throw new IllegalStateException("started() in state " + state);
        }
        state = SERVICE_RUNNING;
        return status();
    }

    /** One more step of start-up or teardown done: the checkpoint advances. */
    public Status stopProgress() {
        if (state == SERVICE_START_PENDING || state == SERVICE_STOP_PENDING) {
            checkPoint++;
        }
        return status();
    }

    /** Teardown finished (or start-up failed, with a non-zero Win32 exit code): STOPPED. */
    public Status stopped(int win32ExitCode) {
        state = SERVICE_STOPPED;
        exitCode = win32ExitCode;
        return status();
    }

    /** The handler: {@code control} with its {@code eventType} (power events). */
    public Reply control(int control, int eventType) {
        switch (control) {
            case SERVICE_CONTROL_INTERROGATE:
                return new Reply(NO_ERROR, status(), Action.NONE);
            case SERVICE_CONTROL_STOP:
            case SERVICE_CONTROL_SHUTDOWN:
                if (state == SERVICE_RUNNING) {
                    state = SERVICE_STOP_PENDING;
                    checkPoint = 1;
                    return new Reply(NO_ERROR, status(), Action.STOP);
                }
                if (state == SERVICE_STOP_PENDING || state == SERVICE_STOPPED) {
                    return new Reply(NO_ERROR, status(), Action.NONE); // already on its way
                }
                return new Reply(ERROR_CALL_NOT_IMPLEMENTED, null, Action.NONE); // not accepted while starting
            case SERVICE_CONTROL_POWEREVENT:
                if (state == SERVICE_RUNNING
                        && (eventType == PBT_APMRESUMEAUTOMATIC || eventType == PBT_APMRESUMESUSPEND)) {
                    return new Reply(NO_ERROR, null, Action.RESUME);
                }
                return new Reply(NO_ERROR, null, Action.NONE);
            default:
                return new Reply(ERROR_CALL_NOT_IMPLEMENTED, null, Action.NONE);
        }
    }
}
