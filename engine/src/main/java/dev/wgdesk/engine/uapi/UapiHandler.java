package dev.wgdesk.engine.uapi;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.System.Logger.Level;
import java.util.Objects;
import java.util.concurrent.locks.ReentrantReadWriteLock;

/**
 * Serves WireGuard's cross-platform configuration protocol (the text protocol {@code wg} and
 * {@code wg-quick} speak over {@code /var/run/wireguard/NAME.sock}) for one device, with the
 * replies of wireguard-go's {@code IpcHandle}, byte for byte.
 *
 * <p>A connection carries any number of operations, each answered before the next is read:
 * <pre>
 * get=1\n\n                     →  key=value lines, then errno=0\n\n
 * set=1\nkey=value\n...\n\n     →  errno=N\n\n   (N = 0 or a negative errno)
 * anything else                 →  the connection is closed without a reply
 * </pre>
 * A {@code get=1\n} followed by anything but a second newline is answered with EINVAL. See
 * {@link SetOperation} and {@link GetResponse} for the keys.
 *
 * <p><b>Limits.</b> A request line may be at most {@value LineReader#MAX_LINE_LENGTH} bytes; a
 * longer one fails the {@code set} with EIO, as wireguard-go's line scanner does (it allows
 * 64 KiB; no valid line comes near either limit). The number of lines is not limited: each line
 * is applied as it is read, so memory does not grow with the request.
 *
 * <p><b>After an error</b> the rest of the {@code set} request is read and discarded up to its
 * blank line before the reply is sent, so the connection stays usable and a client still writing
 * a long request never hits a closed socket. (wireguard-go replies at once and its stream then
 * loses sync, which in practice closes the connection.)
 *
 * <p><b>Concurrency.</b> One handler serves every connection of a device; call
 * {@link #serve} from one thread per connection. {@code set} requests hold an exclusive lock
 * while they are read and applied and {@code get} snapshots a shared one, as wireguard-go's
 * {@code ipcMutex}: a client that stops in the middle of a {@code set} blocks the others, so
 * the socket must be accessible to root (or the owning user) only.
 *
 * <p><b>Secrets.</b> Reply and line buffers are zeroed after use; keys and request lines are
 * never logged, only key names and reasons.
 */
public final class UapiHandler {
    private static final System.Logger LOG = System.getLogger(UapiHandler.class.getName());

    private final UapiTarget target;
    private final ErrnoConvention errno;
    private final ReentrantReadWriteLock lock = new ReentrantReadWriteLock(true);

    /** A handler for {@code target} using the errno numbers of this operating system. */
    public UapiHandler(UapiTarget target) {
        this(target, ErrnoConvention.current());
    }

    /** A handler for {@code target} replying with the errno numbers of {@code errno}. */
    public UapiHandler(UapiTarget target, ErrnoConvention errno) {
        this.target = Objects.requireNonNull(target, "target");
        this.errno = Objects.requireNonNull(errno, "errno");
    }

    /**
     * Serves one connection until the client closes it, sends an unknown operation, or a read or
     * write fails. Never throws for anything the client sends; I/O errors end the connection
     * quietly. The caller closes the streams afterwards.
     *
     * @param in the bytes the client sends
     * @param out where replies go; flushed after each reply
     */
    public void serve(InputStream in, OutputStream out) {
        LineReader reader = new LineReader(in);
        ReplyBuffer reply = new ReplyBuffer();
        try {
            while (true) {
                LineReader.Result op = reader.readLine();
                if (op != LineReader.Result.LINE) {
                    if (op != LineReader.Result.EOF) {
                        LOG.log(Level.WARNING, "UAPI: operation line not ended by a newline; closing");
                    }
                    return;
                }
                UapiError error;
                if (reader.lineEquals("set=1")) {
                    reader.wipeLine();
                    error = set(reader);
                } else if (reader.lineEquals("get=1")) {
                    int next = reader.readByte();
                    if (next < 0) {
                        return;
                    }
                    if (next != '\n') {
                        LOG.log(Level.WARNING, "UAPI: get=1 not followed by a blank line");
                        error = UapiError.INVALID;
                    } else {
                        error = get(reply);
                    }
                } else {
                    reader.wipeLine();
                    LOG.log(Level.WARNING, "UAPI: invalid operation; closing the connection");
                    return;
                }
                reply.ascii("errno=").decimal(error == null ? 0 : errno.code(error)).ascii("\n\n");
                try {
                    reply.writeTo(out);
                } finally {
                    reply.reset();
                }
            }
        } catch (IOException e) {
            LOG.log(Level.DEBUG, "UAPI: connection ended: {0}", e.toString());
        } finally {
            reader.wipe();
            reply.reset();
        }
    }

