package dev.wgdesk.platform.windows.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.wgdesk.engine.platform.ServiceRegistration;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** {@link WindowsServiceRegistration} driven by a fake service control manager. */
@Timeout(30)
class WindowsServiceRegistrationTest {
    /** Plays the SCM: records calls and statuses; the test sends controls through {@link #send}. */
    static final class FakeScm implements ScmApi {
        final List<String> calls = Collections.synchronizedList(new ArrayList<>());
        final List<ServiceStateMachine.Status> statuses = Collections.synchronizedList(new ArrayList<>());
        boolean registered;
        boolean startedBySCM = true;
        volatile ControlHandler handler;
        final CountDownLatch dispatching = new CountDownLatch(1);
        ServiceInstall created;
        int markedForDelete; // how many creates fail with ERROR_SERVICE_MARKED_FOR_DELETE

        @Override
        public void create(ServiceInstall install, String description) throws IOException {
            if (markedForDelete > 0) {
                markedForDelete--;
                calls.add("create refused: marked for delete");
                throw new ScmException("CreateService", ERROR_SERVICE_MARKED_FOR_DELETE);
            }
            if (registered) {
                throw new ScmException("CreateService", ERROR_SERVICE_EXISTS);
            }
            calls.add("create " + install.name());
            created = install;
            registered = true;
        }

        @Override
        public boolean exists(String name) {
            return registered;
        }

        @Override
        public void start(String name) {
            calls.add("start " + name);
        }

        @Override
        public void stopAndDelete(String name, int timeoutMs) {
            calls.add("stopAndDelete " + name + " " + timeoutMs);
            registered = false;
        }

        @Override
        public void dispatch(String name, ControlHandler h, Runnable serviceMain) throws IOException {
            if (!startedBySCM) {
                throw new ScmException("StartServiceCtrlDispatcher", ERROR_FAILED_SERVICE_CONTROLLER_CONNECT);
            }
            calls.add("dispatch " + name);
            handler = h;
            dispatching.countDown();
            Thread t = new Thread(serviceMain); // the SCM calls ServiceMain on its own thread
            t.start();
            try {
                t.join();
            } catch (InterruptedException e) {
                throw new IOException(e);
            }
        }

        @Override
        public void report(ServiceStateMachine.Status status) {
            statuses.add(status);
        }

        int send(int control, int eventType) throws InterruptedException {
            dispatching.await();
            return handler.control(control, eventType);
        }

        List<Integer> states() {
            synchronized (statuses) {
                return statuses.stream().map(ServiceStateMachine.Status::currentState).toList();
            }
        }

        boolean reached(int state) {
            return states().contains(state);
        }
    }

    static final class RecordingBody implements ServiceRegistration.Body {
        final List<String> events = Collections.synchronizedList(new ArrayList<>());
        final CountDownLatch resumed = new CountDownLatch(1);
        volatile long stopMillis;
        volatile Exception startFailure;

        @Override
        public void start() throws Exception {
            events.add("start");
            if (startFailure != null) {
                throw startFailure;
            }
        }

        final CountDownLatch releaseStop = new CountDownLatch(1);

        @Override
        public void stop() {
            events.add("stop");
            try {
                releaseStop.await(stopMillis, TimeUnit.MILLISECONDS); // until the test has seen progress
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }

        @Override
        public void resumed() {
            events.add("resumed");
            resumed.countDown();
        }
    }

    static void waitFor(java.util.function.BooleanSupplier c) throws InterruptedException {
        while (!c.getAsBoolean()) {
            Thread.sleep(5);
        }
    }

    @Test
    void installRegistersTheHelperAndStartsIt() throws Exception {
        FakeScm scm = new FakeScm();
        WindowsServiceRegistration reg = new WindowsServiceRegistration(scm, () -> scm.calls.add("delete driver"));
        assertFalse(reg.isInstalled());
        reg.install(Path.of("C:\\Program Files\\wgdesk\\wgdesk-helper.exe"));
        assertTrue(reg.isInstalled());
        assertEquals(List.of("create wgdesk-helper", "start wgdesk-helper"), scm.calls);
        assertEquals("\"C:\\Program Files\\wgdesk\\wgdesk-helper.exe\" helper", scm.created.binaryPath());
        assertEquals(List.of("Nsi", "TcpIp"), scm.created.dependencies());
        // installing again replaces the registration (an upgrade)
        reg.install(Path.of("C:\\Program Files\\wgdesk\\wgdesk-helper.exe"));
        assertEquals("stopAndDelete wgdesk-helper 30000", scm.calls.get(2));
        reg.uninstall();
        assertFalse(reg.isInstalled());
        assertEquals(List.of("stopAndDelete wgdesk-helper 30000", "delete driver"), scm.calls.subList(5, 7),
                "the driver is removed after the service");
        reg.uninstall(); // absent: not an error
    }

