package dev.wgdesk.platform.windows;

import dev.wgdesk.engine.platform.SecretStore;
import java.io.IOException;
import java.util.Arrays;
import java.util.Objects;

/**
 * Stored configurations sealed with DPAPI in the user scope of the account the service runs as,
 * LocalSystem ({@code CryptProtectData(..., CRYPTPROTECT_UI_FORBIDDEN)}), as wireguard-windows
 * does ({@code conf/dpapi/dpapi_windows.go}): unreadable on another machine and unreadable to
 * every other account on this one, administrators included unless they act as SYSTEM. Machine
 * scope ({@code CRYPTPROTECT_LOCAL_MACHINE}), which issue 12's text names, was not chosen: any
 * local account can unseal a machine-scope blob, leaving the directory ACL
 * ({@link WindowsStateDirectory}) as the only protection. The ACL stays as a second barrier.
 * {@link #open} refuses bytes that are not a DPAPI blob before calling Windows, with a message,
 * rather than handing garbage to {@code CryptUnprotectData}.
 */
public final class DpapiSecretStore implements SecretStore {
    /** {@code CRYPTPROTECT_UI_FORBIDDEN}. */
    public static final int CRYPTPROTECT_UI_FORBIDDEN = 0x1;
    /** {@code CRYPTPROTECT_LOCAL_MACHINE}. */
    public static final int CRYPTPROTECT_LOCAL_MACHINE = 0x4;
    /** The description stored in the blob (not secret). */
    public static final String DESCRIPTION = "wgdesk tunnel configuration";
    /**
     * A DPAPI blob starts with its version (1, little-endian DWORD) and the provider GUID
     * {@code df9d8cd0-1501-11d1-8c7a-00c04fc297eb}, in Windows' byte order.
     */
    static final byte[] BLOB_HEADER = {1, 0, 0, 0, (byte) 0xd0, (byte) 0x8c, (byte) 0x9d, (byte) 0xdf, 0x01, 0x15,
        (byte) 0xd1, 0x11, (byte) 0x8c, 0x7a, 0x00, (byte) 0xc0, 0x4f, (byte) 0xc2, (byte) 0x97, (byte) 0xeb};

    /** {@code CryptProtectData} / {@code CryptUnprotectData} (crypt32), a seam for tests. */
    public interface Dpapi {
        byte[] protect(byte[] plaintext, String description, int flags) throws IOException;

        byte[] unprotect(byte[] blob, int flags) throws IOException;
    }

    private final Dpapi dpapi;

    public DpapiSecretStore(Dpapi dpapi) {
        this.dpapi = Objects.requireNonNull(dpapi, "dpapi");
    }

    /**
     * The flags every call passes: the service account's (LocalSystem's) own scope, never a prompt
     * (a service has no desktop). {@link #CRYPTPROTECT_LOCAL_MACHINE} is deliberately absent.
     */
    public static int flags() {
        return CRYPTPROTECT_UI_FORBIDDEN;
    }

    @Override
    public byte[] seal(byte[] plaintext) throws IOException {
        return dpapi.protect(plaintext, DESCRIPTION, flags());
    }

    @Override
    public byte[] open(byte[] sealed) throws IOException {
        if (sealed.length <= BLOB_HEADER.length
                || !Arrays.equals(sealed, 0, BLOB_HEADER.length, BLOB_HEADER, 0, BLOB_HEADER.length)) {
            throw new IOException("not a DPAPI blob (" + sealed.length + " bytes): the stored configuration was not"
                    + " written by the wgdesk helper on Windows, or is damaged");
        }
        return dpapi.unprotect(sealed, flags());
    }

    /** DPAPI through jna-platform's Crypt32Util; Windows only. */
    static Dpapi jna() {
        return new Dpapi() {
            @Override
            public byte[] protect(byte[] plaintext, String description, int flags) throws IOException {
                try {
                    return com.sun.jna.platform.win32.Crypt32Util.cryptProtectData(plaintext, null, flags, description, null);
                } catch (RuntimeException e) {
                    throw new IOException("CryptProtectData failed: " + e.getMessage(), e);
                }
            }

            @Override
            public byte[] unprotect(byte[] blob, int flags) throws IOException {
                try {
                    return com.sun.jna.platform.win32.Crypt32Util.cryptUnprotectData(blob, null, flags, null);
                } catch (RuntimeException e) {
                    throw new IOException("CryptUnprotectData failed (a configuration sealed on another machine?): "
                            + e.getMessage(), e);
                }
            }
        };
    }
}
