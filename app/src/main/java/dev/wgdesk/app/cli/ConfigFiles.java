package dev.wgdesk.app.cli;

import dev.wgdesk.engine.config.NmImport;
import dev.wgdesk.engine.config.NmKeyfile;
import dev.wgdesk.engine.config.NmKeyfileProblem;
import dev.wgdesk.engine.config.TunnelConfig;
import dev.wgdesk.engine.config.TunnelName;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;

/**
 * Reads the configurations named on an {@code import} command line, as the invoking user (the
 * helper never opens user files): {@code NAME.conf} files, {@code .zip} archives of them (as
 * VPN providers and wireguard-windows export them), and NetworkManager keyfiles
 * ({@code *.nmconnection}, converted to wg-quick text, named after the connection id). Each
 * candidate becomes an {@link Item} holding either its text or why it could not be read.
 */
final class ConfigFiles {
    /** Most entries read from one archive. */
    static final int MAX_ZIP_ENTRIES = 1000;

    /**
     * One configuration to import.
     *
     * @param source where it came from ({@code home.conf}, {@code all.zip:home.conf})
     * @param name   the tunnel name, or null if the file name gives none
     * @param text   the text, or null if it could not be read
     * @param error  why it cannot be imported, or null
     * @param warnings what was not imported of it (NetworkManager-only settings), one line each
     */
    record Item(String source, String name, String text, String error, List<String> warnings) {
        Item(String source, String name, String text, String error) {
            this(source, name, text, error, List.of());
        }
    }

    private ConfigFiles() {}

    static List<Item> read(List<String> paths) {
        List<Item> items = new ArrayList<>();
        for (String p : paths) {
            Path path = Path.of(p);
            String lower = p.toLowerCase(Locale.ROOT);
            if (lower.endsWith(".zip")) {
                readZip(path, items);
            } else if (NmKeyfile.isKeyfileName(lower)) {
                items.add(readKeyfile(p, path));
            } else {
                items.add(readConf(p, path));
            }
        }
        return items;
    }

    private static Item readConf(String source, Path path) {
        String name;
        try {
            name = TunnelName.fromFileName(path.getFileName().toString()).value();
        } catch (TunnelName.InvalidNameException e) {
            return new Item(source, null, null, e.getMessage() + " (a tunnel file is NAME.conf, NAME being 1-15 of"
                    + " letters, digits and _=+.-; rename it)");
        }
        try {
            if (Files.size(path) > TunnelConfig.MAX_FILE_CHARS) {
                return new Item(source, name, null, "too large to be a WireGuard configuration");
            }
            return new Item(source, name, Files.readString(path, StandardCharsets.UTF_8), null);
        } catch (IOException e) {
            return new Item(source, name, null, "cannot read: " + describe(e));
        }
    }

    private static Item readKeyfile(String source, Path path) {
        NmImport r;
        try {
            r = NmKeyfile.parse(path);
        } catch (IOException e) {
            String hint = e instanceof java.nio.file.AccessDeniedException
                    ? " (NetworkManager's system connections are readable by root only: use sudo, or copy the file)" : "";
            return new Item(source, null, null, "cannot read: " + describe(e) + hint);
        }
        List<String> warnings = r.warnings().stream().map(w -> "warning: " + w.message()).toList();
        if (!r.isValid()) {
            List<String> lines = r.errors().stream().map(NmKeyfileProblem::message).toList();
            return new Item(source, r.name().value(), null, String.join("\n  ", lines), warnings);
        }
        TunnelConfig c = r.config().orElseThrow();
        try {
            return new Item(source, r.name().value(), c.toWgQuickString(), null, warnings);
        } finally {
            c.destroy();
        }
    }

    private static void readZip(Path path, List<Item> items) {
        String zipName = path.getFileName() == null ? path.toString() : path.getFileName().toString();
        int found = 0;
        try (ZipInputStream zip = new ZipInputStream(Files.newInputStream(path), StandardCharsets.UTF_8)) {
            ZipEntry e;
            int seen = 0;
            while ((e = zip.getNextEntry()) != null) {
                if (++seen > MAX_ZIP_ENTRIES) {
                    items.add(new Item(zipName, null, null, "more than " + MAX_ZIP_ENTRIES + " entries; the rest was skipped"));
                    break;
                }
                String entry = e.getName();
                String base = entry.substring(entry.lastIndexOf('/') + 1);
                if (e.isDirectory() || entry.startsWith("__MACOSX/") || base.startsWith("._")
                        || !base.toLowerCase(Locale.ROOT).endsWith(".conf")) {
                    continue;
                }
                found++;
                String source = zipName + ":" + entry;
                String name;
                try {
                    name = TunnelName.fromFileName(base.substring(0, base.length() - 5) + ".conf").value();
                } catch (TunnelName.InvalidNameException ex) {
                    items.add(new Item(source, null, null, ex.getMessage()));
                    continue;
                }
                byte[] bytes = readBounded(zip, TunnelConfig.MAX_FILE_CHARS);
                if (bytes == null) {
                    items.add(new Item(source, name, null, "too large to be a WireGuard configuration"));
                } else {
                    items.add(new Item(source, name, new String(bytes, StandardCharsets.UTF_8), null));
                }
            }
        } catch (IOException e) {
            items.add(new Item(zipName, null, null, "cannot read the archive: " + describe(e)));
            return;
        }
        if (found == 0) {
            items.add(new Item(zipName, null, null, "the archive holds no .conf file"));
        }
    }

    private static byte[] readBounded(InputStream in, int max) throws IOException {
        byte[] b = in.readNBytes(max + 1);
        return b.length > max ? null : b;
    }

    private static String describe(IOException e) {
        if (e instanceof java.nio.file.NoSuchFileException) {
            return "no such file";
        }
        if (e instanceof java.nio.file.AccessDeniedException) {
            return "permission denied";
        }
        return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    }
}
