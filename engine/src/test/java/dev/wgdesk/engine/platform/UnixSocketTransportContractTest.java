package dev.wgdesk.engine.platform;

import com.sun.security.auth.module.UnixSystem;
import java.nio.file.Path;

/** The IPC transport contract on a UNIX domain socket (Linux here; macOS uses the same class). */
class UnixSocketTransportContractTest extends IpcTransportContract {
    private final UnixSocketTransport transport = new UnixSocketTransport(Path.of("/run/wgdesk/helper.sock"));
    private int next;

    @Override
    protected IpcTransport transport() {
        return transport;
    }

    @Override
    protected String newAddress(Path dir) {
        return dir.resolve("t" + next++ + ".sock").toString();
    }

    @Override
    protected IpcTransport.Access access() {
        return new IpcTransport.Access("root");
    }

    @Override
    protected ClientIdentity self() {
        UnixSystem me = new UnixSystem();
        return ClientIdentity.posix((int) me.getUid(), (int) me.getGid(), System.getProperty("user.name"));
    }
}
