package dev.wgdesk.platform.linux;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.jna.Structure;
import dev.wgdesk.engine.testing.Requirements;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * {@link JnaFieldOrders}: the order it seeds is the one JNA's annotation gives, and a fresh JVM
 * binding libc through {@link LibC} no longer generates the annotation proxies, while one that
 * binds with JNA before seeding does.
 */
class JnaFieldOrdersTest {
    @Test
    void theSeededOrderIsTheOneOfJnasAnnotation() throws Exception {
        Class<?> ffiType = Class.forName(JnaFieldOrders.FFI_TYPE, false, Structure.class.getClassLoader());
        Structure.FieldOrder order = ffiType.getAnnotation(Structure.FieldOrder.class);
        assertEquals(List.of(order.value()), JnaFieldOrders.FFI_TYPE_FIELDS);
    }

    @Test
    void bindingLibcThroughLibCGeneratesNoAnnotationProxies() throws Exception {
        Requirements.require(LibC.isAvailable(), "JNA could not bind libc: skipping");
        String seeded = probe();
        assertTrue(seeded.contains("bound libc=true close(-1)=-1 seeded=true"), seeded);
        assertFalse(seeded.contains("jdk.proxy"), "a dynamic proxy class was generated:\n" + proxies(seeded));

        // the same check sees the proxies when JNA binds before anything is seeded
        String plain = probe("plain");
        assertTrue(plain.contains("bound pid="), plain);
        assertTrue(plain.contains("jdk.proxy"), "no proxy without seeding? the check would be blind:\n" + plain);
    }

    /** The probe's output followed by its class-loading log. */
    private static String probe(String... args) throws Exception {
        Path log = Files.createTempFile("wgdesk-jna-probe", ".log");
        try {
            String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
            String[] cmd = new String[7 + args.length];
            cmd[0] = java;
            cmd[1] = "--enable-native-access=ALL-UNNAMED";
            cmd[2] = "-Xshare:off"; // every class as it is loaded, none from an archive
            cmd[3] = "-Xlog:class+load=info:file=" + log;
            cmd[4] = "-cp";
            cmd[5] = System.getProperty("java.class.path");
            cmd[6] = JnaFieldOrdersProbe.class.getName();
            System.arraycopy(args, 0, cmd, 7, args.length);
            String out = Host.run(cmd);
            return out + Files.readString(log);
        } finally {
            Files.deleteIfExists(log);
        }
    }

    private static String proxies(String log) {
        return log.lines().filter(l -> l.contains("jdk.proxy")).reduce("", (a, b) -> a + b + "\n");
    }
}
