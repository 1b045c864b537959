package dev.wgdesk.platform.linux;

import com.sun.jna.Memory;
import com.sun.jna.Pointer;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * A block of native memory with its address and a direct {@link ByteBuffer} view in native
 * byte order, so Java code can fill structures and copy packets without JNI calls, and native
 * calls can take the raw address.
 *
 * <p>The memory is freed when this object becomes unreachable (JNA's cleaner); whoever hands
 * {@link #address()} to native code must keep the buffer reachable for the duration of the call.
 * Not thread-safe: give each thread its own.
 */
final class NativeBuffer {
    private final Memory memory;
    private final long address;
    private final ByteBuffer view;

    /** A zeroed block. */
    NativeBuffer(int size) {
        this(size, true);
    }

    /** A block, zeroed only if {@code zero} (large packet buffers skip it so untouched pages stay virtual). */
    NativeBuffer(int size, boolean zero) {
        memory = new Memory(size);
        if (zero) {
            memory.clear();
        }
        address = Pointer.nativeValue(memory);
        view = memory.getByteBuffer(0, size).order(ByteOrder.nativeOrder());
    }

    /** The address of the first byte. */
    long address() {
        return address;
    }

    /** The size in bytes. */
    int size() {
        return view.capacity();
    }

    /** A view of the whole block in native byte order; use absolute get/put only. */
    ByteBuffer view() {
        return view;
    }

    /** Copies {@code length} bytes from {@code src} at {@code srcIndex} into this block at 0. */
    void copyFrom(ByteBuffer src, int srcIndex, int length) {
        view.put(0, src, srcIndex, length);
    }

    /** Copies {@code length} bytes from this block at 0 into {@code dst} at {@code dstIndex}. */
    void copyTo(ByteBuffer dst, int dstIndex, int length) {
        dst.put(dstIndex, view, 0, length);
    }
}
