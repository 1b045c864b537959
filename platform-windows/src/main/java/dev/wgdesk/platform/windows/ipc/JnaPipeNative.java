package dev.wgdesk.platform.windows.ipc;

import com.sun.jna.Memory;
import com.sun.jna.Native;
import com.sun.jna.Pointer;
import com.sun.jna.WString;
import com.sun.jna.platform.win32.Advapi32Util;
import com.sun.jna.platform.win32.Kernel32;
import com.sun.jna.platform.win32.WinBase;
import com.sun.jna.platform.win32.WinDef;
import com.sun.jna.platform.win32.WinNT;
import com.sun.jna.ptr.IntByReference;
import com.sun.jna.ptr.PointerByReference;
import com.sun.jna.win32.StdCallLibrary;
import java.io.IOException;
import java.nio.channels.AsynchronousCloseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * {@link PipeNative} on Windows: jna-platform's Kernel32 where it declares what is needed, and the
 * few functions it lacks ({@code ImpersonateNamedPipeClient},
 * {@code ConvertStringSecurityDescriptorToSecurityDescriptorW}, {@code GetOverlappedResult},
 * {@code CancelIoEx}, and {@code ReadFile}/{@code WriteFile}/{@code ConnectNamedPipe} taking raw
 * pointers) declared here. Overlapped I/O uses native memory that lives until the operation has
 * completed or its cancellation has (never a Java array JNA would copy back too early), and an
 * OVERLAPPED in plain {@link Memory} (JNA never rewrites it behind the kernel's back).
 *
 * <p>Compiled and its structure offsets and constants checked on Linux (WindowsLayoutTest);
 * never executed there. Loaded only on Windows.
 */
final class JnaPipeNative implements PipeNative {
    /** OVERLAPPED: 32 bytes, hEvent at 24 (checked by WindowsLayoutTest against minwinbase.h). */
    static final int OVERLAPPED_SIZE = 32;
    static final int OVERLAPPED_HEVENT = 24;
    static final int SDDL_REVISION_1 = 1;
    static final int TOKEN_QUERY = 0x0008;
    static final int TOKEN_USER = 1;
    static final int TOKEN_GROUPS = 2;
    static final int TOKEN_PRIMARY_GROUP = 5;
    static final int TOKEN_ELEVATION = 20;
    /** TOKEN_GROUPS: the count, then SID_AND_ATTRIBUTES (16 bytes: PSID, DWORD) from offset 8. */
    static final int TOKEN_GROUPS_FIRST = 8;
    static final int SID_AND_ATTRIBUTES_SIZE = 16;
    static final int SID_AND_ATTRIBUTES_ATTRIBUTES = 8;
    static final int PIPE_UNLIMITED_INSTANCES = 255;
    static final int BUFFER_SIZE = 64 * 1024;
    static final int WAIT_OBJECT_0 = 0;
    static final int INFINITE = 0xFFFFFFFF;

    interface K32 extends StdCallLibrary {
        K32 INSTANCE = Native.load("kernel32", K32.class);

        boolean ConnectNamedPipe(WinNT.HANDLE pipe, Pointer overlapped);

        boolean ReadFile(WinNT.HANDLE h, Pointer buf, int n, Pointer read, Pointer overlapped);

        boolean WriteFile(WinNT.HANDLE h, Pointer buf, int n, Pointer written, Pointer overlapped);

        boolean GetOverlappedResult(WinNT.HANDLE h, Pointer overlapped, IntByReference n, boolean wait);

        boolean CancelIoEx(WinNT.HANDLE h, Pointer overlapped);

        WinNT.HANDLE CreateNamedPipeW(WString name, int openMode, int pipeMode, int maxInstances, int outSize,
                                      int inSize, int defaultTimeout, WinBase.SECURITY_ATTRIBUTES sa);
    }

    interface A32 extends StdCallLibrary {
        A32 INSTANCE = Native.load("advapi32", A32.class);

        boolean ImpersonateNamedPipeClient(WinNT.HANDLE pipe);

        boolean RevertToSelf();

        boolean OpenThreadToken(WinNT.HANDLE thread, int access, boolean openAsSelf, WinNT.HANDLEByReference token);

        boolean GetTokenInformation(WinNT.HANDLE token, int infoClass, Pointer buf, int len, IntByReference needed);

        boolean ConvertStringSecurityDescriptorToSecurityDescriptorW(WString sddl, int revision, PointerByReference sd,
                                                                     IntByReference size);

        boolean ConvertSidToStringSidW(Pointer sid, PointerByReference str);
    }

    private static WinNT.HANDLE h(long v) {
        return new WinNT.HANDLE(new Pointer(v));
    }

    private static long v(WinNT.HANDLE h) {
        return h == null ? 0 : Pointer.nativeValue(h.getPointer());
    }

    private static PipeException last(String what) {
        return new PipeException(what, Native.getLastError());
    }

    @Override
    public long createInstance(String name, String sddl, boolean first) throws IOException {
        PointerByReference sd = new PointerByReference();
        if (!A32.INSTANCE.ConvertStringSecurityDescriptorToSecurityDescriptorW(new WString(sddl), SDDL_REVISION_1, sd, null)) {
            throw last("ConvertStringSecurityDescriptorToSecurityDescriptorW(" + sddl + ")");
        }
        try {
            WinBase.SECURITY_ATTRIBUTES sa = new WinBase.SECURITY_ATTRIBUTES();
            sa.dwLength = new WinDef.DWORD(sa.size());
            sa.lpSecurityDescriptor = sd.getValue();
            sa.bInheritHandle = false;
            WinNT.HANDLE p = K32.INSTANCE.CreateNamedPipeW(new WString(name), PipeSecurity.openMode(first),
                    PipeSecurity.pipeMode(), PIPE_UNLIMITED_INSTANCES, BUFFER_SIZE, BUFFER_SIZE, 0, sa);
            if (p == null || WinBase.INVALID_HANDLE_VALUE.equals(p)) {
                throw last("CreateNamedPipeW(" + name + ")");
            }
            return v(p);
        } finally {
            Kernel32.INSTANCE.LocalFree(sd.getValue());
        }
    }

    @Override
    public long createCancel() throws IOException {
        WinNT.HANDLE e = Kernel32.INSTANCE.CreateEvent(null, true, false, null);
        if (e == null) {
            throw last("CreateEvent");
        }
        return v(e);
    }

    @Override
    public void cancel(long cancel) {
        Kernel32.INSTANCE.SetEvent(h(cancel));
    }

    @Override
    public void close(long handle) {
        if (handle != 0) {
            Kernel32.INSTANCE.CloseHandle(h(handle));
        }
    }

    /** One overlapped operation: its OVERLAPPED and event, freed by {@link #close()}. */
    private static final class Op implements AutoCloseable {
        final Memory ov = new Memory(OVERLAPPED_SIZE);
        final WinNT.HANDLE event;

        Op() throws PipeException {
            event = Kernel32.INSTANCE.CreateEvent(null, true, false, null);
            if (event == null) {
                throw last("CreateEvent");
            }
            ov.clear();
            ov.setPointer(OVERLAPPED_HEVENT, event.getPointer());
        }

        /**
         * Waits for the pending operation or the cancel event; returns the bytes transferred, or
         * throws the operation's error; on cancel, cancels it, waits for that, and throws.
         */
        int await(WinNT.HANDLE file, long cancel, String what) throws IOException {
            int w = Kernel32.INSTANCE.WaitForMultipleObjects(2, new WinNT.HANDLE[] {event, h(cancel)}, false, INFINITE);
            IntByReference n = new IntByReference();
            if (w == WAIT_OBJECT_0) {
                if (!K32.INSTANCE.GetOverlappedResult(file, ov, n, false)) {
                    throw last(what);
                }
                return n.getValue();
            }
            int waitError = Native.getLastError();
            K32.INSTANCE.CancelIoEx(file, ov);
            K32.INSTANCE.GetOverlappedResult(file, ov, n, true); // the kernel is done with ov
            if (w != WAIT_OBJECT_0 + 1) {
                throw new PipeException("WaitForMultipleObjects for " + what + " returned " + w, waitError);
            }
            throw new AsynchronousCloseException();
        }

        @Override
        public void close() {
            Kernel32.INSTANCE.CloseHandle(event);
        }
    }

    @Override
    public void connect(long pipe, long cancel) throws IOException {
        WinNT.HANDLE p = h(pipe);
        try (Op op = new Op()) {
            if (K32.INSTANCE.ConnectNamedPipe(p, op.ov)) {
                return;
            }
            int e = Native.getLastError();
            if (e == ERROR_PIPE_CONNECTED) {
                return;
            }
            if (e != ERROR_IO_PENDING) {
                throw new PipeException("ConnectNamedPipe", e);
            }
            op.await(p, cancel, "ConnectNamedPipe");
        }
    }

    @Override
    public int read(long pipe, byte[] b, int off, int len, long cancel) throws IOException {
        WinNT.HANDLE p = h(pipe);
        int n = Math.min(len, BUFFER_SIZE);
        try (Op op = new Op(); Memory buf = new Memory(n)) {
            int got;
            if (K32.INSTANCE.ReadFile(p, buf, n, null, op.ov)) {
                IntByReference r = new IntByReference();
                K32.INSTANCE.GetOverlappedResult(p, op.ov, r, false);
                got = r.getValue();
            } else {
                int e = Native.getLastError();
                if (e == ERROR_BROKEN_PIPE) {
                    return -1;
                }
                if (e != ERROR_IO_PENDING) {
                    throw new PipeException("ReadFile", e);
                }
                try {
                    got = op.await(p, cancel, "ReadFile");
                } catch (PipeException x) {
                    if (x.error() == ERROR_BROKEN_PIPE) {
                        return -1;
                    }
                    throw x;
                }
            }
            buf.read(0, b, off, got);
            return got;
        }
    }

    @Override
    public void write(long pipe, byte[] b, int off, int len, long cancel) throws IOException {
        WinNT.HANDLE p = h(pipe);
        while (len > 0) {
            int n = Math.min(len, BUFFER_SIZE);
            int done;
            try (Op op = new Op(); Memory buf = new Memory(n)) {
                buf.write(0, b, off, n);
                if (K32.INSTANCE.WriteFile(p, buf, n, null, op.ov)) {
                    IntByReference r = new IntByReference();
                    K32.INSTANCE.GetOverlappedResult(p, op.ov, r, false);
                    done = r.getValue();
                } else {
                    int e = Native.getLastError();
                    if (e != ERROR_IO_PENDING) {
                        throw new PipeException("WriteFile", e);
                    }
                    done = op.await(p, cancel, "WriteFile");
                }
            }
            off += done;
            len -= done;
        }
    }

    @Override
    public ClientToken clientToken(long pipe) throws IOException {
        WinNT.HANDLEByReference tok = new WinNT.HANDLEByReference();
        if (!A32.INSTANCE.ImpersonateNamedPipeClient(h(pipe))) {
            throw last("ImpersonateNamedPipeClient");
        }
        boolean opened;
        int openError;
        try {
            opened = A32.INSTANCE.OpenThreadToken(Kernel32.INSTANCE.GetCurrentThread(), TOKEN_QUERY, true, tok);
            openError = Native.getLastError();
        } finally {
            if (!A32.INSTANCE.RevertToSelf()) {
                // this thread would go on as the client: never; the service manager restarts the helper
                System.err.println("wgdesk helper: RevertToSelf failed (" + Native.getLastError() + "): exiting");
                Runtime.getRuntime().halt(3);
            }
        }
        if (!opened) {
            throw new PipeException("OpenThreadToken", openError);
        }
        WinNT.HANDLE t = tok.getValue();
        try {
            String user;
            try (Memory m = info(t, TOKEN_USER)) {
                user = sidString(m.getPointer(0));
            }
            String primary;
            try (Memory m = info(t, TOKEN_PRIMARY_GROUP)) {
                primary = sidString(m.getPointer(0));
            }
            List<TokenAuthorizer.Group> groups = new ArrayList<>();
            try (Memory m = info(t, TOKEN_GROUPS)) {
                int count = m.getInt(0);
                for (int i = 0; i < count; i++) {
                    long at = TOKEN_GROUPS_FIRST + (long) i * SID_AND_ATTRIBUTES_SIZE;
                    groups.add(new TokenAuthorizer.Group(sidString(m.getPointer(at)),
                            m.getInt(at + SID_AND_ATTRIBUTES_ATTRIBUTES)));
                }
            }
            boolean elevated;
            try (Memory m = info(t, TOKEN_ELEVATION)) {
                elevated = m.getInt(0) != 0;
            }
            String name = lookupName(user).orElse(user);
            return new ClientToken(new TokenAuthorizer.Token(user, name, groups, elevated), primary);
        } finally {
            Kernel32.INSTANCE.CloseHandle(t);
        }
    }

    private static Memory info(WinNT.HANDLE token, int cls) throws PipeException {
        IntByReference need = new IntByReference();
        A32.INSTANCE.GetTokenInformation(token, cls, null, 0, need);
        if (need.getValue() <= 0) {
            throw last("GetTokenInformation(" + cls + ") size");
        }
        Memory m = new Memory(need.getValue());
        if (!A32.INSTANCE.GetTokenInformation(token, cls, m, need.getValue(), need)) {
            m.close();
            throw last("GetTokenInformation(" + cls + ")");
        }
        return m;
    }

    private static String sidString(Pointer sid) throws PipeException {
        PointerByReference s = new PointerByReference();
        if (!A32.INSTANCE.ConvertSidToStringSidW(sid, s)) {
            throw last("ConvertSidToStringSidW");
        }
        try {
            return s.getValue().getWideString(0);
        } finally {
            Kernel32.INSTANCE.LocalFree(s.getValue());
        }
    }

    @Override
    public Optional<String> lookupSid(String accountName) {
        try {
            return Optional.ofNullable(Advapi32Util.getAccountByName(accountName).sidString);
        } catch (RuntimeException e) { // Win32Exception: ERROR_NONE_MAPPED
            return Optional.empty();
        }
    }

    @Override
    public Optional<String> lookupName(String sid) {
        try {
            Advapi32Util.Account a = Advapi32Util.getAccountBySid(sid);
            if (a.name == null || a.name.isEmpty()) {
                return Optional.empty();
            }
            return Optional.of(a.domain == null || a.domain.isEmpty() ? a.name : a.domain + "\\" + a.name);
        } catch (RuntimeException e) {
            return Optional.empty();
        }
    }
}
