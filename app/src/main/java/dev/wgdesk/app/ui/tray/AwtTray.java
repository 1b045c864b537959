package dev.wgdesk.app.ui.tray;

import dev.wgdesk.app.ui.i18n.Messages;
import dev.wgdesk.app.ui.vm.UiThread;
import java.awt.AWTException;
import java.awt.CheckboxMenuItem;
import java.awt.Dimension;
import java.awt.EventQueue;
import java.awt.GraphicsEnvironment;
import java.awt.Menu;
import java.awt.MenuItem;
import java.awt.PopupMenu;
import java.awt.SystemTray;
import java.awt.Image;
import java.awt.TrayIcon;
import java.awt.image.BaseMultiResolutionImage;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * The tray icon through AWT's {@link SystemTray} (Windows, macOS, and Linux desktops with an
 * XEmbed tray). Draws a {@link TrayMenuModel} as a popup menu and the icon state as a shield in
 * grey (inactive), amber (activating) or green (active). In the macOS menu bar the icon is a
 * template image ({@link TrayIcons#template}, at 1x and 2x for Retina) and AWT is told so with
 * {@code apple.awt.enableTemplateImages}, which its macOS tray reads once, when its first icon is
 * made. Menu clicks are handed to the UI thread. AWT work happens on the AWT event thread.
 */
public final class AwtTray implements Tray {
    private final SystemTray tray;
    private final TrayIcon icon;
    private final TrayActions actions;
    private final UiThread ui;
    private final Map<TrayMenuModel.IconState, Image> images = new EnumMap<>(TrayMenuModel.IconState.class);

    private AwtTray(SystemTray tray, TrayActions actions, UiThread ui, boolean template) {
        this.tray = tray;
        this.actions = actions;
        this.ui = ui;
        Dimension size = tray.getTrayIconSize();
        int px = Math.max(16, size.width);
        for (TrayMenuModel.IconState s : TrayMenuModel.IconState.values()) {
            images.put(s, template
                    ? new BaseMultiResolutionImage(TrayIcons.template(s, px), TrayIcons.template(s, 2 * px))
                    : TrayIcons.draw(s, px));
        }
        icon = new TrayIcon(images.get(TrayMenuModel.IconState.INACTIVE), Messages.get("app.name"));
        icon.setImageAutoSize(true);
        icon.addActionListener(e -> ui.run(actions::showWindow));
    }

    /**
     * Puts the icon in the tray, if the desktop has one. Blocking (loads AWT): call it off the UI
     * thread.
     *
     * @param template draw template images (the macOS menu bar) instead of the coloured shields
     * @return the tray, or empty when there is no system tray (the caller keeps the window open)
     */
    public static Optional<AwtTray> install(TrayActions actions, UiThread ui, boolean template) {
        Objects.requireNonNull(actions, "actions");
        Objects.requireNonNull(ui, "ui");
        if (GraphicsEnvironment.isHeadless()) {
            return Optional.empty();
        }
        if (template) {
            System.setProperty("apple.awt.enableTemplateImages", "true");
        }
        try {
            if (!SystemTray.isSupported()) {
                return Optional.empty();
            }
            AwtTray t = new AwtTray(SystemTray.getSystemTray(), actions, ui, template);
            t.tray.add(t.icon);
            return Optional.of(t);
        } catch (AWTException | UnsupportedOperationException | SecurityException | IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    @Override
    public void show(TrayMenuModel model) {
        EventQueue.invokeLater(() -> {
            icon.setImage(images.get(model.icon()));
            icon.setToolTip(model.tooltip());
            icon.setPopupMenu(menu(model));
        });
    }

    @Override
    public void notify(String title, String body, boolean error) {
        EventQueue.invokeLater(() -> icon.displayMessage(title, body,
                error ? TrayIcon.MessageType.ERROR : TrayIcon.MessageType.INFO));
    }

    @Override
    public String kind() {
        return "system tray (AWT)";
    }

    @Override
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
        MenuItem fromSystem = new MenuItem(Messages.get("tray.importSystem"));
        fromSystem.addActionListener(e -> ui.run(actions::importFromSystem));
        p.add(fromSystem);
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
}
