package dev.wgdesk.engine.config;

import dev.wgdesk.engine.crypto.PresharedKey;
import dev.wgdesk.engine.crypto.PublicKey;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import javax.security.auth.Destroyable;

/**
 * A {@code [Peer]} section of a wg-quick file: PublicKey, PresharedKey, AllowedIPs, Endpoint and
 * PersistentKeepalive.
 *
 * <p>Instances of this class are immutable, except that {@link #destroy()} zeroes the preshared
 * key; after that, {@link #equals} and serialising throw {@link IllegalStateException}. Build
 * them with {@link #builder()}. Thread-safe.
 *
 * <p>Normalisation, so that parse → serialise → parse gives an equal object: an all-zero
 * preshared key and a keepalive of 0 mean "not set"; repeated allowed IPs are dropped (keeping
 * the first). {@link #toString()} never shows the preshared key.
 */
public final class PeerConfig implements Destroyable {
    /** Largest persistent-keepalive interval, in seconds. */
    public static final int MAX_PERSISTENT_KEEPALIVE = 65535;

    private final PublicKey publicKey;
    private final Optional<PresharedKey> presharedKey;
    private final List<IpPrefix> allowedIps;
    private final Optional<Endpoint> endpoint;
    private final OptionalInt persistentKeepalive;

    private PeerConfig(Builder b) {
        // Defensive copies, so that reusing or changing the builder cannot change this object.
        this.publicKey = b.publicKey;
        this.presharedKey = b.presharedKey.map(Text::copy);
        this.allowedIps = List.copyOf(b.allowedIps);
        this.endpoint = b.endpoint;
        this.persistentKeepalive = b.persistentKeepalive;
    }

    /** A new, empty builder. */
    public static Builder builder() {
        return new Builder();
    }

    /** A builder holding this peer's values, to make a changed copy. */
    public Builder toBuilder() {
        Builder b = new Builder().setPublicKey(publicKey).setAllowedIps(allowedIps);
        presharedKey.ifPresent(b::setPresharedKey);
        endpoint.ifPresent(b::setEndpoint);
        persistentKeepalive.ifPresent(b::setPersistentKeepalive);
        return b;
    }

    /** {@code PublicKey}: identifies the peer. */
    public PublicKey publicKey() {
        return publicKey;
    }

    /**
     * {@code PresharedKey}, never all-zero; owned by this object: do not destroy it, call
     * {@link #destroy()} instead.
     */
    public Optional<PresharedKey> presharedKey() {
        return presharedKey;
    }

    /** {@code AllowedIPs}, in file order (host bits as written). */
    public List<IpPrefix> allowedIps() {
        return allowedIps;
    }

    /** {@code Endpoint}; empty when the peer is only ever reached after it contacts us. */
    public Optional<Endpoint> endpoint() {
        return endpoint;
    }

    /** {@code PersistentKeepalive} in seconds, 1..65535; empty means off. */
    public OptionalInt persistentKeepalive() {
        return persistentKeepalive;
    }

    /** Zeroes this peer's preshared key, if it has one. */
    @Override
    public void destroy() {
        presharedKey.ifPresent(PresharedKey::destroy);
    }

    @Override
    public boolean isDestroyed() {
        return presharedKey.map(PresharedKey::isDestroyed).orElse(false);
    }

    /** Compares every field; keys in constant time. */
    @Override
    public boolean equals(Object o) {
        return o instanceof PeerConfig other
                && publicKey.equals(other.publicKey)
                && presharedKey.equals(other.presharedKey)
                && allowedIps.equals(other.allowedIps)
                && endpoint.equals(other.endpoint)
                && persistentKeepalive.equals(other.persistentKeepalive);
    }

    /** Hashes every field; the preshared key contributes a constant, never its bytes. */
    @Override
    public int hashCode() {
        return Objects.hash(publicKey, presharedKey, allowedIps, endpoint, persistentKeepalive);
    }

    /** {@code (Peer <public key> @endpoint allowed IPs)}: never the preshared key. */
    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder("(Peer ").append(publicKey);
        endpoint.ifPresent(e -> sb.append(" @").append(e));
        if (!allowedIps.isEmpty()) {
            sb.append(' ').append(allowedIps);
        }
        return sb.append(')').toString();
    }

    /**
     * Collects the values of a {@link PeerConfig}. Not thread-safe. The builder keeps a reference
     * to the preshared key it is given; {@link #build()} gives the new object its own copy, so the
     * caller stays responsible for destroying its key.
     */
    public static final class Builder {
        // No default; must be set before build().
        private PublicKey publicKey;
        // Defaults to empty: no preshared key (the same as all zeros).
        private Optional<PresharedKey> presharedKey = Optional.empty();
        // Defaults to an empty set: the peer may send nothing and receives nothing. Order kept.
        private final Set<IpPrefix> allowedIps = new LinkedHashSet<>();
        // Defaults to empty: no endpoint until the peer contacts us.
        private Optional<Endpoint> endpoint = Optional.empty();
        // Defaults to empty: no persistent keepalive.
        private OptionalInt persistentKeepalive = OptionalInt.empty();

        private Builder() {}

        /** Sets {@code PublicKey} (required). */
        public Builder setPublicKey(PublicKey key) {
            this.publicKey = Objects.requireNonNull(key, "key");
            return this;
        }

        /** Sets {@code PresharedKey}; an all-zero key clears it. */
        public Builder setPresharedKey(PresharedKey key) {
            Objects.requireNonNull(key, "key");
            this.presharedKey = key.isZero() ? Optional.empty() : Optional.of(key);
            return this;
        }

        /** Removes the preshared key. */
        public Builder clearPresharedKey() {
            this.presharedKey = Optional.empty();
            return this;
        }

        /** Adds an {@code AllowedIPs} entry (ignored if already present). */
        public Builder addAllowedIp(IpPrefix prefix) {
            allowedIps.add(Objects.requireNonNull(prefix, "prefix"));
            return this;
        }

        /** Replaces all {@code AllowedIPs} entries. */
        public Builder setAllowedIps(Collection<IpPrefix> list) {
            allowedIps.clear();
            list.forEach(this::addAllowedIp);
            return this;
        }

        /** Sets {@code Endpoint}. */
        public Builder setEndpoint(Endpoint value) {
            this.endpoint = Optional.of(value);
            return this;
        }

        /** Removes the endpoint. */
        public Builder clearEndpoint() {
            this.endpoint = Optional.empty();
            return this;
        }

        /** Sets {@code PersistentKeepalive} in seconds, 0..65535; 0 clears it (off). */
        public Builder setPersistentKeepalive(int seconds) {
            if (seconds < 0 || seconds > MAX_PERSISTENT_KEEPALIVE) {
                throw new IllegalArgumentException("PersistentKeepalive " + seconds + " is not in 0..65535");
            }
            this.persistentKeepalive = seconds == 0 ? OptionalInt.empty() : OptionalInt.of(seconds);
            return this;
        }

        /**
         * A new {@link PeerConfig} with its own copy of the preshared key.
         *
         * @throws IllegalStateException if no public key was set, or the preshared key was
         *                               destroyed
         */
        public PeerConfig build() {
            if (publicKey == null) {
                throw new IllegalStateException("PublicKey is required");
            }
            if (presharedKey.isPresent() && presharedKey.get().isDestroyed()) {
                throw new IllegalStateException("PresharedKey was destroyed");
            }
            return new PeerConfig(this);
        }
    }
}
