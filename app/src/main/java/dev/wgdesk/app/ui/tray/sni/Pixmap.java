package dev.wgdesk.app.ui.tray.sni;

import org.freedesktop.dbus.Struct;
import org.freedesktop.dbus.annotations.Position;

/** {@code (iiay)}: one icon image, ARGB32 in network byte order, as StatusNotifierItem wants it. */
public final class Pixmap extends Struct {
    /** Width in pixels. */
    @Position(0)
    public final int width;
    /** Height in pixels. */
    @Position(1)
    public final int height;
    /** {@code width * height * 4} bytes: A, R, G, B per pixel. */
    @Position(2)
    public final byte[] argb;

    /** An image. */
    public Pixmap(int width, int height, byte[] argb) {
        if (argb.length != width * height * 4) {
            throw new IllegalArgumentException("pixmap of " + width + "x" + height + " needs " + width * height * 4
                    + " bytes, got " + argb.length);
        }
        this.width = width;
        this.height = height;
        this.argb = argb;
    }
}
