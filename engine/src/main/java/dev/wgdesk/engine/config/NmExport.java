package dev.wgdesk.engine.config;

import java.util.List;
import java.util.Objects;

/**
 * A NetworkManager keyfile written by {@link NmKeyfile#write}, and what of the wg-quick config it
 * could not express. Instances are immutable. The text contains the private key: keep it
 * short-lived and never log it.
 *
 * @param text     the keyfile
 * @param warnings one sentence per wg-quick setting NetworkManager cannot hold (hooks, SaveConfig,
 *                 a named routing table, DNS order across address families)
 */
public record NmExport(String text, List<String> warnings) {
    /** Copies the list. */
    public NmExport {
        Objects.requireNonNull(text, "text");
        warnings = List.copyOf(warnings);
    }

    /** Never the text (it holds the private key): only the number of warnings. */
    @Override
    public String toString() {
        return "NmExport[" + warnings.size() + " warnings]";
    }
}
