package dev.wgdesk.platform.windows;

import com.sun.jna.Native;
import com.sun.jna.Pointer;
import com.sun.jna.WString;
import com.sun.jna.platform.win32.Kernel32;
import com.sun.jna.platform.win32.WinBase;
import com.sun.jna.platform.win32.WinDef;
import com.sun.jna.ptr.IntByReference;
import com.sun.jna.ptr.PointerByReference;
import com.sun.jna.win32.StdCallLibrary;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;

/**
 * The helper's state directory, {@code %ProgramData%\wgdesk}, and its ACL: owner SYSTEM, a
 * protected DACL (nothing inherited from ProgramData, where Users may create folders and files)
 * granting full control to SYSTEM and Administrators only, inherited by everything in it.
 *
 * <p>Why this matters: the configurations are sealed in LocalSystem's DPAPI scope
 * ({@link DpapiSecretStore}), and the ACL is the second barrier (file names, metadata, the journal
 * are not sealed). And since Users may
 * create folders in ProgramData, the directory could be created first by someone else: if it
 * exists and is owned by anyone but SYSTEM or Administrators, {@link #ensure} refuses it (its
 * owner could change its ACL, or have planted files) and says how to remove it.
 *
 * <p>How it is applied: a new directory is created with the descriptor at once
 * ({@code CreateDirectoryW} with {@code SECURITY_ATTRIBUTES} from the SDDL), leaving no moment with
 * ProgramData's inherited ACL; an existing, trusted one gets the DACL again with
 * {@code SetNamedSecurityInfoW(DACL | PROTECTED_DACL)}, which also propagates to what is inside.
 */
public final class WindowsStateDirectory {
    /** {@code O:SY} owner SYSTEM; {@code D:PAI} protected, auto-inherited; {@code OICI} inherited by files and folders; {@code FA} full access. */
    public static final String SDDL = "O:SYD:PAI(A;OICI;FA;;;SY)(A;OICI;FA;;;BA)";
    /** {@code DACL_SECURITY_INFORMATION | PROTECTED_DACL_SECURITY_INFORMATION}. */
    public static final int SECURITY_INFORMATION = 0x00000004 | 0x80000000;
    /** {@code OWNER_SECURITY_INFORMATION}. */
    static final int OWNER_SECURITY_INFORMATION = 0x00000001;
    /** {@code SE_FILE_OBJECT}. */
    static final int SE_FILE_OBJECT = 1;
    /** The owners a state directory may have: SYSTEM, Administrators. */
    static final Set<String> TRUSTED_OWNERS = Set.of("S-1-5-18", "S-1-5-32-544");

    /** The advapi32/kernel32 calls, a seam for tests. */
    public interface Acl {
        /** {@code CreateDirectoryW} with the descriptor of {@code sddl}; false if it exists already. */
        boolean createDirectory(Path dir, String sddl) throws IOException;

        /** {@code GetNamedSecurityInfoW(OWNER)}: the owner's string SID. */
        String ownerSid(Path dir) throws IOException;

        /** {@code SetNamedSecurityInfoW(securityInformation)} with the DACL of {@code sddl}. */
        void applyDacl(Path dir, String sddl, int securityInformation) throws IOException;
    }

    private WindowsStateDirectory() {}

    /** {@code %ProgramData%\wgdesk}, {@code C:\ProgramData\wgdesk} when the variable is missing. */
    public static Path location(Map<String, String> env) {
        String pd = env.getOrDefault("ProgramData", env.getOrDefault("PROGRAMDATA", "C:\\ProgramData"));
        return Path.of(pd, "wgdesk");
    }

    /**
     * Creates the directory with its ACL, or checks the owner of an existing one and sets the
     * ACL again.
     *
     * @throws IOException if it exists with an untrusted owner, or a call fails
     */
    public static Path ensure(Path dir, Acl acl) throws IOException {
        if (!acl.createDirectory(dir, SDDL)) {
            String owner = acl.ownerSid(dir);
            if (!TRUSTED_OWNERS.contains(owner)) {
                throw new IOException(dir + " is owned by " + owner + ", not SYSTEM or Administrators: another user may"
                        + " have created it to read or plant tunnel configurations. An administrator must remove it"
                        + " (rd /s /q \"" + dir + "\") before the wgdesk helper can start");
            }
            acl.applyDacl(dir, SDDL, SECURITY_INFORMATION);
        }
        return dir;
    }

