package dev.wgdesk.platform.windows.service;

import java.io.IOException;

/**
 * The service control manager calls (advapi32) behind {@link WindowsServiceRegistration}, as a
 * seam: {@link JnaScm} on Windows, a fake in tests that plays the SCM (sends controls, records
 * every reported status).
 */
public interface ScmApi {
    int ERROR_SERVICE_DOES_NOT_EXIST = 1060;
    int ERROR_FAILED_SERVICE_CONTROLLER_CONNECT = 1063;
    int ERROR_EXCEPTION_IN_SERVICE = 1064;
    int ERROR_SERVICE_MARKED_FOR_DELETE = 1072;
    int ERROR_SERVICE_EXISTS = 1073;

    /** A failed SCM call with its Win32 error. */
    final class ScmException extends IOException {
        private final int error;

        public ScmException(String message, int error) {
            super(message + " (Win32 error " + error + ")");
            this.error = error;
        }

        public int error() {
            return error;
        }
    }

    /** The handler the SCM calls ({@code HandlerEx}): returns the Win32 code for the SCM. */
    @FunctionalInterface
    interface ControlHandler {
        int control(int control, int eventType);
    }

    /**
     * {@code CreateServiceW} with {@code install}'s fields, then {@code ChangeServiceConfig2W}
     * for the description, the failure actions (restart after each delay, the reset period), the
     * failure-actions flag (also on a non-crash failure exit) and the service SID type.
     *
     * @throws ScmException {@link #ERROR_SERVICE_EXISTS} when it exists
     */
    void create(ServiceInstall install, String description) throws IOException;

    /** Whether a service of that name is registered. */
    boolean exists(String name) throws IOException;

    /** {@code StartServiceW}; not an error when it runs already. */
    void start(String name) throws IOException;

    /**
     * Stops the service ({@code ControlService(STOP)}, waiting up to {@code timeoutMs} for
     * STOPPED) and deletes it ({@code DeleteService}); not an error when it does not exist.
     */
    void stopAndDelete(String name, int timeoutMs) throws IOException;

    /**
     * {@code StartServiceCtrlDispatcherW} with one entry: the SCM calls back (on another thread)
     * the service main, which registers {@code handler} ({@code RegisterServiceCtrlHandlerExW})
     * and runs {@code serviceMain}. Returns when the service has stopped.
     *
     * @throws ScmException {@link #ERROR_FAILED_SERVICE_CONTROLLER_CONNECT} when the process was
     *     not started by the SCM
     */
    void dispatch(String name, ControlHandler handler, Runnable serviceMain) throws IOException;

    /** {@code SetServiceStatus} on the handle the dispatcher registered. */
    void report(ServiceStateMachine.Status status);

    /** The advapi32 implementation (Windows only; loads nothing until first used). */
    static ScmApi windows() {
        return new JnaScm();
    }
}
