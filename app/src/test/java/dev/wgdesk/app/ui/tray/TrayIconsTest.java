package dev.wgdesk.app.ui.tray;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class TrayIconsTest {
    @ParameterizedTest
    @ValueSource(ints = {16, 22, 44})
    void templatesAreBlackOnTransparentAndTellTheStatesApart(int size) {
        Set<String> looks = new HashSet<>();
        for (TrayMenuModel.IconState s : TrayMenuModel.IconState.values()) {
            BufferedImage img = TrayIcons.template(s, size);
            assertEquals(size, img.getWidth());
            int opaque = 0;
            long alphaSum = 0;
            for (int y = 0; y < size; y++) {
                for (int x = 0; x < size; x++) {
                    int p = img.getRGB(x, y);
                    int a = p >>> 24;
                    if (a != 0) {
                        assertEquals(0, p & 0xffffff, s + " has a colour at " + x + "," + y);
                        opaque++;
                        alphaSum += a;
                    }
                }
            }
            assertTrue(opaque > size * size / 10, s + " draws something (" + opaque + " px)");
            assertTrue(looks.add(opaque + "/" + alphaSum), s + " looks like another state");
        }
        // The coloured icons are not templates: the active one is green.
        int centre = TrayIcons.draw(TrayMenuModel.IconState.ACTIVE, size).getRGB(size / 2, size * 3 / 4);
        assertNotEquals(0, centre & 0xff00);
    }
}
