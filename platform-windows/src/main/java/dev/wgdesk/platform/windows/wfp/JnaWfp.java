package dev.wgdesk.platform.windows.wfp;

import com.sun.jna.Library;
import com.sun.jna.Memory;
import com.sun.jna.Native;
import com.sun.jna.Pointer;
import com.sun.jna.WString;
import com.sun.jna.ptr.IntByReference;
import com.sun.jna.ptr.LongByReference;
import com.sun.jna.ptr.PointerByReference;
import java.nio.file.Path;

/**
 * {@link WfpApi} on Windows: fwpuclnt.dll and advapi32.dll through JNA, loaded by full path from
 * System32. Not run on Linux (and not yet on Windows): its argument structures are the ones
 * {@code WindowsLayoutTest} proves and {@code WfpKillSwitchTest} fills.
 */
public final class JnaWfp implements WfpApi {
    interface Fwpuclnt extends Library {
        int FwpmEngineOpen0(Pointer serverName, int authnService, Pointer authIdentity,
                            WfpStructs.FwpmSession0 session, PointerByReference engine);
        int FwpmEngineClose0(Pointer engine);
        int FwpmTransactionBegin0(Pointer engine, int flags);
        int FwpmTransactionCommit0(Pointer engine);
        int FwpmTransactionAbort0(Pointer engine);
        int FwpmSubLayerAdd0(Pointer engine, WfpStructs.FwpmSublayer0 subLayer, Pointer sd);
        int FwpmFilterAdd0(Pointer engine, WfpStructs.FwpmFilter0 filter, Pointer sd, LongByReference id);
        int FwpmGetAppIdFromFileName0(WString fileName, PointerByReference appId);
        void FwpmFreeMemory0(PointerByReference p);
    }

    interface Advapi32 extends Library {
        int ConvertStringSecurityDescriptorToSecurityDescriptorW(WString sddl, int revision,
                                                                PointerByReference sd, IntByReference size);
    }

    interface Kernel32 extends Library {
        Pointer LocalFree(Pointer p);
        int GetLastError();
    }

    private final Fwpuclnt fwp;
    private final Advapi32 advapi;
    private final Kernel32 kernel;

    /** Loads the DLLs from {@code %SystemRoot%\System32}. */
    public JnaWfp() {
        Path sys = Path.of(System.getenv().getOrDefault("SystemRoot", "C:\\Windows"), "System32");
        fwp = Native.load(sys.resolve("fwpuclnt.dll").toString(), Fwpuclnt.class);
        advapi = Native.load(sys.resolve("advapi32.dll").toString(), Advapi32.class);
        kernel = Native.load(sys.resolve("kernel32.dll").toString(), Kernel32.class);
    }

    private static Pointer p(long handle) {
        return new Pointer(handle);
    }

    @Override
    public int engineOpen(WfpStructs.FwpmSession0 session, long[] engine) {
        PointerByReference h = new PointerByReference();
        int e = fwp.FwpmEngineOpen0(null, RPC_C_AUTHN_WINNT, null, session, h);
        engine[0] = Pointer.nativeValue(h.getValue());
        return e;
    }

    @Override
    public int engineClose(long engine) {
        return fwp.FwpmEngineClose0(p(engine));
    }

    @Override
    public int transactionBegin(long engine) {
        return fwp.FwpmTransactionBegin0(p(engine), 0);
    }

    @Override
    public int transactionCommit(long engine) {
        return fwp.FwpmTransactionCommit0(p(engine));
    }

    @Override
    public int transactionAbort(long engine) {
        return fwp.FwpmTransactionAbort0(p(engine));
    }

    @Override
    public int subLayerAdd(long engine, WfpStructs.FwpmSublayer0 subLayer) {
        return fwp.FwpmSubLayerAdd0(p(engine), subLayer, null);
    }

    @Override
    public int filterAdd(long engine, WfpStructs.FwpmFilter0 filter) {
        return fwp.FwpmFilterAdd0(p(engine), filter, null, new LongByReference());
    }

    @Override
    public Pointer appIdFromFileName(String path, int[] error) {
        PointerByReference blob = new PointerByReference();
        int e = fwp.FwpmGetAppIdFromFileName0(new WString(path), blob);
        error[0] = e;
        return e == 0 ? blob.getValue() : null;
    }

    @Override
    public Pointer securityDescriptorBlob(String sddl, int[] error) {
        PointerByReference sd = new PointerByReference();
        IntByReference size = new IntByReference();
        if (advapi.ConvertStringSecurityDescriptorToSecurityDescriptorW(new WString(sddl), 1, sd, size) == 0) {
            error[0] = Native.getLastError();
            return null;
        }
        // an FWP_BYTE_BLOB {UINT32 size; UINT8 *data} followed by a copy of the descriptor
        Memory blob = new SdBlob(16 + size.getValue());
        blob.setInt(0, size.getValue());
        blob.setPointer(8, blob.share(16));
        blob.write(16, sd.getValue().getByteArray(0, size.getValue()), 0, size.getValue());
        kernel.LocalFree(sd.getValue());
        return blob;
    }

    @Override
    public void freeMemory(Pointer p) {
        if (p instanceof SdBlob m) {
            m.close();
        } else if (p != null) {
            fwp.FwpmFreeMemory0(new PointerByReference(p));
        }
    }

    /** A descriptor blob this class allocated (freed by JNA, not by fwpuclnt). */
    private static final class SdBlob extends Memory {
        SdBlob(long size) {
            super(size);
        }
    }
}
