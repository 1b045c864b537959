package dev.wgdesk.platform.windows.ipc;

import java.io.IOException;
import java.nio.channels.AsynchronousCloseException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Named pipes with Windows' semantics in memory, for driving {@link NamedPipeTransport}'s real
 * loops on Linux: instances per name, {@code FILE_FLAG_FIRST_PIPE_INSTANCE} refused when the name
 * exists, a client connecting to a free listening instance or getting {@code ERROR_PIPE_BUSY},
 * byte streams both ways, {@code ERROR_BROKEN_PIPE} as end of stream once the other end closed
 * (after the data it wrote), cancel events that stop any wait. Every handle is tracked so tests
 * can check none leaks. One lock and one condition: simple, and plenty for tests.
 */
final class FakePipeNative implements PipeNative {
    private final Object lock = new Object();
    private long nextHandle = 0x100;
    private final Map<Long, Instance> instances = new HashMap<>();
    private final Set<Long> events = new HashSet<>();
    private final Set<Long> signalled = new HashSet<>();
    final Map<String, String> accounts = new HashMap<>();
    final List<String> sddls = new ArrayList<>();

    final class Instance {
        final String name;
        final long handle;
        boolean serverClosed;
        boolean clientConnected;
        boolean clientClosed;
        boolean serverRead; // impersonation needs a read first
        ClientToken token;
        final ArrayDeque<Byte> toServer = new ArrayDeque<>();
        final ArrayDeque<Byte> toClient = new ArrayDeque<>();

        Instance(String name, long handle) {
            this.name = name;
            this.handle = handle;
        }
    }

    /** The client end, as a test program uses it. */
    final class Client implements AutoCloseable {
        private final Instance i;

        Client(Instance i) {
            this.i = i;
        }

        void write(String s) {
            synchronized (lock) {
                for (byte b : s.getBytes(java.nio.charset.StandardCharsets.UTF_8)) {
                    i.toServer.add(b);
                }
                lock.notifyAll();
            }
        }

        /** Reads until {@code n} bytes or end of stream; waits. */
        String read(int n) throws InterruptedException {
            StringBuilder sb = new StringBuilder();
            synchronized (lock) {
                while (sb.length() < n) {
                    if (!i.toClient.isEmpty()) {
                        sb.append((char) (byte) i.toClient.poll());
                        continue;
                    }
                    if (i.serverClosed) {
                        break;
                    }
                    lock.wait();
                }
            }
            return sb.toString();
        }

        @Override
        public void close() {
            synchronized (lock) {
                i.clientClosed = true;
                lock.notifyAll();
            }
        }
    }

    /** A client opening {@code name} with {@code token}: the first listening instance, or ERROR_PIPE_BUSY. */
    Client open(String name, ClientToken token) throws PipeException {
        synchronized (lock) {
            for (Instance i : instances.values()) {
                if (i.name.equals(name) && !i.serverClosed && !i.clientConnected) {
                    i.clientConnected = true;
                    i.token = token;
                    lock.notifyAll();
                    return new Client(i);
                }
            }
            boolean exists = instances.values().stream().anyMatch(i -> i.name.equals(name) && !i.serverClosed);
            throw new PipeException("open " + name, exists ? ERROR_PIPE_BUSY : 2);
        }
    }

    /** Handles not closed yet (instances and events). */
    int openHandles() {
        synchronized (lock) {
            return (int) instances.values().stream().filter(i -> !i.serverClosed).count() + events.size();
        }
    }

    /** How many server instances of {@code name} wait for a client. */
    int listening(String name) {
        synchronized (lock) {
            return (int) instances.values().stream()
                    .filter(i -> i.name.equals(name) && !i.serverClosed && !i.clientConnected).count();
        }
    }

    @Override
    public long createInstance(String name, String sddl, boolean first) throws IOException {
        synchronized (lock) {
            if (first && instances.values().stream().anyMatch(i -> i.name.equals(name) && !i.serverClosed)) {
                throw new PipeException("CreateNamedPipeW(" + name + ")", ERROR_ACCESS_DENIED);
            }
            long h = nextHandle++;
            instances.put(h, new Instance(name, h));
            sddls.add(sddl);
            return h;
        }
    }

    @Override
    public long createCancel() {
        synchronized (lock) {
            long h = nextHandle++;
            events.add(h);
            return h;
        }
    }

    @Override
    public void cancel(long cancel) {
        synchronized (lock) {
            signalled.add(cancel);
            lock.notifyAll();
        }
    }

    private Instance instance(long pipe) throws PipeException {
        Instance i = instances.get(pipe);
        if (i == null || i.serverClosed) {
            throw new PipeException("invalid handle " + pipe, 6);
        }
        return i;
    }

    private void await(long cancel) throws IOException {
        if (signalled.contains(cancel)) {
            throw new AsynchronousCloseException();
        }
        try {
            lock.wait();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException(e);
        }
        if (signalled.contains(cancel)) {
            throw new AsynchronousCloseException();
        }
    }

    @Override
    public void connect(long pipe, long cancel) throws IOException {
        synchronized (lock) {
            Instance i = instance(pipe);
            while (!i.clientConnected) {
                await(cancel);
            }
        }
    }

    @Override
    public int read(long pipe, byte[] b, int off, int len, long cancel) throws IOException {
        synchronized (lock) {
            Instance i = instance(pipe);
            while (i.toServer.isEmpty()) {
                if (i.clientClosed) {
                    return -1;
                }
                await(cancel);
            }
            int n = 0;
            while (n < len && !i.toServer.isEmpty()) {
                b[off + n++] = i.toServer.poll();
            }
            i.serverRead = true;
            return n;
        }
    }

    @Override
    public void write(long pipe, byte[] b, int off, int len, long cancel) throws IOException {
        synchronized (lock) {
            Instance i = instance(pipe);
            if (i.clientClosed) {
                throw new PipeException("WriteFile", ERROR_NO_DATA);
            }
            for (int k = 0; k < len; k++) {
                i.toClient.add(b[off + k]);
            }
            lock.notifyAll();
        }
    }

    @Override
    public ClientToken clientToken(long pipe) throws IOException {
        synchronized (lock) {
            Instance i = instance(pipe);
            if (!i.clientConnected || !i.serverRead) {
                throw new PipeException("ImpersonateNamedPipeClient", ERROR_CANNOT_IMPERSONATE);
            }
            return i.token;
        }
    }

    @Override
    public void close(long handle) {
        synchronized (lock) {
            Instance i = instances.get(handle);
            if (i != null) {
                if (i.serverClosed) {
                    throw new AssertionError("handle " + handle + " closed twice");
                }
                i.serverClosed = true;
            } else if (!events.remove(handle)) {
                throw new AssertionError("closing unknown handle " + handle);
            }
            lock.notifyAll();
        }
    }

    @Override
    public Optional<String> lookupSid(String accountName) {
        return Optional.ofNullable(accounts.get(accountName));
    }

    @Override
    public Optional<String> lookupName(String sid) {
        return accounts.entrySet().stream().filter(e -> e.getValue().equals(sid)).map(Map.Entry::getKey).findFirst();
    }
}
