package dev.wgdesk.app.testsupport;

import org.freedesktop.dbus.exceptions.DBusExecutionException;
import org.freedesktop.dbus.interfaces.Properties;
import org.freedesktop.dbus.types.Variant;

/**
 * The {@code org.freedesktop.DBus.Properties} of a fake D-Bus service's object, read-only: {@code
 * Get} answers from {@link #GetAll}, {@code Set} is refused.
 */
public abstract class ReadOnlyProperties implements Properties {
    @SuppressWarnings("unchecked")
    @Override
    public <A> A Get(String iface, String name) {
        Variant<?> v = GetAll(iface).get(name);
        if (v == null) {
            throw new DBusExecutionException("no property " + iface + "." + name);
        }
        return (A) v;
    }

    @Override
    public <A> void Set(String iface, String name, A value) {
        throw new DBusExecutionException("read-only");
    }
}
