package dev.wgdesk.platform.windows.ipc;

import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * The helper's named pipe: its name, the flags it is created with, and its security descriptor as
 * SDDL (for {@code ConvertStringSecurityDescriptorToSecurityDescriptorW}). Pure; thread-safe.
 *
 * <p>The DACL is protected (no inherited entries) and grants, in this order: nothing to network
 * logons ({@code NU}, denied first; the pipe is also created with
 * {@code PIPE_REJECT_REMOTE_CLIENTS}); full access to SYSTEM ({@code SY}, the helper service) and
 * to Administrators ({@code BA}); and to each allowed group (the local {@code wgdesk-users} group
 * the installer creates, and Network Configuration Operators {@code S-1-5-32-556}) read and write
 * <em>without</em> {@code FILE_CREATE_PIPE_INSTANCE}, so that no unprivileged user can create a
 * server instance of the pipe and pose as the helper. With {@code FILE_FLAG_FIRST_PIPE_INSTANCE}
 * the helper also refuses to start if someone else already owns the name. The owner is SYSTEM.
 */
public final class PipeSecurity {
    /** The pipe's name. */
    public static final String PIPE_NAME = "\\\\.\\pipe\\wgdesk-helper";
    /** The local group whose members may use tunnels. */
    public static final String USERS_GROUP = "wgdesk-users";
    /** The SID of the builtin Network Configuration Operators group. */
    public static final String NETWORK_CONFIGURATION_OPERATORS = "S-1-5-32-556";

    /** {@code PIPE_ACCESS_DUPLEX}. */
    public static final int PIPE_ACCESS_DUPLEX = 0x00000003;
    /** {@code FILE_FLAG_FIRST_PIPE_INSTANCE}. */
    public static final int FILE_FLAG_FIRST_PIPE_INSTANCE = 0x00080000;
    /** {@code FILE_FLAG_OVERLAPPED}. */
    public static final int FILE_FLAG_OVERLAPPED = 0x40000000;
    /** {@code PIPE_TYPE_BYTE | PIPE_READMODE_BYTE | PIPE_WAIT}. */
    public static final int PIPE_BYTE_WAIT = 0x00000000;
    /** {@code PIPE_REJECT_REMOTE_CLIENTS}. */
    public static final int PIPE_REJECT_REMOTE_CLIENTS = 0x00000008;

    /**
     * The access a user gets: {@code FILE_GENERIC_READ | FILE_GENERIC_WRITE} without
     * {@code FILE_APPEND_DATA} (which on a pipe is {@code FILE_CREATE_PIPE_INSTANCE}).
     */
    public static final int USER_ACCESS = (0x120089 | 0x120116) & ~0x4;

    private static final Pattern SID = Pattern.compile("S-1-\\d{1,13}(-\\d{1,10}){1,15}");

    private PipeSecurity() {}

    /** The open mode for the first instance: duplex, overlapped, first instance only. */
    public static int openMode(boolean first) {
        return PIPE_ACCESS_DUPLEX | FILE_FLAG_OVERLAPPED | (first ? FILE_FLAG_FIRST_PIPE_INSTANCE : 0);
    }

    /** The pipe mode: byte stream, blocking, remote clients rejected. */
    public static int pipeMode() {
        return PIPE_BYTE_WAIT | PIPE_REJECT_REMOTE_CLIENTS;
    }

    /**
     * The SDDL for the pipe, allowing the groups {@code allowedGroupSids} (string SIDs, for example
     * the SID of {@code wgdesk-users} and {@link #NETWORK_CONFIGURATION_OPERATORS}) to use it.
     *
     * @throws IllegalArgumentException for something that is not a string SID (a name, an SDDL
     *     fragment): it would change the descriptor's meaning
     */
    public static String sddl(List<String> allowedGroupSids) {
        StringBuilder sb = new StringBuilder("O:SYD:P(D;;GA;;;NU)(A;;GA;;;SY)(A;;GA;;;BA)");
        String mask = "0x" + Integer.toHexString(USER_ACCESS).toLowerCase(Locale.ROOT);
        for (String sid : allowedGroupSids) {
            if (sid == null || !SID.matcher(sid).matches()) {
                throw new IllegalArgumentException("not a string SID: " + sid);
            }
            sb.append("(A;;").append(mask).append(";;;").append(sid).append(')');
        }
        return sb.toString();
    }
}
