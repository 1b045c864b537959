package dev.wgdesk.platform.linux.net;

/**
 * Activating a tunnel failed at one step; everything done before it has been undone (anything
 * that could not be undone is listed in the message).
 */
public final class ActivationException extends Exception {
    private final String step;

    ActivationException(String step, String message, Throwable cause) {
        super(message, cause);
        this.step = step;
    }

    /** The step that failed: {@code PreUp}, {@code resolve endpoints}, {@code MTU}, {@code interface},
     * {@code device}, {@code addresses}, {@code DNS}, {@code routes} or {@code PostUp}. */
    public String step() {
        return step;
    }
}
