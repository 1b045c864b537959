package dev.wgdesk.platform.windows;

import com.sun.jna.Callback;
import com.sun.jna.Memory;
import com.sun.jna.Native;
import com.sun.jna.NativeLibrary;
import com.sun.jna.Pointer;
import com.sun.jna.WString;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * {@link WintunNative} on Windows: {@code wintun.dll} and kernel32 through JNA direct mapping
 * (static native methods, so a packet costs no argument arrays).
 *
 * <p><b>Where wintun.dll comes from.</b> {@link #load()} calls {@code LoadLibraryExW("wintun.dll",
 * NULL, LOAD_LIBRARY_SEARCH_APPLICATION_DIR | LOAD_LIBRARY_SEARCH_SYSTEM32)}: the directory of
 * the running executable ({@code wgdesk-helper.exe}, which the installer puts next to the
 * verified wintun.dll) and System32, never the PATH or the current directory, so a planted DLL is
 * not picked up. JNA's own loader cannot be given these flags (it always adds
 * {@code LOAD_WITH_ALTERED_SEARCH_PATH}), so the module is loaded here first, its 14 exports are
 * checked with {@code GetProcAddress}, and JNA is then pointed at that already-loaded module by
 * its full path. Only when the JVM is not our launcher (tests on a Windows CI runner run
 * {@code java.exe}) may an administrator name the DLL by absolute path with the system property
 * {@code wgdesk.wintun.dll}; it is then loaded with {@code LOAD_LIBRARY_SEARCH_DLL_LOAD_DIR |
 * LOAD_LIBRARY_SEARCH_SYSTEM32}.
 *
 * <p>Not run on Linux: nothing here executes without Windows. The layout and export names are
 * checked on Linux by the tests under wine (WintunDllTest).
 */
final class JnaWintun implements WintunNative {
    static final int LOAD_LIBRARY_SEARCH_DLL_LOAD_DIR = 0x100;
    static final int LOAD_LIBRARY_SEARCH_APPLICATION_DIR = 0x200;
    static final int LOAD_LIBRARY_SEARCH_SYSTEM32 = 0x800;
    /** The system property naming wintun.dll by absolute path (test runners only). */
    static final String PATH_PROPERTY = "wgdesk.wintun.dll";

    private static final Object LOCK = new Object();
    private static JnaWintun instance; // guarded by LOCK
    private static volatile LoggerCallback loggerCallback; // strong reference while registered

    private final ThreadLocal<Memory> waitHandles = ThreadLocal.withInitial(() -> new Memory(16));

    private JnaWintun() {}

    /** Loads wintun.dll once per JVM (see the class comment); later calls return the same instance. */
    static JnaWintun load() throws WindowsTunException {
        synchronized (LOCK) {
            if (instance != null) {
                return instance;
            }
            String explicit = System.getProperty(PATH_PROPERTY);
            Pointer module;
            String where;
            if (explicit != null && !explicit.isEmpty()) {
                Path p = Path.of(explicit);
                if (!p.isAbsolute()) {
                    throw new WindowsTunException(WindowsTunException.Reason.DLL_MISSING, 0,
                            PATH_PROPERTY + " must be an absolute path, not " + explicit);
                }
                where = p.toString();
                module = Kernel32.LoadLibraryExW(new WString(where), null,
                        LOAD_LIBRARY_SEARCH_DLL_LOAD_DIR | LOAD_LIBRARY_SEARCH_SYSTEM32);
            } else {
                where = "the application directory";
                module = Kernel32.LoadLibraryExW(new WString("wintun.dll"), null,
                        LOAD_LIBRARY_SEARCH_APPLICATION_DIR | LOAD_LIBRARY_SEARCH_SYSTEM32);
            }
            if (module == null) {
                int error = Native.getLastError();
                throw new WindowsTunException(WindowsTunException.Reason.DLL_MISSING, error,
                        "cannot load wintun.dll from " + where + " (" + WindowsTunException.describe(error)
                                + "); it is installed next to wgdesk-helper.exe: reinstall wgdesk");
            }
            List<String> missing = new ArrayList<>();
            for (String export : EXPORTS) {
                if (Kernel32.GetProcAddress(module, export) == null) {
                    missing.add(export);
                }
            }
            if (!missing.isEmpty()) {
                throw new WindowsTunException(WindowsTunException.Reason.DLL_MISSING, 127,
                        "wintun.dll lacks the exports " + missing + ": not the Wintun 0.14 DLL wgdesk ships");
            }
            byte[] buf = new byte[2 * 32768];
            int chars = Kernel32.GetModuleFileNameW(module, buf, 32768);
            if (chars <= 0) {
                int error = Native.getLastError();
                throw new WindowsTunException(WindowsTunException.Reason.DLL_MISSING, error,
                        "cannot tell where wintun.dll was loaded from: " + WindowsTunException.describe(error));
            }
            String path = new String(buf, 0, 2 * chars, StandardCharsets.UTF_16LE);
            Native.register(Dll.class, NativeLibrary.getInstance(path)); // the module loaded above
            instance = new JnaWintun();
            return instance;
        }
    }

