package dev.wgdesk.platform.windows.service;

import com.sun.jna.Structure.FieldOrder;
import com.sun.jna.platform.win32.Winsvc;

/** {@code SERVICE_SID_INFO} (winsvc.h): one DWORD; jna-platform does not declare it. */
@FieldOrder({"dwServiceSidType"})
public class ServiceSidInfo extends Winsvc.ChangeServiceConfig2Info {
    public int dwServiceSidType;
}
