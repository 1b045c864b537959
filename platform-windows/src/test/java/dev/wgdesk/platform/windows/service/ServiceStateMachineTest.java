package dev.wgdesk.platform.windows.service;

import static dev.wgdesk.platform.windows.service.ServiceStateMachine.*;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.wgdesk.platform.windows.service.ServiceStateMachine.Action;
import dev.wgdesk.platform.windows.service.ServiceStateMachine.Reply;
import dev.wgdesk.platform.windows.service.ServiceStateMachine.Status;
import java.util.List;
import org.junit.jupiter.api.Test;

class ServiceStateMachineTest {
    @Test
    void startRunStopStopped() {
        ServiceStateMachine m = new ServiceStateMachine();
        assertEquals(new Status(SERVICE_START_PENDING, 0, 0, 1, 30_000), m.status());
        assertEquals(new Status(SERVICE_START_PENDING, 0, 0, 2, 30_000), m.stopProgress());
        assertEquals(new Status(SERVICE_RUNNING, 0x45, 0, 0, 0), m.started());
        Reply stop = m.control(SERVICE_CONTROL_STOP, 0);
        assertEquals(new Reply(NO_ERROR, new Status(SERVICE_STOP_PENDING, 0, 0, 1, 30_000), Action.STOP), stop);
        assertEquals(Action.NONE, m.control(SERVICE_CONTROL_SHUTDOWN, 0).action(), "a second stop starts nothing");
        assertEquals(2, m.stopProgress().checkPoint());
        assertEquals(new Status(SERVICE_STOPPED, 0, 0, 0, 0), m.stopped(0));
        assertEquals(new Reply(NO_ERROR, new Status(SERVICE_STOPPED, 0, 0, 0, 0), Action.NONE),
                m.control(SERVICE_CONTROL_INTERROGATE, 0));
    }

    @Test
    void shutdownStopsLikeStop() {
        ServiceStateMachine m = new ServiceStateMachine();
        m.started();
        assertEquals(Action.STOP, m.control(SERVICE_CONTROL_SHUTDOWN, 0).action());
    }

    @Test
    void powerResumeAsksForNewHandshakesOnlyWhileRunning() {
        ServiceStateMachine m = new ServiceStateMachine();
        assertEquals(Action.NONE, m.control(SERVICE_CONTROL_POWEREVENT, PBT_APMRESUMEAUTOMATIC).action());
        m.started();
        assertEquals(new Reply(NO_ERROR, null, Action.RESUME), m.control(SERVICE_CONTROL_POWEREVENT, PBT_APMRESUMEAUTOMATIC));
        assertEquals(Action.RESUME, m.control(SERVICE_CONTROL_POWEREVENT, PBT_APMRESUMESUSPEND).action());
        assertEquals(Action.NONE, m.control(SERVICE_CONTROL_POWEREVENT, PBT_APMSUSPEND).action());
    }

    @Test
    void unknownControlsAndStopWhileStartingAreNotImplemented() {
        ServiceStateMachine m = new ServiceStateMachine();
        Reply r = m.control(SERVICE_CONTROL_STOP, 0);
        assertEquals(ERROR_CALL_NOT_IMPLEMENTED, r.returnCode());
        assertNull(r.report());
        m.started();
        assertEquals(ERROR_CALL_NOT_IMPLEMENTED, m.control(0x2 /* PAUSE */, 0).returnCode());
        assertThrows(IllegalStateException.class, m::started);
    }

    @Test
    void aFailedStartReportsItsExitCode() {
        ServiceStateMachine m = new ServiceStateMachine();
        assertEquals(new Status(SERVICE_STOPPED, 0, 1066, 0, 0), m.stopped(1066));
    }

    @Test
    void theRegistrationQuotesThePathAndDependsOnNsiAndTcpIp() {
        ServiceInstall s = ServiceInstall.of("C:\\Program Files\\wgdesk\\wgdesk-helper.exe");
        assertEquals("\"C:\\Program Files\\wgdesk\\wgdesk-helper.exe\" helper", s.binaryPath());
        assertEquals("Nsi\0TcpIp\0\0", s.dependenciesMultiString());
        assertEquals(List.of(1_000, 5_000, 30_000), s.restartDelaysMs());
        assertEquals("wgdesk-helper", s.name());
        assertThrows(IllegalArgumentException.class, () -> ServiceInstall.of("wgdesk-helper.exe"));
        assertThrows(IllegalArgumentException.class, () -> ServiceInstall.of("C:\\a\" --evil \"b.exe"));
    }
}