    @Test
    void installWaitsForAnOldRegistrationStillMarkedForDeletion() throws Exception {
        FakeScm scm = new FakeScm();
        scm.markedForDelete = 2;
        List<Long> slept = new ArrayList<>();
        new WindowsServiceRegistration(scm, () -> { }, slept::add, 50).install(Path.of("C:\\wgdesk\\wgdesk-helper.exe"));
        assertEquals(List.of("create refused: marked for delete", "create refused: marked for delete",
                "create wgdesk-helper", "start wgdesk-helper"), scm.calls);
        assertEquals(List.of(500L, 500L), slept);
        FakeScm stuck = new FakeScm();
        stuck.markedForDelete = 1000;
        ScmApi.ScmException e = assertThrows(ScmApi.ScmException.class,
                () -> new WindowsServiceRegistration(stuck, () -> { }, ms -> { }, 50).install(Path.of("C:\\wgdesk\\wgdesk-helper.exe")));
        assertEquals(ScmApi.ERROR_SERVICE_MARKED_FOR_DELETE, e.error());
        assertEquals(WindowsServiceRegistration.CREATE_ATTEMPTS, stuck.calls.size(), "gives up after its attempts");
    }

    @Test
    void startRunStopUnderTheScm() throws Exception {
        FakeScm scm = new FakeScm();
        RecordingBody body = new RecordingBody();
        body.stopMillis = 20_000; // stop() returns when the test has seen the checkpoint advance
        Thread service = new Thread(() -> {
            try {
                new WindowsServiceRegistration(scm, () -> { }, ms -> { }, 50).run(body);
            } catch (Exception e) {
                throw new RuntimeException(e);
            }
        });
        service.start();
        waitFor(() -> scm.reached(ServiceStateMachine.SERVICE_RUNNING));
        assertEquals(List.of(ServiceStateMachine.SERVICE_START_PENDING, ServiceStateMachine.SERVICE_RUNNING), scm.states());
        ServiceStateMachine.Status running = scm.statuses.get(1);
        assertEquals(ServiceStateMachine.SERVICE_ACCEPT_STOP | ServiceStateMachine.SERVICE_ACCEPT_SHUTDOWN
                | ServiceStateMachine.SERVICE_ACCEPT_POWEREVENT, running.controlsAccepted());

        // resume from sleep: body.resumed() on its own thread, the handler returns at once
        assertEquals(0, scm.send(ServiceStateMachine.SERVICE_CONTROL_POWEREVENT, ServiceStateMachine.PBT_APMRESUMEAUTOMATIC));
        assertTrue(body.resumed.await(5, TimeUnit.SECONDS));
        assertEquals(0, scm.send(ServiceStateMachine.SERVICE_CONTROL_POWEREVENT, ServiceStateMachine.PBT_APMSUSPEND));
        assertEquals(ServiceStateMachine.ERROR_CALL_NOT_IMPLEMENTED, scm.send(0x80, 0)); // a user-defined control

        assertEquals(0, scm.send(ServiceStateMachine.SERVICE_CONTROL_STOP, 0));
        waitFor(() -> scm.statuses.stream().filter(st -> st.currentState() == ServiceStateMachine.SERVICE_STOP_PENDING)
                .count() >= 3);
        body.releaseStop.countDown();
        service.join();
        List<Integer> states = scm.states();
        assertEquals(ServiceStateMachine.SERVICE_STOP_PENDING, (int) states.get(2));
        assertEquals(ServiceStateMachine.SERVICE_STOPPED, (int) states.get(states.size() - 1));
        // progress while body.stop() ran: checkpoints 2, 3 after the first STOP_PENDING report
        List<Integer> checkpoints = scm.statuses.stream()
                .filter(s -> s.currentState() == ServiceStateMachine.SERVICE_STOP_PENDING)
                .map(ServiceStateMachine.Status::checkPoint).toList();
        assertTrue(checkpoints.size() >= 3, checkpoints.toString());
        for (int i = 1; i < checkpoints.size(); i++) {
            assertEquals(checkpoints.get(i - 1) + 1, (int) checkpoints.get(i), checkpoints.toString());
        }
        assertEquals(0, scm.statuses.get(scm.statuses.size() - 1).win32ExitCode());
        assertEquals(List.of("start", "resumed", "stop"), body.events);
        // a second stop (shutdown arriving late) changes nothing
        assertEquals(0, scm.send(ServiceStateMachine.SERVICE_CONTROL_SHUTDOWN, 0));
        assertEquals(List.of("start", "resumed", "stop"), body.events);
    }

    @Test
    void aFailedStartReportsStoppedWithAnErrorAndRethrows() throws Exception {
        FakeScm scm = new FakeScm();
        RecordingBody body = new RecordingBody();
        body.startFailure = new IOException("the pipe exists");
        IOException e = assertThrows(IOException.class, () -> new WindowsServiceRegistration(scm).run(body));
        assertSame(body.startFailure, e);
        ServiceStateMachine.Status last = scm.statuses.get(scm.statuses.size() - 1);
        assertEquals(ServiceStateMachine.SERVICE_STOPPED, last.currentState());
        assertEquals(ScmApi.ERROR_EXCEPTION_IN_SERVICE, last.win32ExitCode());
    }

    @Test
    void runOutsideTheScmSaysHowToStartTheService() {
        FakeScm scm = new FakeScm();
        scm.startedBySCM = false;
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> new WindowsServiceRegistration(scm).run(new RecordingBody()));
        assertTrue(e.getMessage().contains("sc start wgdesk-helper"), e.getMessage());
    }
}
