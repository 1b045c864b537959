package dev.wgdesk.app.ui.tray.sni;

import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import org.freedesktop.dbus.connections.impl.DBusConnection;
import org.freedesktop.dbus.connections.impl.DBusConnectionBuilder;
import org.freedesktop.dbus.exceptions.DBusException;
import org.freedesktop.dbus.types.UInt32;
import org.freedesktop.dbus.types.Variant;

/** A notification server such as a desktop runs: records every Notify call. */
public final class FakeNotifications implements NotificationsBus, AutoCloseable {
    /** One Notify call. */
    public record Shown(String app, long replaces, String summary, String body, Object urgency, long id) {}

    public final BlockingQueue<Shown> shown = new LinkedBlockingQueue<>();
    private final DBusConnection bus;
    private long nextId = 1;

    public FakeNotifications(String address) throws DBusException {
        bus = DBusConnectionBuilder.forAddress(address).withShared(false).build();
        bus.exportObject(PATH, this);
        bus.requestBusName(BUS_NAME);
    }

    @Override
    public synchronized UInt32 Notify(String appName, UInt32 replacesId, String appIcon, String summary, String body,
                                      List<String> actions, Map<String, Variant<?>> hints, int expireTimeout) {
        long id = replacesId.longValue() != 0 ? replacesId.longValue() : nextId++;
        Variant<?> urgency = hints.get("urgency");
        shown.add(new Shown(appName, replacesId.longValue(), summary, body, urgency == null ? null : urgency.getValue(), id));
        return new UInt32(id);
    }

    @Override
    public String getObjectPath() {
        return PATH;
    }

    @Override
    public void close() throws Exception {
        bus.close();
    }
}
