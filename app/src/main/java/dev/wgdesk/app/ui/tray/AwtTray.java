package dev.wgdesk.app.ui.tray;

import dev.wgdesk.app.ui.i18n.Messages;
import dev.wgdesk.app.ui.vm.UiThread;
import java.awt.AWTException;
import java.awt.BasicStroke;
import java.awt.CheckboxMenuItem;
import java.awt.Color;
import java.awt.Dimension;
import java.awt.EventQueue;
import java.awt.GraphicsEnvironment;
import java.awt.Menu;
import java.awt.MenuItem;
import java.awt.PopupMenu;
import java.awt.RenderingHints;
import java.awt.SystemTray;
import java.awt.TrayIcon;
import java.awt.geom.Path2D;
import java.awt.image.BufferedImage;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * The tray icon through AWT's {@link SystemTray} (Windows, macOS, and Linux desktops with an
 * XEmbed tray). Draws a {@link TrayMenuModel} as a popup menu and the icon state as a shield in
 * grey (inactive), amber (activating) or green (active). Menu clicks are handed to the UI thread.
 * AWT work happens on the AWT event thread.
 */
public final class AwtTray {
    private final SystemTray tray;
    private final TrayIcon icon;
    private final TrayActions actions;
    private final UiThread ui;
    private final Map<TrayMenuModel.IconState, BufferedImage> images = new EnumMap<>(TrayMenuModel.IconState.class);

    private AwtTray(SystemTray tray, TrayActions actions, UiThread ui) {
        this.tray = tray;
        this.actions = actions;
        this.ui = ui;
        Dimension size = tray.getTrayIconSize();
        for (TrayMenuModel.IconState s : TrayMenuModel.IconState.values()) {
            images.put(s, draw(s, Math.max(16, size.width)));
        }
        icon = new TrayIcon(images.get(TrayMenuModel.IconState.INACTIVE), Messages.get("app.name"));
        icon.setImageAutoSize(true);
        icon.addActionListener(e -> ui.run(actions::showWindow));
    }

    /**
     * Puts the icon in the tray, if the desktop has one. Blocking (loads AWT): call it off the UI
     * thread.
     *
     * @return the tray, or empty when there is no system tray (the caller keeps the window open)
     */
    public static Optional<AwtTray> install(TrayActions actions, UiThread ui) {
        Objects.requireNonNull(actions, "actions");
        Objects.requireNonNull(ui, "ui");
        if (GraphicsEnvironment.isHeadless()) {
            return Optional.empty();
        }
        try {
            if (!SystemTray.isSupported()) {
                return Optional.empty();
            }
            AwtTray t = new AwtTray(SystemTray.getSystemTray(), actions, ui);
            t.tray.add(t.icon);
            return Optional.of(t);
        } catch (AWTException | UnsupportedOperationException | SecurityException | IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    /** Shows {@code model}: icon, tooltip and menu. May be called from any thread. */
    public void show(TrayMenuModel model) {
        EventQueue.invokeLater(() -> {
            icon.setImage(images.get(model.icon()));
            icon.setToolTip(model.tooltip());
            icon.setPopupMenu(menu(model));
        });
    }

    /** Removes the icon. */
    public void remove() {
        EventQueue.invokeLater(() -> tray.remove(icon));
    }

    private PopupMenu menu(TrayMenuModel m) {
        PopupMenu p = new PopupMenu();
        MenuItem status = new MenuItem(m.status());
        status.setEnabled(false);
        p.add(status);
        p.addSeparator();
        if (!m.inline().isEmpty()) {
            addEntries(p, m.inline(), m.tunnelsEnabled());
            p.addSeparator();
        } else if (!m.submenu().isEmpty()) {
            Menu sub = new Menu(Messages.get("tray.tunnels"));
            addEntries(sub, m.submenu(), m.tunnelsEnabled());
            p.add(sub);
            p.addSeparator();
        }
        MenuItem manage = new MenuItem(Messages.get("tray.manage"));
        manage.addActionListener(e -> ui.run(actions::showWindow));
        p.add(manage);
        MenuItem imp = new MenuItem(Messages.get("tray.import"));
        imp.addActionListener(e -> ui.run(actions::importFromFile));
        p.add(imp);
        p.addSeparator();
        MenuItem quit = new MenuItem(Messages.get("tray.quit"));
        quit.addActionListener(e -> ui.run(actions::quit));
        p.add(quit);
        return p;
    }

    private void addEntries(Menu menu, List<TrayMenuModel.Entry> entries, boolean enabled) {
        for (TrayMenuModel.Entry e : entries) {
            CheckboxMenuItem item = new CheckboxMenuItem(e.name(), e.checked());
            item.setEnabled(enabled && !e.busy());
            item.addItemListener(ev -> ui.run(() -> actions.toggleTunnel(e.name())));
            menu.add(item);
        }
    }

    /** A shield, filled by state. */
    static BufferedImage draw(TrayMenuModel.IconState state, int size) {
        BufferedImage img = new BufferedImage(size, size, BufferedImage.TYPE_INT_ARGB);
        var g = img.createGraphics();
        try {
            g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
            double s = size / 24.0;
            Path2D shield = new Path2D.Double();
            shield.moveTo(12 * s, 2 * s);
            shield.lineTo(20 * s, 5 * s);
            shield.lineTo(20 * s, 11 * s);
            shield.curveTo(20 * s, 16.25 * s, 16.6 * s, 20.74 * s, 12 * s, 22 * s);
            shield.curveTo(7.4 * s, 20.74 * s, 4 * s, 16.25 * s, 4 * s, 11 * s);
            shield.lineTo(4 * s, 5 * s);
            shield.closePath();
            Color fill = switch (state) {
                case ACTIVE -> new Color(0x1f9d55);
                case ACTIVATING -> new Color(0xd99a00);
                case INACTIVE -> new Color(0x7a8694);
                case DISCONNECTED -> new Color(0xb0b8c1);
            };
            g.setColor(fill);
            g.fill(shield);
            g.setColor(Color.WHITE);
            g.setStroke(new BasicStroke((float) (2 * s), BasicStroke.CAP_ROUND, BasicStroke.JOIN_ROUND));
            if (state == TrayMenuModel.IconState.ACTIVE) {
                g.drawPolyline(new int[] {(int) (8 * s), (int) (11 * s), (int) (16 * s)},
                        new int[] {(int) (12 * s), (int) (15 * s), (int) (9 * s)}, 3);
            } else if (state == TrayMenuModel.IconState.ACTIVATING) {
                g.drawArc((int) (8 * s), (int) (8 * s), (int) (8 * s), (int) (8 * s), 90, 270);
            } else if (state == TrayMenuModel.IconState.DISCONNECTED) {
                g.drawLine((int) (9 * s), (int) (9 * s), (int) (15 * s), (int) (15 * s));
                g.drawLine((int) (15 * s), (int) (9 * s), (int) (9 * s), (int) (15 * s));
            }
        } finally {
            g.dispose();
        }
        return img;
    }
}
