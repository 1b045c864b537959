package dev.wgdesk.platform.windows.service;

import com.sun.jna.Native;
import com.sun.jna.platform.win32.Advapi32;
import com.sun.jna.platform.win32.Winsvc;
import java.io.IOException;

/**
 * {@link ScmApi} on Windows through jna-platform's {@link Advapi32} and its {@link Winsvc}
 * structures (their sizes and offsets are checked against mingw-w64's winsvc.h by
 * WindowsLayoutTest), plus {@link ServiceSidInfo}, which jna-platform does not declare. Compiled
 * on Linux, never executed there.
 */
final class JnaScm implements ScmApi {
    static final int SC_MANAGER_CONNECT = 0x0001;
    static final int SC_MANAGER_CREATE_SERVICE = 0x0002;
    static final int SERVICE_QUERY_STATUS = 0x0004;
    static final int SERVICE_START = 0x0010;
    static final int SERVICE_STOP = 0x0020;
    static final int SERVICE_CHANGE_CONFIG = 0x0002;
    static final int DELETE = 0x00010000;
    static final int SC_ACTION_RESTART = 1;
    static final int ERROR_SERVICE_ALREADY_RUNNING = 1056;
    static final int ERROR_SERVICE_CANNOT_ACCEPT_CTRL = 1061;
    static final int ERROR_SERVICE_NOT_ACTIVE = 1062;

    private static Advapi32 a() {
        return Advapi32.INSTANCE; // loaded on first use, never by constructing this class
    }
    private volatile Winsvc.SERVICE_STATUS_HANDLE statusHandle;
    // the callbacks must stay reachable while the dispatcher runs
    private Winsvc.SERVICE_MAIN_FUNCTION mainCallback;
    private Winsvc.HandlerEx handlerCallback;

    private static ScmException last(String what) {
        return new ScmException(what, Native.getLastError());
    }

    private static Winsvc.SC_HANDLE manager(int access) throws ScmException {
        Winsvc.SC_HANDLE m = a().OpenSCManager(null, null, access);
        if (m == null) {
            throw last("OpenSCManager");
        }
        return m;
    }

    @Override
    public void create(ServiceInstall s, String description) throws IOException {
        Winsvc.SC_HANDLE m = manager(SC_MANAGER_CONNECT | SC_MANAGER_CREATE_SERVICE);
        try {
            Winsvc.SC_HANDLE svc = a().CreateService(m, s.name(), s.displayName(),
                    SERVICE_CHANGE_CONFIG | SERVICE_START | SERVICE_QUERY_STATUS | DELETE,
                    ServiceInstall.SERVICE_WIN32_OWN_PROCESS, ServiceInstall.SERVICE_AUTO_START,
                    ServiceInstall.SERVICE_ERROR_NORMAL, s.binaryPath(), null, null, s.dependenciesMultiString(), null, null);
            if (svc == null) {
                throw last("CreateService(" + s.name() + ")");
            }
            try {
                Winsvc.SERVICE_DESCRIPTION d = new Winsvc.SERVICE_DESCRIPTION();
                d.lpDescription = description;
                config2(svc, Winsvc.SERVICE_CONFIG_DESCRIPTION, d);

                Winsvc.SC_ACTION.ByReference first = new Winsvc.SC_ACTION.ByReference();
                Winsvc.SC_ACTION[] actions = (Winsvc.SC_ACTION[]) first.toArray(s.restartDelaysMs().size());
                for (int i = 0; i < actions.length; i++) {
                    actions[i].type = SC_ACTION_RESTART;
                    actions[i].delay = s.restartDelaysMs().get(i);
                    actions[i].write();
                }
                Winsvc.SERVICE_FAILURE_ACTIONS fa = new Winsvc.SERVICE_FAILURE_ACTIONS();
                fa.dwResetPeriod = s.resetPeriodS();
                fa.cActions = actions.length;
                fa.lpsaActions = first;
                config2(svc, Winsvc.SERVICE_CONFIG_FAILURE_ACTIONS, fa);

                Winsvc.SERVICE_FAILURE_ACTIONS_FLAG flag = new Winsvc.SERVICE_FAILURE_ACTIONS_FLAG();
                flag.fFailureActionsOnNonCrashFailures = 1;
                config2(svc, Winsvc.SERVICE_CONFIG_FAILURE_ACTIONS_FLAG, flag);

                ServiceSidInfo sid = new ServiceSidInfo();
                sid.dwServiceSidType = ServiceInstall.SERVICE_SID_TYPE_UNRESTRICTED;
                config2(svc, Winsvc.SERVICE_CONFIG_SERVICE_SID_INFO, sid);
            } catch (IOException e) {
                a().DeleteService(svc);
                throw e;
            } finally {
                a().CloseServiceHandle(svc);
            }
        } finally {
            a().CloseServiceHandle(m);
        }
    }

    private static void config2(Winsvc.SC_HANDLE svc, int level, Winsvc.ChangeServiceConfig2Info info) throws ScmException {
        if (!a().ChangeServiceConfig2(svc, level, info)) {
            throw last("ChangeServiceConfig2(" + level + ")");
        }
    }

