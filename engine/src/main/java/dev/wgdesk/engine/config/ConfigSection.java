package dev.wgdesk.engine.config;

/** Where in a wg-quick file something is: before any section, or in a section. */
public enum ConfigSection {
    /** The file as a whole, or lines before the first section header. */
    TOP_LEVEL(""),
    /** The {@code [Interface]} section. */
    INTERFACE("[Interface]"),
    /** A {@code [Peer]} section. */
    PEER("[Peer]");

    private final String header;

    ConfigSection(String header) {
        this.header = header;
    }

    /** The section header as written in canonical form, e.g. {@code [Peer]}; empty for {@link #TOP_LEVEL}. */
    public String header() {
        return header;
    }
}
