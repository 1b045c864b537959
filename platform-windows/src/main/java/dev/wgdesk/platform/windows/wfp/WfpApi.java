package dev.wgdesk.platform.windows.wfp;

import com.sun.jna.Pointer;

/**
 * The fwpuclnt.dll calls the kill switch makes, one method per Windows function (returning the
 * Win32/FWP error, 0 for success), so that tests check the session, transaction and filter structs
 * {@link WfpKillSwitch} builds with a recording fake. Engine handles are {@code long}s.
 */
public interface WfpApi {
    /** {@code RPC_C_AUTHN_WINNT}: the authentication service FwpmEngineOpen0 is given. */
    int RPC_C_AUTHN_WINNT = 10;

    /** {@code FwpmEngineOpen0(NULL, RPC_C_AUTHN_WINNT, NULL, session, &engine)}. */
    int engineOpen(WfpStructs.FwpmSession0 session, long[] engine);

    /** {@code FwpmEngineClose0}: for a dynamic session, removes every object it added. */
    int engineClose(long engine);

    int transactionBegin(long engine);

    int transactionCommit(long engine);

    int transactionAbort(long engine);

    /** {@code FwpmSubLayerAdd0(engine, subLayer, NULL)}. */
    int subLayerAdd(long engine, WfpStructs.FwpmSublayer0 subLayer);

    /** {@code FwpmFilterAdd0(engine, filter, NULL, &id)}. */
    int filterAdd(long engine, WfpStructs.FwpmFilter0 filter);

    /**
     * {@code FwpmGetAppIdFromFileName0}: the {@code FWP_BYTE_BLOB} identifying {@code path}, or
     * null with the error in {@code error[0]}. Freed with {@link #freeMemory}.
     */
    Pointer appIdFromFileName(String path, int[] error);

    /**
     * A self-relative security descriptor from SDDL as an {@code FWP_BYTE_BLOB} (for
     * {@code FWPM_CONDITION_ALE_USER_ID}), or null with the error in {@code error[0]}.
     */
    Pointer securityDescriptorBlob(String sddl, int[] error);

    /** Frees what {@link #appIdFromFileName} or {@link #securityDescriptorBlob} returned. */
    void freeMemory(Pointer p);
}