    @Override
    public long createAdapter(String name, String tunnelType, byte[] guid) {
        return Dll.WintunCreateAdapter(new WString(name), new WString(tunnelType), guid);
    }

    @Override
    public long openAdapter(String name) {
        return Dll.WintunOpenAdapter(new WString(name));
    }

    @Override
    public void closeAdapter(long adapter) {
        Dll.WintunCloseAdapter(adapter);
    }

    @Override
    public boolean deleteDriver() {
        return Dll.WintunDeleteDriver() != 0;
    }

    @Override
    public long adapterLuid(long adapter) {
        long[] luid = new long[1];
        Dll.WintunGetAdapterLUID(adapter, luid);
        return luid[0];
    }

    @Override
    public int runningDriverVersion() {
        return Dll.WintunGetRunningDriverVersion();
    }

    @Override
    public void setLogger(Logger logger) {
        LoggerCallback cb = logger == null ? null : (level, timestamp, message) -> {
            LogLevel l = level >= 0 && level < LogLevel.values().length ? LogLevel.values()[level] : LogLevel.ERR;
            logger.log(l, timestamp, message == null ? "" : message.getWideString(0));
        };
        Dll.WintunSetLogger(cb);
        loggerCallback = cb; // the DLL holds the function pointer: keep the callback reachable
    }

    @Override
    public long startSession(long adapter, int capacity) {
        return Dll.WintunStartSession(adapter, capacity);
    }

    @Override
    public void endSession(long session) {
        Dll.WintunEndSession(session);
    }

    @Override
    public long readWaitEvent(long session) {
        return Dll.WintunGetReadWaitEvent(session);
    }

    @Override
    public long receivePacket(long session, long sizeOut) {
        return Dll.WintunReceivePacket(session, sizeOut);
    }

    @Override
    public void releaseReceivePacket(long session, long packet) {
        Dll.WintunReleaseReceivePacket(session, packet);
    }

    @Override
    public long allocateSendPacket(long session, int size) {
        return Dll.WintunAllocateSendPacket(session, size);
    }

    @Override
    public void sendPacket(long session, long packet) {
        Dll.WintunSendPacket(session, packet);
    }

    @Override
    public int lastError() {
        return Native.getLastError();
    }

    @Override
    public long createEvent() {
        return Kernel32.CreateEventW(null, 1, 0, null);
    }

    @Override
    public boolean setEvent(long event) {
        return Kernel32.SetEvent(event) != 0;
    }

    @Override
    public int waitAny(long first, long second, int timeoutMs) {
        Memory m = waitHandles.get();
        m.setLong(0, first);
        m.setLong(8, second);
        return Kernel32.WaitForMultipleObjects(2, Pointer.nativeValue(m), 0, timeoutMs);
    }

    @Override
    public boolean closeHandle(long handle) {
        return Kernel32.CloseHandle(handle) != 0;
    }

    /** {@code WINTUN_LOGGER_CALLBACK}: {@code void (WINTUN_LOGGER_LEVEL, DWORD64, const WCHAR*)}. */
    interface LoggerCallback extends Callback {
        void invoke(int level, long timestamp, Pointer message);
    }

    /** The 14 Wintun exports, registered against the module {@link #load()} loaded. */
    static final class Dll {
        private Dll() {}

        static native long WintunCreateAdapter(WString name, WString tunnelType, byte[] requestedGuid);
        static native long WintunOpenAdapter(WString name);
        static native void WintunCloseAdapter(long adapter);
        static native int WintunDeleteDriver();
        static native void WintunGetAdapterLUID(long adapter, long[] luid);
        static native int WintunGetRunningDriverVersion();
        static native void WintunSetLogger(LoggerCallback callback);
        static native long WintunStartSession(long adapter, int capacity);
        static native void WintunEndSession(long session);
        static native long WintunGetReadWaitEvent(long session);
        static native long WintunReceivePacket(long session, long packetSize);
        static native void WintunReleaseReceivePacket(long session, long packet);
        static native long WintunAllocateSendPacket(long session, int packetSize);
        static native void WintunSendPacket(long session, long packet);
    }

    /** The kernel32 functions used here (kernel32 is a known DLL: always System32's). */
    static final class Kernel32 {
        static {
            Native.register("kernel32");
        }

        private Kernel32() {}

        static native Pointer LoadLibraryExW(WString fileName, Pointer reserved, int flags);
        static native Pointer GetProcAddress(Pointer module, String procName);
        static native int GetModuleFileNameW(Pointer module, byte[] buffer, int sizeInChars);
        static native long CreateEventW(Pointer attributes, int manualReset, int initialState, Pointer name);
        static native int SetEvent(long event);
        static native int WaitForMultipleObjects(int count, long handles, int waitAll, int milliseconds);
        static native int CloseHandle(long handle);
    }
}
