package dev.wgdesk.platform.macos;

import dev.wgdesk.engine.config.DnsServer;
import dev.wgdesk.engine.config.InterfaceConfig;
import dev.wgdesk.engine.config.RoutingDomain;
import dev.wgdesk.engine.config.SearchDomain;
import dev.wgdesk.engine.platform.AtomicTextFile;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Split DNS on macOS: one file per domain in {@code /etc/resolver} ({@code man 5 resolver}), named
 * after the domain and holding {@code nameserver} lines, makes the system resolver send queries
 * for that domain and below to those servers, while every other name keeps going to the network
 * services' own servers. Used when a tunnel's {@code DNS =} has routing domains
 * ({@code ~corp.example}) and not {@code ~.} ({@link InterfaceConfig#splitDns()}): a file for each
 * routing domain and each search domain (a search domain routes too, as with systemd-resolved).
 *
 * <p>Each file starts with a marker line naming the tunnel. A file is written only where there is
 * none or where the marker names the same tunnel (left by a crash); a file written by someone else,
 * or by another tunnel that is up, stops the activation instead of being overwritten. Files are
 * written atomically (a temporary file in the same directory, fsync, rename, mode 0644) and removed
 * on deactivation, on a failed activation, and from the crash journal ({@link #JOURNAL_VERB}),
 * each time only if the marker still names the tunnel.
 *
 * <p>Unit-tested on Linux against a temporary directory; <b>never run on a Mac</b>.
 */
public final class ResolverFiles {
    /** Where macOS reads them. */
    public static final Path SYSTEM_DIR = Path.of("/etc/resolver");
    /**
     * The crash journal's entry for removing one file: {@code [JOURNAL_VERB, tunnel, domain]}; done
     * by {@link #replay}, never run as a program.
     */
    public static final String JOURNAL_VERB = "wgdesk-remove-resolver-file";

    private static final String MARKER = "# wgdesk: written for the tunnel ";

    private final Path dir;

    /** Files in {@code dir} (tests use a temporary directory). */
    public ResolverFiles(Path dir) {
        this.dir = dir;
    }

    /** The system's {@code /etc/resolver}. */
    public static ResolverFiles system() {
        return new ResolverFiles(SYSTEM_DIR);
    }

    /** The directory. */
    public Path dir() {
        return dir;
    }

    /**
     * The domains that get a file for {@code ic}: none unless DNS is split; else each routing and
     * each search domain once, as a file name (lower case, no trailing dot).
     */
    public static List<String> domains(InterfaceConfig ic) {
        if (!ic.splitDns()) {
            return List.of();
        }
        Set<String> out = new LinkedHashSet<>();
        for (SearchDomain s : ic.dnsSearchDomains()) {
            out.add(RoutingDomain.of(s).canonicalName());
        }
        for (RoutingDomain r : ic.dnsRoutingDomains()) {
            out.add(r.canonicalName());
        }
        return List.copyOf(out);
    }

    /** A file's content: the marker line, then one {@code nameserver} line per server. */
    public static String content(String tunnel, List<DnsServer> servers) {
        StringBuilder sb = new StringBuilder(MARKER).append(tunnel).append(" (removed when it goes down)\n");
        for (DnsServer s : servers) {
            sb.append("nameserver ").append(s.address()).append('\n');
        }
        return sb.toString();
    }

    /** The path of {@code domain}'s file. */
    public Path file(String domain) {
        if (domain.isEmpty() || domain.contains("/") || domain.startsWith(".") || !domain.equals(domain.strip())) {
            throw new IllegalArgumentException("not a resolver file name: \"" + domain + "\"");
        }
        return dir.resolve(domain);
    }

    /**
     * Writes {@code domain}'s file for {@code tunnel} atomically.
     *
     * @throws IOException when it cannot, or when a file that is not this tunnel's is there
     */
    public void write(String tunnel, String domain, List<DnsServer> servers) throws IOException {
        Path f = file(domain);
        if (Files.exists(f, LinkOption.NOFOLLOW_LINKS) && !ours(f, tunnel)) {
            throw new IOException(f + " exists and was not written by wgdesk for this tunnel (" + firstLine(f)
                    + "); remove it, or take ~" + domain + " out of DNS =");
        }
        if (!Files.isDirectory(dir)) {
            Files.createDirectories(dir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwxr-xr-x")));
        }
        AtomicTextFile.write(f, content(tunnel, servers), PosixFilePermissions.fromString("rw-r--r--"));
    }

    /**
     * Removes {@code domain}'s file if it is still {@code tunnel}'s.
     *
     * @return whether a file was removed
     */
    public boolean remove(String tunnel, String domain) throws IOException {
        Path f = file(domain);
        try {
            if (!ours(f, tunnel)) {
                return false;
            }
        } catch (NoSuchFileException e) {
            return false;
        }
        return Files.deleteIfExists(f);
    }

    /** Replays a journal entry {@code [JOURNAL_VERB, tunnel, domain]}; returns a line when a file was removed. */
    public List<String> replay(List<String> entry) {
        List<String> done = new ArrayList<>();
        if (entry.size() == 3 && entry.getFirst().equals(JOURNAL_VERB)) {
            try {
                if (remove(entry.get(1), entry.get(2))) {
                    done.add("removed " + file(entry.get(2)));
                }
            } catch (IOException | IllegalArgumentException e) {
                // gone already, or not a name we write
            }
        }
        return done;
    }

    private static boolean ours(Path f, String tunnel) throws IOException {
        return Files.isRegularFile(f, LinkOption.NOFOLLOW_LINKS) && firstLine(f).startsWith(MARKER + tunnel + " ");
    }

    private static String firstLine(Path f) throws IOException {
        if (!Files.isRegularFile(f, LinkOption.NOFOLLOW_LINKS)) {
            return "not a regular file";
        }
        try (var r = Files.newBufferedReader(f, StandardCharsets.ISO_8859_1)) {
            String l = r.readLine();
            return l == null ? "" : l;
        }
    }
}
