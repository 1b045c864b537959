package dev.wgdesk.platform.macos;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.reflect.Method;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/**
 * On Apple silicon a variadic C function must be called as variadic: JNA does so only for Java
 * varargs methods. A fixed-argument {@code ioctl(int, long, Pointer)} works on Linux x86-64 and
 * passes garbage on an M1, so this is checked here, where no Mac is needed.
 */
class VarargsTest {
    private static final Set<String> VARIADIC = Set.of("ioctl", "fcntl", "open", "openat", "printf", "execl");

    @Test
    void everyVariadicLibcFunctionIsDeclaredAsJavaVarargs() {
        Set<String> seen = new TreeSet<>();
        for (Method m : DarwinLibC.class.getDeclaredMethods()) {
            if (VARIADIC.contains(m.getName())) {
                seen.add(m.getName());
                assertTrue(m.isVarArgs(), m + " must be declared as Java varargs (Object...)");
            }
        }
        assertEquals(new TreeSet<>(Set.of("ioctl", "fcntl", "open")), seen, "the bindings this test guards");
    }

    @Test
    void ioctlRequestIsALong() throws NoSuchMethodException {
        Method ioctl = DarwinLibC.class.getMethod("ioctl", int.class, long.class, Object[].class);
        assertEquals(long.class, ioctl.getParameterTypes()[1], "request is an unsigned long");
    }

    @Test
    void noFixedArgumentOverloadOfAVariadicFunction() {
        for (Method m : DarwinLibC.class.getDeclaredMethods()) {
            if (VARIADIC.contains(m.getName())) {
                assertTrue(m.isVarArgs(), "overload " + m);
            }
        }
    }
}