    /** The ACL through advapi32 and kernel32; Windows only. */
    static Acl jna() {
        return new Acl() {
            @Override
            public boolean createDirectory(Path dir, String sddl) throws IOException {
                Pointer sd = descriptor(sddl);
                try {
                    WinBase.SECURITY_ATTRIBUTES sa = new WinBase.SECURITY_ATTRIBUTES();
                    sa.dwLength = new WinDef.DWORD(sa.size());
                    sa.lpSecurityDescriptor = sd;
                    if (SecurityApi.K.CreateDirectoryW(new WString(dir.toString()), sa)) {
                        return true;
                    }
                    int e = Native.getLastError();
                    if (e == 183) { // ERROR_ALREADY_EXISTS
                        return false;
                    }
                    throw new IOException("CreateDirectoryW(" + dir + ") failed: Win32 error " + e);
                } finally {
                    Kernel32.INSTANCE.LocalFree(sd);
                }
            }

            @Override
            public String ownerSid(Path dir) throws IOException {
                PointerByReference owner = new PointerByReference();
                PointerByReference sd = new PointerByReference();
                int e = SecurityApi.A.GetNamedSecurityInfoW(new WString(dir.toString()), SE_FILE_OBJECT,
                        OWNER_SECURITY_INFORMATION, owner, null, null, null, sd);
                if (e != 0) {
                    throw new IOException("GetNamedSecurityInfoW(" + dir + ") failed: Win32 error " + e);
                }
                try {
                    PointerByReference s = new PointerByReference();
                    if (!SecurityApi.A.ConvertSidToStringSidW(owner.getValue(), s)) {
                        throw new IOException("ConvertSidToStringSidW failed: Win32 error " + Native.getLastError());
                    }
                    try {
                        return s.getValue().getWideString(0);
                    } finally {
                        Kernel32.INSTANCE.LocalFree(s.getValue());
                    }
                } finally {
                    Kernel32.INSTANCE.LocalFree(sd.getValue());
                }
            }

            @Override
            public void applyDacl(Path dir, String sddl, int info) throws IOException {
                Pointer sd = descriptor(sddl);
                try {
                    IntByReference present = new IntByReference();
                    IntByReference defaulted = new IntByReference();
                    PointerByReference dacl = new PointerByReference();
                    if (!SecurityApi.A.GetSecurityDescriptorDacl(sd, present, dacl, defaulted) || present.getValue() == 0) {
                        throw new IOException("no DACL in " + sddl);
                    }
                    int e = SecurityApi.A.SetNamedSecurityInfoW(new WString(dir.toString()), SE_FILE_OBJECT, info,
                            null, null, dacl.getValue(), null);
                    if (e != 0) {
                        throw new IOException("SetNamedSecurityInfoW(" + dir + ") failed: Win32 error " + e);
                    }
                } finally {
                    Kernel32.INSTANCE.LocalFree(sd);
                }
            }

            private Pointer descriptor(String sddl) throws IOException {
                PointerByReference sd = new PointerByReference();
                if (!SecurityApi.A.ConvertStringSecurityDescriptorToSecurityDescriptorW(new WString(sddl), 1, sd, null)) {
                    throw new IOException("ConvertStringSecurityDescriptorToSecurityDescriptorW failed: Win32 error "
                            + Native.getLastError());
                }
                return sd.getValue();
            }
        };
    }

    interface SecurityApi {
        interface Advapi extends StdCallLibrary {
            boolean ConvertStringSecurityDescriptorToSecurityDescriptorW(WString sddl, int revision, PointerByReference sd,
                                                                         IntByReference size);

            boolean ConvertSidToStringSidW(Pointer sid, PointerByReference str);

            int GetNamedSecurityInfoW(WString name, int objectType, int info, PointerByReference owner,
                                      PointerByReference group, PointerByReference dacl, PointerByReference sacl,
                                      PointerByReference sd);

            boolean GetSecurityDescriptorDacl(Pointer sd, IntByReference present, PointerByReference dacl,
                                              IntByReference defaulted);

            int SetNamedSecurityInfoW(WString name, int objectType, int info, Pointer owner, Pointer group, Pointer dacl,
                                      Pointer sacl);
        }

        interface Kernel extends StdCallLibrary {
            boolean CreateDirectoryW(WString path, WinBase.SECURITY_ATTRIBUTES sa);
        }

        Advapi A = Native.load("advapi32", Advapi.class);
        Kernel K = Native.load("kernel32", Kernel.class);
    }
}
