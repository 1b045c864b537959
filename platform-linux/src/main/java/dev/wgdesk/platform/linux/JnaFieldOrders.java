package dev.wgdesk.platform.linux;

import com.sun.jna.Structure;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.locks.ReadWriteLock;

/**
 * Spares the process JNA's one use of annotations at start-up. Binding any direct-mapped method
 * ({@code Native.register}) initialises JNA's {@code Structure.FFIType}, whose static block builds
 * {@code FFIType} structures; a structure's field order comes from its {@code @FieldOrder}
 * annotation, and reading that annotation makes the JDK parse it and generate two dynamic proxy
 * classes ({@code @Retention}'s and {@code @FieldOrder}'s) with the class-file API: about a
 * hundred classes loaded and a few MiB of memory for four field names.
 *
 * <p>{@link #seed()} puts {@code FFIType}'s field order into JNA's own cache of field orders
 * (the package-private {@code Structure.fieldOrder}, under JNA's {@code cacheStructureLock})
 * before {@code FFIType} is initialised, so JNA finds it there and never reads the annotation.
 * It does so only if {@code FFIType} declares exactly those four public fields; anything
 * unexpected (another JNA version, no access) leaves JNA to read the annotation as before.
 * {@code JnaFieldOrdersTest} checks the order against the annotation itself.
 */
public final class JnaFieldOrders {
    /** {@code Structure.FFIType}'s {@code @FieldOrder} in JNA 5.x. */
    static final List<String> FFI_TYPE_FIELDS = List.of("size", "alignment", "type", "elements");
    static final String FFI_TYPE = "com.sun.jna.Structure$FFIType";

    private static final System.Logger LOG = System.getLogger(JnaFieldOrders.class.getName());
    private static boolean done; // guarded by JnaFieldOrders.class
    private static boolean seeded; // guarded by JnaFieldOrders.class

    private JnaFieldOrders() {}

    /**
     * Seeds JNA's field-order cache if that is still useful; call before the first
     * {@code Native.register}. Idempotent, never throws.
     *
     * @return true if {@code FFIType}'s order is now in the cache because of this or an earlier call
     */
    public static synchronized boolean seed() {
        if (!done) {
            done = true;
            try {
                seeded = put();
            } catch (ReflectiveOperationException | RuntimeException | LinkageError e) {
                LOG.log(System.Logger.Level.DEBUG, "JNA reads its @FieldOrder annotations itself: " + e);
            }
        }
        return seeded;
    }

    @SuppressWarnings("unchecked")
    private static boolean put() throws ReflectiveOperationException {
        // not initialised: its static block is what reads the annotation
        Class<?> ffiType = Class.forName(FFI_TYPE, false, Structure.class.getClassLoader());
        List<String> publicFields = new ArrayList<>();
        for (Field f : ffiType.getDeclaredFields()) {
            int m = f.getModifiers();
            if (Modifier.isPublic(m) && !Modifier.isStatic(m)) {
                publicFields.add(f.getName());
            }
        }
        if (publicFields.size() != FFI_TYPE_FIELDS.size() || !new HashSet<>(publicFields).containsAll(FFI_TYPE_FIELDS)) {
            LOG.log(System.Logger.Level.DEBUG, "unexpected JNA FFIType fields " + publicFields + ": not seeding");
            return false;
        }
        Field cacheField = Structure.class.getDeclaredField("fieldOrder");
        Field lockField = Structure.class.getDeclaredField("cacheStructureLock");
        cacheField.setAccessible(true);
        lockField.setAccessible(true);
        Map<Class<?>, List<String>> cache = (Map<Class<?>, List<String>>) cacheField.get(null);
        ReadWriteLock lock = (ReadWriteLock) lockField.get(null);
        lock.writeLock().lock();
        try {
            cache.putIfAbsent(ffiType, FFI_TYPE_FIELDS);
            return FFI_TYPE_FIELDS.equals(cache.get(ffiType));
        } finally {
            lock.writeLock().unlock();
        }
    }
}
