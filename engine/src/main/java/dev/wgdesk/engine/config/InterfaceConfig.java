package dev.wgdesk.engine.config;

import dev.wgdesk.engine.crypto.PrivateKey;
import dev.wgdesk.engine.crypto.PublicKey;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.OptionalInt;
import java.util.OptionalLong;
import java.util.Set;
import javax.security.auth.Destroyable;

/**
 * The {@code [Interface]} section of a wg-quick file: the keys {@code wg(8)} understands
 * (PrivateKey, ListenPort, FwMark) and the ones {@code wg-quick(8)} adds (Address, DNS, MTU,
 * Table, the four hooks, SaveConfig).
 *
 * <p>Instances of this class are immutable, except that {@link #destroy()} zeroes the private
 * key; after that, {@link #equals}, {@link #privateKey()} and serialising throw
 * {@link IllegalStateException}. Build them with {@link #builder()}. Thread-safe.
 *
 * <p>Normalisation, so that parse → serialise → parse gives an equal object: a listen port,
 * fwmark, or MTU of 0 means "not set"; repeated addresses, DNS servers, search domains and
 * routing domains are dropped (keeping the first); hook commands are trimmed. {@link #toString()} never shows the
 * private key.
 */
public final class InterfaceConfig implements Destroyable {
    /** Smallest MTU accepted (Linux's {@code ETH_MIN_MTU}; IPv6 needs at least 1280). */
    public static final int MIN_MTU = 68;
    /** Largest MTU accepted: the largest packet the engine carries ({@link dev.wgdesk.engine.Protocol#MAX_PACKET_SIZE}). */
    public static final int MAX_MTU = dev.wgdesk.engine.Protocol.MAX_PACKET_SIZE;
    /** Largest listen port. */
    public static final int MAX_PORT = 65535;
    /** Largest firewall mark (unsigned 32-bit). */
    public static final long MAX_FW_MARK = 0xFFFF_FFFFL;

    private final PrivateKey privateKey;
    private final PublicKey publicKey;
    private final OptionalInt listenPort;
    private final OptionalLong fwMark;
    private final List<IpPrefix> addresses;
    private final List<DnsServer> dnsServers;
    private final List<SearchDomain> dnsSearchDomains;
    private final List<RoutingDomain> dnsRoutingDomains;
    private final OptionalInt mtu;
    private final RouteTable table;
    private final List<String> preUp;
    private final List<String> postUp;
    private final List<String> preDown;
    private final List<String> postDown;
    private final boolean saveConfig;

    private InterfaceConfig(Builder b) {
        // Defensive copies, so that reusing or changing the builder cannot change this object.
        this.privateKey = Text.copy(b.privateKey);
        this.publicKey = privateKey.publicKey();
        this.listenPort = b.listenPort;
        this.fwMark = b.fwMark;
        this.addresses = List.copyOf(b.addresses);
        this.dnsServers = List.copyOf(b.dnsServers);
        this.dnsSearchDomains = List.copyOf(b.dnsSearchDomains);
        this.dnsRoutingDomains = List.copyOf(b.dnsRoutingDomains);
        this.mtu = b.mtu;
        this.table = b.table;
        this.preUp = List.copyOf(b.preUp);
        this.postUp = List.copyOf(b.postUp);
        this.preDown = List.copyOf(b.preDown);
        this.postDown = List.copyOf(b.postDown);
        this.saveConfig = b.saveConfig;
    }

    /** A new, empty builder. */
    public static Builder builder() {
        return new Builder();
    }

    /** A builder holding this section's values, to make a changed copy. */
    public Builder toBuilder() {
        Builder b = new Builder().setPrivateKey(privateKey);
        listenPort.ifPresent(b::setListenPort);
        fwMark.ifPresent(b::setFwMark);
        mtu.ifPresent(b::setMtu);
        return b.setAddresses(addresses)
                .setDnsServers(dnsServers)
                .setDnsSearchDomains(dnsSearchDomains)
                .setDnsRoutingDomains(dnsRoutingDomains)
                .setTable(table)
                .setPreUp(preUp)
                .setPostUp(postUp)
                .setPreDown(preDown)
                .setPostDown(postDown)
                .setSaveConfig(saveConfig);
    }

