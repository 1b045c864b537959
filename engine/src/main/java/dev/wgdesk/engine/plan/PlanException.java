package dev.wgdesk.engine.plan;

/** A configuration that an OS cannot activate as written; the message names the setting. */
public final class PlanException extends Exception {
    private static final long serialVersionUID = 1L;

    public PlanException(String message) {
        super(message);
    }
}
