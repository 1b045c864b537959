package dev.wgdesk.engine.config;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/** Test resources under {@code src/test/resources/config} and the keys they use. */
final class Fixtures {
    /** Generated with {@code wg genkey}; {@link #PUBLIC_1} is its {@code wg pubkey}. */
    static final String PRIVATE_1 = "+IBNWGhfGWSj4nl01z6rZ++QLw7iuoIRnZaOApyORFg=";
    static final String PUBLIC_1 = "tLx2s0Yt7nK0bh/wI4vEP4UomCWplQHGdFcfwAIhS38=";
    static final String PUBLIC_2 = "03O4Yr8RFy6oK2OJrCmr74DheE49QSedPBZJrSaK5jc=";
    static final String PUBLIC_3 = "czK1ayDuGN/Natz64LOyYT5n5LsBIM4OyE/NP0aHLWw=";
    /** Generated with {@code wg genpsk}. */
    static final String PRESHARED = "AlRXspWnxx4223RfcBucu8ZGg+crlta5+lguNqq/czg=";

    private Fixtures() {}

    /** The text of {@code config/<path>}. */
    static String read(String path) {
        try (InputStream in = Fixtures.class.getResourceAsStream("/config/" + path)) {
            if (in == null) {
                throw new IllegalArgumentException("no test resource config/" + path);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** True when {@code config/<path>} exists. */
    static boolean exists(String path) {
        return Fixtures.class.getResource("/config/" + path) != null;
    }
}
