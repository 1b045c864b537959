package dev.wgdesk.app.ui.tray.sni;

import java.util.List;
import org.freedesktop.dbus.Struct;
import org.freedesktop.dbus.annotations.Position;

/** {@code (sa(iiay)ss)}: a StatusNotifierItem tooltip: icon name, icon images, title, description. */
public final class ToolTip extends Struct {
    /** A themed icon name, or empty. */
    @Position(0)
    public final String iconName;
    /** Icon images, or empty. */
    @Position(1)
    public final List<Pixmap> icon;
    /** The title line. */
    @Position(2)
    public final String title;
    /** The text under it (may hold simple markup on KDE). */
    @Position(3)
    public final String description;

    /** A tooltip. */
    public ToolTip(String iconName, List<Pixmap> icon, String title, String description) {
        this.iconName = iconName;
        this.icon = icon;
        this.title = title;
        this.description = description;
    }
}