    /* ---------------- get ---------------- */

    /** Builds the body of a get reply into {@code reply}; returns null on success. */
    private UapiError get(ReplyBuffer reply) {
        DeviceState state;
        lock.readLock().lock();
        try {
            state = target.snapshot();
        } catch (RuntimeException e) {
            LOG.log(Level.ERROR, "UAPI get: the device failed to take a snapshot", e);
            return UapiError.UNKNOWN;
        } finally {
            lock.readLock().unlock();
        }
        if (state == null) {
            LOG.log(Level.ERROR, "UAPI get: the device returned no snapshot");
            return UapiError.UNKNOWN;
        }
        try (state) {
            GetResponse.write(state, reply);
            return null;
        } catch (RuntimeException e) {
            reply.reset();
            LOG.log(Level.ERROR, "UAPI get: could not format the device state", e);
            return UapiError.UNKNOWN;
        }
    }

    /* ---------------- set ---------------- */

    /** Reads and applies one set request; returns null on success. */
    private UapiError set(LineReader reader) throws IOException {
        UapiException failure = null;
        boolean atEnd = false; // the blank line or the end of the stream was read
        SetOperation operation = new SetOperation(target);
        lock.writeLock().lock();
        try {
            read:
            while (true) {
                LineReader.Result r = reader.readLine();
                switch (r) {
                    case EOF -> {
                        atEnd = true;
                        break read;
                    }
                    case TOO_LONG -> {
                        failure = new UapiException(UapiError.IO,
                                "request line longer than " + LineReader.MAX_LINE_LENGTH + " bytes");
                        reader.wipeLine();
                        if (!reader.skipRestOfLine()) {
                            atEnd = true;
                        }
                        break read;
                    }
                    case LINE, LAST_LINE -> {
                        int len = lineLengthWithoutCr(reader);
                        if (len == 0) {
                            atEnd = true; // blank line: end of request
                            break read;
                        }
                        try {
                            operation.line(reader.line(), len);
                        } catch (UapiException e) {
                            failure = e;
                        } catch (RuntimeException e) {
                            failure = unexpected(e);
                        } finally {
                            reader.wipeLine();
                        }
                        if (r == LineReader.Result.LAST_LINE) {
                            atEnd = true;
                        }
                        if (failure != null || atEnd) {
                            break read;
                        }
                    }
                }
            }
            try {
                operation.end();
            } catch (UapiException e) {
                failure = failure == null ? e : failure;
            } catch (RuntimeException e) {
                UapiException u = unexpected(e);
                failure = failure == null ? u : failure;
            }
        } finally {
            lock.writeLock().unlock();
        }
        if (failure != null) {
            LOG.log(Level.WARNING, "UAPI set failed ({0}): {1}", failure.error(), failure.getMessage());
            if (!atEnd) {
                discardRestOfRequest(reader);
            }
        }
        return failure == null ? null : failure.error();
    }

    /** Like Go's line scanner, a line may end in CR LF: the CR is not part of it. */
    private static int lineLengthWithoutCr(LineReader reader) {
        int len = reader.length();
        return len > 0 && reader.line()[len - 1] == '\r' ? len - 1 : len;
    }

    /** Reads and drops lines up to the blank line that ends the request, or the end of the stream. */
    private static void discardRestOfRequest(LineReader reader) throws IOException {
        while (true) {
            LineReader.Result r = reader.readLine();
            switch (r) {
                case EOF, LAST_LINE -> {
                    reader.wipeLine();
                    return;
                }
                case TOO_LONG -> {
                    reader.wipeLine();
                    if (!reader.skipRestOfLine()) {
                        return;
                    }
                }
                case LINE -> {
                    int len = lineLengthWithoutCr(reader);
                    reader.wipeLine();
                    if (len == 0) {
                        return;
                    }
                }
            }
        }
    }

    private static UapiException unexpected(RuntimeException e) {
        LOG.log(Level.ERROR, "UAPI set: unexpected failure in the device", e);
        return new UapiException(UapiError.UNKNOWN, "unexpected failure: " + e.getClass().getName(), e);
    }
}
