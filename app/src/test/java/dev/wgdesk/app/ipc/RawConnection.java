package dev.wgdesk.app.ipc;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/** A bare socket to the server, for sending bytes no client library would send. */
final class RawConnection implements AutoCloseable {
    private final SocketChannel channel;
    private final LineReader reader;

    RawConnection(Path socket) throws IOException {
        channel = SocketChannel.open(StandardProtocolFamily.UNIX);
        channel.connect(UnixDomainSocketAddress.of(socket));
        reader = new LineReader(Channels.newInputStream(channel), IpcProtocol.MAX_SERVER_MESSAGE_BYTES);
    }

    void send(String text) throws IOException {
        send(text.getBytes(StandardCharsets.UTF_8));
    }

    void send(byte[] bytes) throws IOException {
        ByteBuffer b = ByteBuffer.wrap(bytes);
        while (b.hasRemaining()) {
            channel.write(b);
        }
    }

    void shutdownOutput() throws IOException {
        channel.shutdownOutput();
    }

    /** The next message, or null at end of stream. */
    JsonNode read() throws IOException {
        LineReader.Line l = reader.next();
        return l == null ? null : IpcJson.parseObject(l.bytes(), l.length());
    }

    @Override
    public void close() throws IOException {
        channel.close();
    }
}
