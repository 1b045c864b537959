package dev.wgdesk.engine.platform;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.Channels;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/** A UAPI client for tests: what {@code wg} sends on a UNIX socket, and the answer up to the blank line. */
public final class UapiRequests {
    private UapiRequests() {}

    /** Sends {@code request} to the socket {@code path} and returns the answer up to and with the blank line. */
    public static String request(Path path, String request) throws IOException {
        try (SocketChannel c = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            c.connect(UnixDomainSocketAddress.of(path));
            return exchange(Channels.newInputStream(c), Channels.newOutputStream(c), request);
        }
    }

    /** Writes {@code request} to {@code out} and reads the answer from {@code in} up to the blank line. */
    public static String exchange(InputStream in, OutputStream out, String request) throws IOException {
        out.write(request.getBytes(StandardCharsets.US_ASCII));
        out.flush();
        StringBuilder b = new StringBuilder();
        while (!b.toString().endsWith("\n\n")) {
            int ch = in.read();
            if (ch < 0) {
                break;
            }
            b.append((char) ch);
        }
        return b.toString();
    }
}