    @Override
    public boolean exists(String name) throws IOException {
        Winsvc.SC_HANDLE m = manager(SC_MANAGER_CONNECT);
        try {
            Winsvc.SC_HANDLE svc = a().OpenService(m, name, SERVICE_QUERY_STATUS);
            if (svc == null) {
                int e = Native.getLastError();
                if (e == ERROR_SERVICE_DOES_NOT_EXIST) {
                    return false;
                }
                throw new ScmException("OpenService(" + name + ")", e);
            }
            a().CloseServiceHandle(svc);
            return true;
        } finally {
            a().CloseServiceHandle(m);
        }
    }

    @Override
    public void start(String name) throws IOException {
        Winsvc.SC_HANDLE m = manager(SC_MANAGER_CONNECT);
        try {
            Winsvc.SC_HANDLE svc = a().OpenService(m, name, SERVICE_START);
            if (svc == null) {
                throw last("OpenService(" + name + ")");
            }
            try {
                if (!a().StartService(svc, 0, null) && Native.getLastError() != ERROR_SERVICE_ALREADY_RUNNING) {
                    throw last("StartService(" + name + ")");
                }
            } finally {
                a().CloseServiceHandle(svc);
            }
        } finally {
            a().CloseServiceHandle(m);
        }
    }

    @Override
    public void stopAndDelete(String name, int timeoutMs) throws IOException {
        Winsvc.SC_HANDLE m = manager(SC_MANAGER_CONNECT);
        try {
            Winsvc.SC_HANDLE svc = a().OpenService(m, name, SERVICE_STOP | SERVICE_QUERY_STATUS | DELETE);
            if (svc == null) {
                int e = Native.getLastError();
                if (e == ERROR_SERVICE_DOES_NOT_EXIST) {
                    return;
                }
                throw new ScmException("OpenService(" + name + ")", e);
            }
            try {
                Winsvc.SERVICE_STATUS st = new Winsvc.SERVICE_STATUS();
                if (!a().ControlService(svc, ServiceStateMachine.SERVICE_CONTROL_STOP, st)) {
                    int e = Native.getLastError();
                    // not running, or starting/stopping already: wait below, then delete (it goes once stopped)
                    if (e != ERROR_SERVICE_NOT_ACTIVE && e != ERROR_SERVICE_CANNOT_ACCEPT_CTRL) {
                        throw new ScmException("ControlService(" + name + ", STOP)", e);
                    }
                }
                long deadline = System.nanoTime() + timeoutMs * 1_000_000L;
                while (a().QueryServiceStatus(svc, st) && st.dwCurrentState != ServiceStateMachine.SERVICE_STOPPED
                        && System.nanoTime() < deadline) {
                    Thread.sleep(200);
                }
                if (!a().DeleteService(svc)) {
                    throw last("DeleteService(" + name + ")");
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted while stopping " + name, e);
            } finally {
                a().CloseServiceHandle(svc);
            }
        } finally {
            a().CloseServiceHandle(m);
        }
    }

    @Override
    public void dispatch(String name, ControlHandler handler, Runnable serviceMain) throws IOException {
        handlerCallback = (control, eventType, eventData, context) -> handler.control(control, eventType);
        mainCallback = (argc, argv) -> {
            statusHandle = a().RegisterServiceCtrlHandlerEx(name, handlerCallback, null);
            if (statusHandle == null) {
                System.err.println("wgdesk helper: RegisterServiceCtrlHandlerEx failed: " + Native.getLastError());
                return;
            }
            serviceMain.run();
        };
        Winsvc.SERVICE_TABLE_ENTRY entry = new Winsvc.SERVICE_TABLE_ENTRY();
        Winsvc.SERVICE_TABLE_ENTRY[] table = (Winsvc.SERVICE_TABLE_ENTRY[]) entry.toArray(2); // NULL-terminated
        table[0].lpServiceName = name;
        table[0].lpServiceProc = mainCallback;
        if (!a().StartServiceCtrlDispatcher(table)) {
            throw last("StartServiceCtrlDispatcher");
        }
    }

    @Override
    public void report(ServiceStateMachine.Status s) {
        Winsvc.SERVICE_STATUS_HANDLE h = statusHandle;
        if (h == null) {
            return;
        }
        Winsvc.SERVICE_STATUS st = new Winsvc.SERVICE_STATUS();
        st.dwServiceType = ServiceInstall.SERVICE_WIN32_OWN_PROCESS;
        st.dwCurrentState = s.currentState();
        st.dwControlsAccepted = s.controlsAccepted();
        st.dwWin32ExitCode = s.win32ExitCode();
        st.dwServiceSpecificExitCode = 0;
        st.dwCheckPoint = s.checkPoint();
        st.dwWaitHint = s.waitHint();
        if (!a().SetServiceStatus(h, st)) {
            System.err.println("wgdesk helper: SetServiceStatus failed: " + Native.getLastError());
        }
    }

}