    /**
     * The interface's private key, owned by this object: do not destroy it; call
     * {@link #destroy()} on the config instead.
     */
    public PrivateKey privateKey() {
        return privateKey;
    }

    /** The public key derived from {@link #privateKey()}. */
    public PublicKey publicKey() {
        return publicKey;
    }

    /** {@code ListenPort}, 1..65535; empty means a random port. */
    public OptionalInt listenPort() {
        return listenPort;
    }

    /** {@code FwMark}, 1..0xFFFFFFFF; empty means off. */
    public OptionalLong fwMark() {
        return fwMark;
    }

    /** {@code Address} entries, in file order, host bits kept. */
    public List<IpPrefix> addresses() {
        return addresses;
    }

    /** The IP-address entries of {@code DNS}, in file order. */
    public List<DnsServer> dnsServers() {
        return dnsServers;
    }

    /** The search-domain entries of {@code DNS}, in file order. */
    public List<SearchDomain> dnsSearchDomains() {
        return dnsSearchDomains;
    }

    /** The routing-only entries of {@code DNS} ({@code ~corp.example}, {@code ~.}), in file order. */
    public List<RoutingDomain> dnsRoutingDomains() {
        return dnsRoutingDomains;
    }

    /**
     * Whether DNS is split: the tunnel's servers answer only names under its routing and search
     * domains, everything else goes to the computer's other resolvers. True when there is at least
     * one DNS server and one routing domain, and no {@code ~.}. Otherwise (wg-quick's meaning) the
     * tunnel's servers answer every name.
     */
    public boolean splitDns() {
        return !dnsServers.isEmpty() && !dnsRoutingDomains.isEmpty()
                && dnsRoutingDomains.stream().noneMatch(RoutingDomain::isAll);
    }

    /** {@code MTU}, {@value #MIN_MTU}..{@value #MAX_MTU}; empty means chosen automatically. */
    public OptionalInt mtu() {
        return mtu;
    }

    /** {@code Table}; {@link RouteTable#AUTO} when not given. */
    public RouteTable table() {
        return table;
    }

    /** {@code PreUp} commands, in file order. */
    public List<String> preUp() {
        return preUp;
    }

    /** {@code PostUp} commands, in file order. */
    public List<String> postUp() {
        return postUp;
    }

    /** {@code PreDown} commands, in file order. */
    public List<String> preDown() {
        return preDown;
    }

    /** {@code PostDown} commands, in file order. */
    public List<String> postDown() {
        return postDown;
    }

    /** {@code SaveConfig}; false when not given. */
    public boolean saveConfig() {
        return saveConfig;
    }

    /** Zeroes this section's private key. */
    @Override
    public void destroy() {
        privateKey.destroy();
    }

    @Override
    public boolean isDestroyed() {
        return privateKey.isDestroyed();
    }

    /** Compares every field; the private keys in constant time. */
    @Override
    public boolean equals(Object o) {
        return o instanceof InterfaceConfig other
                && privateKey.equals(other.privateKey)
                && listenPort.equals(other.listenPort)
                && fwMark.equals(other.fwMark)
                && addresses.equals(other.addresses)
                && dnsServers.equals(other.dnsServers)
                && dnsSearchDomains.equals(other.dnsSearchDomains)
                && dnsRoutingDomains.equals(other.dnsRoutingDomains)
                && mtu.equals(other.mtu)
                && table.equals(other.table)
                && preUp.equals(other.preUp)
                && postUp.equals(other.postUp)
                && preDown.equals(other.preDown)
                && postDown.equals(other.postDown)
                && saveConfig == other.saveConfig;
    }

    /**
     * Hashes every field. The private key is represented by its public key, so no bit of the
     * secret enters the hash.
     */
    @Override
    public int hashCode() {
        return Objects.hash(publicKey, listenPort, fwMark, addresses, dnsServers, dnsSearchDomains, dnsRoutingDomains, mtu,
                table, preUp, postUp, preDown, postDown, saveConfig);
    }

