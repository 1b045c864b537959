package dev.wgdesk.engine.time;

/**
 * A one-shot timer with the kernel's {@code mod_timer}/{@code del_timer} semantics: arming a
 * pending timer moves its deadline; a fired timer may be armed again.
 */
public interface Timer {
    /** (Re)arms the timer to fire once after {@code delayNanos}. */
    void arm(long delayNanos);

    /** Cancels the timer if pending. Does not wait for a running task. */
    void cancel();

    /** True between {@link #arm} and firing or {@link #cancel}. */
    boolean isPending();

    /**
     * Cancels the timer and also drops whatever the clock keeps scheduled for it, so that the
     * clock no longer refers to the task (and whatever the task refers to, such as a removed
     * peer). Costlier than {@link #cancel}, which the data path calls for every packet; meant for
     * stopping. The timer may be armed again afterwards.
     */
    default void release() {
        cancel();
    }
}
