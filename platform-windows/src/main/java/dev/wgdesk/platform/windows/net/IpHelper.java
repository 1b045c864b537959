package dev.wgdesk.platform.windows.net;

import java.util.List;

/**
 * The iphlpapi.dll calls the network configuration makes, one method per Windows function, with
 * the project's own JNA rows ({@link MibUnicastIpAddressRow}, {@link MibIpForwardRow2},
 * {@link MibIpInterfaceRow}, {@link DnsInterfaceSettings}). Functions return the Win32 error
 * ({@code NO_ERROR} = 0). An interface so that tests check the rows {@link WindowsNetConfig}
 * builds with a recording fake; {@link JnaIpHelper} is the implementation on Windows.
 */
public interface IpHelper {
    int NO_ERROR = 0;
    int ERROR_NOT_FOUND = 1168;
    int ERROR_OBJECT_ALREADY_EXISTS = 5010;

    /** {@code InitializeUnicastIpAddressEntry}: defaults (infinite lifetimes...). */
    void initializeUnicastIpAddressEntry(MibUnicastIpAddressRow row);

    int createUnicastIpAddressEntry(MibUnicastIpAddressRow row);

    int deleteUnicastIpAddressEntry(MibUnicastIpAddressRow row);

    /** {@code InitializeIpForwardEntry}: defaults. */
    void initializeIpForwardEntry(MibIpForwardRow2 row);

    int createIpForwardEntry2(MibIpForwardRow2 row);

    int deleteIpForwardEntry2(MibIpForwardRow2 row);

    /** {@code GetIpInterfaceEntry}: {@code Family} and {@code InterfaceLuid} are set on entry. */
    int getIpInterfaceEntry(MibIpInterfaceRow row);

    int setIpInterfaceEntry(MibIpInterfaceRow row);

    /** {@code ConvertInterfaceLuidToGuid}: the 16 GUID bytes into {@code guid}. */
    int convertInterfaceLuidToGuid(long luid, byte[] guid);

    /** Whether {@code SetInterfaceDnsSettings} exists (Windows 10 1809 and later). */
    boolean hasSetInterfaceDnsSettings();

    /** {@code SetInterfaceDnsSettings(guid, settings)}; strings are UTF-16LE, NUL-terminated. */
    int setInterfaceDnsSettings(byte[] guid, DnsInterfaceSettings settings);

    /** Runs {@code netsh} with these arguments (the DNS fallback); returns its exit code. */
    int netsh(List<String> args);
}