    /** {@code (Interface <public key> @port addresses)}: never the private key. */
    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder("(Interface ").append(publicKey);
        listenPort.ifPresent(p -> sb.append(" @").append(p));
        if (!addresses.isEmpty()) {
            sb.append(' ').append(addresses);
        }
        return sb.append(')').toString();
    }

    /**
     * Collects the values of an {@link InterfaceConfig}. Not thread-safe. Each setter checks its
     * argument and throws {@link IllegalArgumentException} for a value the file format cannot
     * hold. The builder keeps a reference to the private key it is given; {@link #build()} gives
     * the new object its own copy, so the caller stays responsible for destroying its key.
     */
    public static final class Builder {
        // No default; must be set before build().
        private PrivateKey privateKey;
        // Defaults to empty: a random port.
        private OptionalInt listenPort = OptionalInt.empty();
        // Defaults to empty: no firewall mark.
        private OptionalLong fwMark = OptionalLong.empty();
        // Defaults to an empty set; insertion order kept.
        private final Set<IpPrefix> addresses = new LinkedHashSet<>();
        // Defaults to an empty set; insertion order kept.
        private final Set<DnsServer> dnsServers = new LinkedHashSet<>();
        // Defaults to an empty set; insertion order kept.
        private final Set<SearchDomain> dnsSearchDomains = new LinkedHashSet<>();
        // Defaults to an empty set; insertion order kept.
        private final Set<RoutingDomain> dnsRoutingDomains = new LinkedHashSet<>();
        // Defaults to empty: the MTU is chosen automatically.
        private OptionalInt mtu = OptionalInt.empty();
        // Defaults to AUTO.
        private RouteTable table = RouteTable.AUTO;
        // Each defaults to an empty list; order kept, repeats allowed.
        private final List<String> preUp = new ArrayList<>();
        private final List<String> postUp = new ArrayList<>();
        private final List<String> preDown = new ArrayList<>();
        private final List<String> postDown = new ArrayList<>();
        // Defaults to false.
        private boolean saveConfig;

        private Builder() {}

        /** Sets {@code PrivateKey} (required). */
        public Builder setPrivateKey(PrivateKey key) {
            this.privateKey = Objects.requireNonNull(key, "key");
            return this;
        }

        /** Sets {@code ListenPort}, 0..65535; 0 clears it (random port). */
        public Builder setListenPort(int port) {
            if (port < 0 || port > MAX_PORT) {
                throw new IllegalArgumentException("ListenPort " + port + " is not in 0..65535");
            }
            this.listenPort = port == 0 ? OptionalInt.empty() : OptionalInt.of(port);
            return this;
        }

        /** Sets {@code FwMark}, 0..0xFFFFFFFF; 0 clears it (off). */
        public Builder setFwMark(long mark) {
            if (mark < 0 || mark > MAX_FW_MARK) {
                throw new IllegalArgumentException("FwMark " + mark + " is not in 0..0xffffffff");
            }
            this.fwMark = mark == 0 ? OptionalLong.empty() : OptionalLong.of(mark);
            return this;
        }

        /** Adds an {@code Address} entry (ignored if already present). */
        public Builder addAddress(IpPrefix address) {
            addresses.add(Objects.requireNonNull(address, "address"));
            return this;
        }

        /** Replaces all {@code Address} entries. */
        public Builder setAddresses(Collection<IpPrefix> list) {
            addresses.clear();
            list.forEach(this::addAddress);
            return this;
        }

        /** Adds a DNS server (ignored if already present). */
        public Builder addDnsServer(DnsServer server) {
            dnsServers.add(Objects.requireNonNull(server, "server"));
            return this;
        }

        /** Replaces all DNS servers. */
        public Builder setDnsServers(Collection<DnsServer> list) {
            dnsServers.clear();
            list.forEach(this::addDnsServer);
            return this;
        }

        /** Adds a DNS search domain (ignored if already present). */
        public Builder addDnsSearchDomain(SearchDomain domain) {
            dnsSearchDomains.add(Objects.requireNonNull(domain, "domain"));
            return this;
        }

        /** Replaces all DNS search domains. */
        public Builder setDnsSearchDomains(Collection<SearchDomain> list) {
            dnsSearchDomains.clear();
            list.forEach(this::addDnsSearchDomain);
            return this;
        }

        /** Adds a routing-only DNS domain (ignored if already present). */
        public Builder addDnsRoutingDomain(RoutingDomain domain) {
            dnsRoutingDomains.add(Objects.requireNonNull(domain, "domain"));
            return this;
        }

        /** Replaces all routing-only DNS domains. */
        public Builder setDnsRoutingDomains(Collection<RoutingDomain> list) {
            dnsRoutingDomains.clear();
            list.forEach(this::addDnsRoutingDomain);
            return this;
        }

        /** Sets {@code MTU}, {@value #MIN_MTU}..{@value #MAX_MTU}; 0 clears it (automatic). */
        public Builder setMtu(int value) {
            if (value != 0 && (value < MIN_MTU || value > MAX_MTU)) {
                throw new IllegalArgumentException("MTU " + value + " is not in " + MIN_MTU + ".." + MAX_MTU);
            }
            this.mtu = value == 0 ? OptionalInt.empty() : OptionalInt.of(value);
            return this;
        }

        /** Sets {@code Table}. */
        public Builder setTable(RouteTable value) {
            this.table = Objects.requireNonNull(value, "table");
            return this;
        }

        /** Adds a {@code PreUp} command (trimmed; no control characters other than tab). */
        public Builder addPreUp(String command) {
            preUp.add(hook(command));
            return this;
        }

        /** Replaces all {@code PreUp} commands. */
        public Builder setPreUp(Collection<String> commands) {
            return replace(preUp, commands);
        }

        /** Adds a {@code PostUp} command (trimmed; no control characters other than tab). */
        public Builder addPostUp(String command) {
            postUp.add(hook(command));
            return this;
        }

        /** Replaces all {@code PostUp} commands. */
        public Builder setPostUp(Collection<String> commands) {
            return replace(postUp, commands);
        }

        /** Adds a {@code PreDown} command (trimmed; no control characters other than tab). */
        public Builder addPreDown(String command) {
            preDown.add(hook(command));
            return this;
        }

        /** Replaces all {@code PreDown} commands. */
        public Builder setPreDown(Collection<String> commands) {
            return replace(preDown, commands);
        }

        /** Adds a {@code PostDown} command (trimmed; no control characters other than tab). */
        public Builder addPostDown(String command) {
            postDown.add(hook(command));
            return this;
        }

        /** Replaces all {@code PostDown} commands. */
        public Builder setPostDown(Collection<String> commands) {
            return replace(postDown, commands);
        }

        /** Sets {@code SaveConfig}. */
        public Builder setSaveConfig(boolean value) {
            this.saveConfig = value;
            return this;
        }

        private Builder replace(List<String> target, Collection<String> commands) {
            List<String> checked = new ArrayList<>(commands.size());
            for (String c : commands) {
                checked.add(hook(c));
            }
            target.clear();
            target.addAll(checked);
            return this;
        }

        private static String hook(String command) {
            String c = Text.trim(Objects.requireNonNull(command, "command"));
            if (!Text.isValidHook(c)) {
                throw new IllegalArgumentException("a hook command may not contain line breaks or control characters");
            }
            return c;
        }

        /**
         * A new {@link InterfaceConfig} with its own copy of the private key.
         *
         * @throws IllegalStateException if no private key was set, or it was destroyed
         */
        public InterfaceConfig build() {
            if (privateKey == null) {
                throw new IllegalStateException("PrivateKey is required");
            }
            if (privateKey.isDestroyed()) {
                throw new IllegalStateException("PrivateKey was destroyed");
            }
            return new InterfaceConfig(this);
        }
    }
}
