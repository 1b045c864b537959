package dev.wgdesk.app.ui.vm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class NaturalOrderTest {
    @Test
    void sortsAsAPersonWould() {
        List<String> names = new ArrayList<>(List.of("wg10", "wg2", "Office", "home", "wg1", "wg01", "us-ny-3", "us-ny-12",
                "us-NY-2", "a", "A", "b"));
        names.sort(NaturalOrder.INSTANCE);
        assertEquals(List.of("A", "a", "b", "home", "Office", "us-NY-2", "us-ny-3", "us-ny-12", "wg1", "wg01", "wg2", "wg10"),
                names);
    }

    @Test
    void isATotalOrderConsistentWithEquals() {
        Random r = new Random(42);
        String alphabet = "aAb0129.-";
        List<String> s = new ArrayList<>();
        for (int i = 0; i < 300; i++) {
            StringBuilder sb = new StringBuilder();
            for (int j = r.nextInt(6); j >= 0; j--) {
                sb.append(alphabet.charAt(r.nextInt(alphabet.length())));
            }
            s.add(sb.toString());
        }
        for (String a : s) {
            for (String b : s) {
                int ab = Integer.signum(NaturalOrder.INSTANCE.compare(a, b));
                assertEquals(-ab, Integer.signum(NaturalOrder.INSTANCE.compare(b, a)), a + " vs " + b);
                assertEquals(a.equals(b), ab == 0, a + " vs " + b);
                for (String c : s.subList(0, 40)) {
                    if (ab < 0 && NaturalOrder.INSTANCE.compare(b, c) < 0) {
                        assertTrue(NaturalOrder.INSTANCE.compare(a, c) < 0, a + " < " + b + " < " + c);
                    }
                }
            }
        }
    }
}
