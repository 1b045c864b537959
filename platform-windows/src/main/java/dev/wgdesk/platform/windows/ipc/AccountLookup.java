package dev.wgdesk.platform.windows.ipc;

import java.util.Optional;

/** Account look-ups of the local security authority (advapi32), as a seam for tests. */
public interface AccountLookup {
    /** {@code LookupAccountNameW}: the string SID of a local account or group, empty if unknown. */
    Optional<String> lookupSid(String accountName);

    /** {@code LookupAccountSidW}: {@code DOMAIN\name} of a SID, empty if it has none. */
    Optional<String> lookupName(String sid);
}
