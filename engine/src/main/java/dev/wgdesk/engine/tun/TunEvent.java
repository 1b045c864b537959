package dev.wgdesk.engine.tun;

/** Something that happened to a {@link Tun} that the device must react to. */
public sealed interface TunEvent {
    /** The interface came up. */
    record Up() implements TunEvent {}

    /** The interface went down. */
    record Down() implements TunEvent {}

    /** The MTU changed, for example by {@code ip link set mtu} or {@code wg-quick}. */
    record MtuChanged(int mtu) implements TunEvent {}

    /** The interface was deleted ({@code ip link del}); the device should shut down. */
    record Removed() implements TunEvent {}
}
