package dev.wgdesk.platform.windows;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * The helper's state directory, {@code %ProgramData%\wgdesk}, and its ACL: owner SYSTEM, a
 * protected DACL (nothing inherited from ProgramData, where Users may create files) granting full
 * control to SYSTEM and Administrators only, inherited by every file and subdirectory created in
 * it. Applied when the helper starts, with
 * {@code ConvertStringSecurityDescriptorToSecurityDescriptorW(SDDL)} and
 * {@code SetFileSecurityW(dir, DACL_SECURITY_INFORMATION | PROTECTED_DACL_SECURITY_INFORMATION)}
 * (the owner of a directory the service created is SYSTEM already).
 */
public final class WindowsStateDirectory {
    /** {@code O:SY} owner SYSTEM; {@code D:PAI} protected, auto-inherited; {@code OICI} inherited by files and folders; {@code FA} full access. */
    public static final String SDDL = "O:SYD:PAI(A;OICI;FA;;;SY)(A;OICI;FA;;;BA)";
    /** {@code DACL_SECURITY_INFORMATION | PROTECTED_DACL_SECURITY_INFORMATION}. */
    public static final int SECURITY_INFORMATION = 0x00000004 | 0x80000000;

    /** Applies {@link #SDDL} to a directory ({@code SetFileSecurityW}); a seam for tests. */
    public interface Acl {
        void apply(Path dir, String sddl, int securityInformation) throws IOException;
    }

    private WindowsStateDirectory() {}

    /** {@code %ProgramData%\wgdesk}, {@code C:\ProgramData\wgdesk} when the variable is missing. */
    public static Path location(Map<String, String> env) {
        String pd = env.getOrDefault("ProgramData", env.getOrDefault("PROGRAMDATA", "C:\\ProgramData"));
        return Path.of(pd, "wgdesk");
    }

    /** Creates the directory if needed and sets its ACL. */
    public static Path ensure(Path dir, Acl acl) throws IOException {
        Files.createDirectories(dir);
        acl.apply(dir, SDDL, SECURITY_INFORMATION);
        return dir;
    }

    /** The ACL through advapi32 (jna-platform); Windows only. */
    static Acl jna() {
        return (dir, sddl, info) -> {
            com.sun.jna.ptr.PointerByReference sd = new com.sun.jna.ptr.PointerByReference();
            if (!SecurityApi.INSTANCE.ConvertStringSecurityDescriptorToSecurityDescriptorW(new com.sun.jna.WString(sddl),
                    1, sd, null)) {
                throw new IOException("ConvertStringSecurityDescriptorToSecurityDescriptorW failed: Win32 error "
                        + com.sun.jna.Native.getLastError());
            }
            try {
                if (!SecurityApi.INSTANCE.SetFileSecurityW(new com.sun.jna.WString(dir.toString()), info, sd.getValue())) {
                    throw new IOException("SetFileSecurityW(" + dir + ") failed: Win32 error " + com.sun.jna.Native.getLastError());
                }
            } finally {
                com.sun.jna.platform.win32.Kernel32.INSTANCE.LocalFree(sd.getValue());
            }
        };
    }

    interface SecurityApi extends com.sun.jna.win32.StdCallLibrary {
        SecurityApi INSTANCE = com.sun.jna.Native.load("advapi32", SecurityApi.class);

        boolean ConvertStringSecurityDescriptorToSecurityDescriptorW(com.sun.jna.WString sddl, int revision,
                com.sun.jna.ptr.PointerByReference sd, com.sun.jna.ptr.IntByReference size);

        boolean SetFileSecurityW(com.sun.jna.WString path, int info, com.sun.jna.Pointer sd);
    }
}
