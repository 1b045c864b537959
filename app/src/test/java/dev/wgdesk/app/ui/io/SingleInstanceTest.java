package dev.wgdesk.app.ui.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SingleInstanceTest {
    @TempDir
    Path dir;

    private final BlockingQueue<String> seen = new LinkedBlockingQueue<>();
    private final SingleInstance.Handler recorder = new SingleInstance.Handler() {
        @Override
        public void show() {
            seen.add("show");
        }

        @Override
        public void open(List<Path> files) {
            seen.add("open " + files);
        }
    };

    private Path socket() {
        return dir.resolve("run/wgdesk/ui.sock");
    }

    @Test
    void theSecondStartHandsItsRequestToTheFirst() throws Exception {
        SingleInstance.Outcome first = SingleInstance.claim(socket(), new SingleInstance.Request(true, List.of()));
        SingleInstance running = assertInstanceOf(SingleInstance.Outcome.Claimed.class, first).instance();
        try {
            assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(socket().getParent())));
            // A request that arrives before the UI is ready waits for the handler.
            assertInstanceOf(SingleInstance.Outcome.Forwarded.class,
                    SingleInstance.claim(socket(), new SingleInstance.Request(true, List.of())));
            running.setHandler(recorder);
            assertEquals("show", seen.poll(10, TimeUnit.SECONDS));

            Path conf = dir.resolve("my tunnel.conf");
            assertInstanceOf(SingleInstance.Outcome.Forwarded.class,
                    SingleInstance.claim(socket(), new SingleInstance.Request(true, List.of(conf))));
            assertEquals("open [" + conf + "]", seen.poll(10, TimeUnit.SECONDS));

            // The login autostart while the app runs: nothing to show, nothing to start.
            assertInstanceOf(SingleInstance.Outcome.Forwarded.class,
                    SingleInstance.claim(socket(), new SingleInstance.Request(false, List.of())));
            assertEquals(null, seen.poll(300, TimeUnit.MILLISECONDS));
        } finally {
            running.close();
        }
        assertFalse(Files.exists(socket()), "the socket is removed on close");
    }

    @Test
    void aStaleSocketFromACrashedAppIsTakenOver() throws Exception {
        // What a crashed app leaves: a socket file nobody listens on.
        Files.createDirectories(socket().getParent(),
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        try (var dead = java.nio.channels.ServerSocketChannel.open(java.net.StandardProtocolFamily.UNIX)) {
            dead.bind(java.net.UnixDomainSocketAddress.of(socket()));
        }
        assertTrue(Files.exists(socket()));
        SingleInstance.Outcome next = SingleInstance.claim(socket(), new SingleInstance.Request(true, List.of()));
        assertInstanceOf(SingleInstance.Outcome.Claimed.class, next);
        ((SingleInstance.Outcome.Claimed) next).instance().close();
    }

    @Test
    void simultaneousStartsYieldExactlyOneInstance() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Callable<SingleInstance.Outcome>> starts = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                starts.add(() -> SingleInstance.claim(socket(), new SingleInstance.Request(true, List.of())));
            }
            List<SingleInstance.Outcome> outcomes = new ArrayList<>();
            for (Future<SingleInstance.Outcome> f : pool.invokeAll(starts)) {
                outcomes.add(f.get(30, TimeUnit.SECONDS));
            }
            List<SingleInstance> claimed = outcomes.stream().filter(o -> o instanceof SingleInstance.Outcome.Claimed)
                    .map(o -> ((SingleInstance.Outcome.Claimed) o).instance()).toList();
            assertEquals(1, claimed.size(), "one instance: " + outcomes);
            assertEquals(3, outcomes.stream().filter(o -> o instanceof SingleInstance.Outcome.Forwarded).count());
            claimed.getFirst().setHandler(recorder);
            for (int i = 0; i < 3; i++) {
                assertEquals("show", seen.poll(10, TimeUnit.SECONDS));
            }
            claimed.getFirst().close();
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void aDirectoryOthersCanEnterIsNotUsed() throws Exception {
        Path shared = Files.createDirectories(dir.resolve("shared"));
        Files.setPosixFilePermissions(shared, PosixFilePermissions.fromString("rwxrwxrwx"));
        assertInstanceOf(SingleInstance.Outcome.Unavailable.class,
                SingleInstance.claim(shared.resolve("ui.sock"), new SingleInstance.Request(true, List.of())));
    }

    @Test
    void withoutPosixPermissionsAsOnWindowsAFileStartIsForwardedToTheRunningApp() throws Exception {
        Path sock = dir.resolve("LocalAppData/wgdesk/ui.sock");
        SingleInstance.Outcome first = SingleInstance.claim(sock, new SingleInstance.Request(false, List.of()), false);
        SingleInstance running = assertInstanceOf(SingleInstance.Outcome.Claimed.class, first).instance();
        try {
            running.setHandler(recorder);
            // wgdesk.exe "C:\...\office.conf" while the tray app runs: its arguments, as UiMain hands them on.
            Path conf = dir.resolve("Downloads/office.conf");
            var args = dev.wgdesk.app.ui.view.UiArgs.parse(List.of(conf.toString()), System.err);
            assertInstanceOf(SingleInstance.Outcome.Forwarded.class,
                    SingleInstance.claim(sock, new SingleInstance.Request(!args.hidden(), args.open()), false));
            assertEquals("open [" + conf + "]", seen.poll(10, TimeUnit.SECONDS));
        } finally {
            running.close();
        }
    }
}
