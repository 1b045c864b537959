package dev.wgdesk.platform.windows.net;

import com.sun.jna.Function;
import com.sun.jna.Library;
import com.sun.jna.Native;
import com.sun.jna.NativeLibrary;
import com.sun.jna.Structure;
import dev.wgdesk.platform.windows.wfp.WfpStructs;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * {@link IpHelper} on Windows: iphlpapi.dll through JNA, loaded by its full path in System32
 * (never through the DLL search order). {@code SetInterfaceDnsSettings} is looked up at run time,
 * as it exists only from Windows 10 1809; its GUID argument is passed by value
 * ({@link Structure.ByValue}), which JNA lays out per ABI (a hidden pointer on x64, two registers
 * on arm64). Not run on Linux: only its rows are tested here (WindowsNetConfigTest, layout test).
 */
public final class JnaIpHelper implements IpHelper {
    /** The iphlpapi functions with fixed signatures (rows by reference). */
    interface Iphlpapi extends Library {
        void InitializeUnicastIpAddressEntry(MibUnicastIpAddressRow row);
        int CreateUnicastIpAddressEntry(MibUnicastIpAddressRow row);
        int DeleteUnicastIpAddressEntry(MibUnicastIpAddressRow row);
        void InitializeIpForwardEntry(MibIpForwardRow2 row);
        int CreateIpForwardEntry2(MibIpForwardRow2 row);
        int DeleteIpForwardEntry2(MibIpForwardRow2 row);
        int GetIpInterfaceEntry(MibIpInterfaceRow row);
        int SetIpInterfaceEntry(MibIpInterfaceRow row);
        int ConvertInterfaceLuidToGuid(long[] luid, byte[] guid);
    }

    /** A GUID passed by value. */
    public static class GuidByValue extends WfpStructs.Guid implements Structure.ByValue {}

    private final Path system32;
    private final Iphlpapi api;
    private final Function setDns; // null before Windows 10 1809

    /** Loads {@code %SystemRoot%\System32\iphlpapi.dll}. */
    public JnaIpHelper() {
        String root = System.getenv().getOrDefault("SystemRoot", "C:\\Windows");
        this.system32 = Path.of(root, "System32");
        String dll = system32.resolve("iphlpapi.dll").toString();
        this.api = Native.load(dll, Iphlpapi.class);
        Function f;
        try {
            f = NativeLibrary.getInstance(dll).getFunction("SetInterfaceDnsSettings");
        } catch (UnsatisfiedLinkError e) {
            f = null;
        }
        this.setDns = f;
    }

    @Override
    public void initializeUnicastIpAddressEntry(MibUnicastIpAddressRow row) {
        api.InitializeUnicastIpAddressEntry(row);
    }

    @Override
    public int createUnicastIpAddressEntry(MibUnicastIpAddressRow row) {
        return api.CreateUnicastIpAddressEntry(row);
    }

    @Override
    public int deleteUnicastIpAddressEntry(MibUnicastIpAddressRow row) {
        return api.DeleteUnicastIpAddressEntry(row);
    }

    @Override
    public void initializeIpForwardEntry(MibIpForwardRow2 row) {
        api.InitializeIpForwardEntry(row);
    }

    @Override
    public int createIpForwardEntry2(MibIpForwardRow2 row) {
        return api.CreateIpForwardEntry2(row);
    }

    @Override
    public int deleteIpForwardEntry2(MibIpForwardRow2 row) {
        return api.DeleteIpForwardEntry2(row);
    }

    @Override
    public int getIpInterfaceEntry(MibIpInterfaceRow row) {
        return api.GetIpInterfaceEntry(row);
    }

    @Override
    public int setIpInterfaceEntry(MibIpInterfaceRow row) {
        return api.SetIpInterfaceEntry(row);
    }

    @Override
    public int convertInterfaceLuidToGuid(long luid, byte[] guid) {
        return api.ConvertInterfaceLuidToGuid(new long[] {luid}, guid);
    }

    @Override
    public boolean hasSetInterfaceDnsSettings() {
        return setDns != null;
    }

    @Override
    public int setInterfaceDnsSettings(byte[] guid, DnsInterfaceSettings settings) {
        GuidByValue g = new GuidByValue();
        g.getPointer().write(0, guid, 0, 16);
        g.read();
        return setDns.invokeInt(new Object[] {g, settings});
    }

    @Override
    public int netsh(List<String> args) {
        List<String> cmd = new ArrayList<>();
        cmd.add(system32.resolve("netsh.exe").toString());
        cmd.addAll(args);
        try {
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            if (!p.waitFor(30, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                return -1;
            }
            return p.exitValue();
        } catch (IOException e) {
            return -1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return -1;
        }
    }
}
