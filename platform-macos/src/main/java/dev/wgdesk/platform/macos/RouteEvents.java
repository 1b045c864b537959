package dev.wgdesk.platform.macos;

import dev.wgdesk.engine.tun.TunEvent;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;

/**
 * Turns routing-socket messages into {@link TunEvent}s for one interface: a pure reducer, fed
 * byte by byte in tests. Only {@code RTM_IFINFO} messages for the interface's index count; an
 * {@code IFF_UP} change gives {@link TunEvent.Up}/{@link TunEvent.Down}, a new {@code ifi_mtu}
 * gives {@link TunEvent.MtuChanged}. Other messages (routes, addresses, other interfaces) and
 * truncated or malformed ones are ignored.
 *
 * <p>No {@link TunEvent.Removed}: a utun interface lives exactly as long as the control socket
 * that created it, which the device holds, so nothing outside can delete it.
 *
 * <p>Not thread-safe; used by the device's single event thread.
 */
final class RouteEvents {
    private final int index;
    private boolean up;
    private int mtu;

    /** For interface {@code index}, starting from the state the device set up. */
    RouteEvents(int index, boolean up, int mtu) {
        this.index = index;
        this.up = up;
        this.mtu = mtu;
    }

    /** The events one message (bytes {@code 0..length} of {@code msg}) implies; often none. */
    List<TunEvent> accept(ByteBuffer msg, int length) {
        if (length < Darwin.IFM_MTU + 4) {
            return List.of(); // shorter than any if_msghdr
        }
        ByteBuffer m = msg.duplicate().order(ByteOrder.nativeOrder());
        int msglen = Short.toUnsignedInt(m.getShort(0));
        int version = Byte.toUnsignedInt(m.get(2));
        int type = Byte.toUnsignedInt(m.get(Darwin.IFM_TYPE));
        if (msglen > length || version != Darwin.RTM_VERSION || type != Darwin.RTM_IFINFO) {
            return List.of();
        }
        if (Short.toUnsignedInt(m.getShort(Darwin.IFM_INDEX)) != index) {
            return List.of();
        }
        List<TunEvent> out = new ArrayList<>(2);
        boolean nowUp = (m.getInt(Darwin.IFM_FLAGS) & Darwin.IFF_UP) != 0;
        if (nowUp != up) {
            up = nowUp;
            out.add(nowUp ? new TunEvent.Up() : new TunEvent.Down());
        }
        int nowMtu = m.getInt(Darwin.IFM_MTU);
        if (nowMtu > 0 && nowMtu != mtu) {
            mtu = nowMtu;
            out.add(new TunEvent.MtuChanged(nowMtu));
        }
        return out;
    }
}
