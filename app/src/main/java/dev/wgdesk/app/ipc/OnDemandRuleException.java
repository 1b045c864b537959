package dev.wgdesk.app.ipc;

/**
 * An on-demand rule that cannot be used, naming the field at fault ({@code wifi}, {@code ssids},
 * {@code ssids[2]}...). Unchecked so that {@link OnDemandRule}'s constructor can throw it.
 */
public final class OnDemandRuleException extends IllegalArgumentException {
    private final String field;

    public OnDemandRuleException(String field, String message) {
        super(field + ": " + message);
        this.field = field;
    }

    /** The field at fault: {@code wifi}, {@code ssids}, {@code ssids[N]} (0-based) or {@code ethernet}. */
    public String field() {
        return field;
    }
}
