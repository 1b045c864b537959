package dev.wgdesk.app.ui.io;

import dev.wgdesk.app.ipc.IpcException;
import dev.wgdesk.app.ui.gateway.HelperGateway;
import dev.wgdesk.app.ui.i18n.Messages;
import dev.wgdesk.engine.config.ConfigError;
import dev.wgdesk.engine.config.NmImport;
import dev.wgdesk.engine.config.NmKeyfile;
import dev.wgdesk.engine.config.NmKeyfileProblem;
import dev.wgdesk.engine.config.ParseResult;
import dev.wgdesk.engine.config.TunnelConfig;
import dev.wgdesk.engine.config.TunnelName;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.zip.ZipEntry;
import java.util.zip.ZipException;
import java.util.zip.ZipInputStream;

/**
 * Imports tunnels from files the user chose or dropped: {@code name.conf} files, zip archives
 * of them (as {@link Exporter} writes, or as a VPN provider hands out), and NetworkManager keyfiles
 * ({@code *.nmconnection}, named after their connection id; the NetworkManager settings that are
 * not imported are reported as warnings). Each configuration is
 * checked for a valid name and text before the helper is asked to create it; an existing tunnel is
 * never overwritten. Blocking: run it on a background thread. Nothing is written to disk.
 */
public final class Importer {
    /** Largest .conf file or zip entry read, in bytes. */
    public static final int MAX_CONFIG_BYTES = TunnelConfig.MAX_FILE_CHARS;
    /** Most entries read from one zip archive. */
    public static final int MAX_ZIP_ENTRIES = 1000;

    private final HelperGateway gateway;

    /** An importer creating tunnels through {@code gateway}. */
    public Importer(HelperGateway gateway) {
        this.gateway = Objects.requireNonNull(gateway, "gateway");
    }

    /** True for the file types the importer takes (.conf, .zip, .nmconnection), by name. */
    public static boolean accepts(Path file) {
        String n = file.getFileName() == null ? "" : file.getFileName().toString().toLowerCase(Locale.ROOT);
        return n.endsWith(".conf") || n.endsWith(".zip") || NmKeyfile.isKeyfileName(n);
    }

    /** How one configuration went: the tunnel's name when imported, else why not; and warnings. */
    private record Outcome(String name, String failure, List<String> warnings) {
        static Outcome failed(String reason) {
            return new Outcome(null, reason, List.of());
        }
    }

    private record Candidate(String source, String fileName, byte[] bytes, String readError) {
    }

    /** Imports every configuration in {@code files}, in order, and reports what happened. */
    public ImportReport importFiles(List<Path> files) {
        List<Candidate> found = new ArrayList<>();
        for (Path f : files) {
            collect(f, found);
        }
        List<String> imported = new ArrayList<>();
        List<ImportReport.Failure> failures = new ArrayList<>();
        List<ImportReport.Failure> warnings = new ArrayList<>();
        for (Candidate c : found) {
            Outcome o = c.readError() != null ? Outcome.failed(c.readError()) : importOne(c);
            o.warnings().forEach(w -> warnings.add(new ImportReport.Failure(c.source(), w)));
            if (o.failure() == null) {
                imported.add(o.name());
            } else {
                failures.add(new ImportReport.Failure(c.source(), o.failure()));
            }
        }
        return new ImportReport(imported, failures, warnings);
    }

    private void collect(Path f, List<Candidate> out) {
        String display = f.getFileName() == null ? f.toString() : f.getFileName().toString();
        String lower = display.toLowerCase(Locale.ROOT);
        try {
            if (lower.endsWith(".zip")) {
                readZip(f, display, out);
            } else if (lower.endsWith(".conf") || NmKeyfile.isKeyfileName(lower)) {
                if (Files.size(f) > MAX_CONFIG_BYTES) {
                    out.add(new Candidate(display, display, null, Messages.get("import.tooLarge")));
                } else {
                    out.add(new Candidate(display, display, Files.readAllBytes(f), null));
                }
            } else {
                out.add(new Candidate(display, display, null, Messages.get("import.notConf")));
            }
        } catch (IOException e) {
            out.add(new Candidate(display, display, null, Messages.get("import.unreadable", String.valueOf(e.getMessage()))));
        }
    }

    private static void readZip(Path zip, String display, List<Candidate> out) throws IOException {
        int entries = 0;
        try (InputStream in = Files.newInputStream(zip); ZipInputStream z = new ZipInputStream(in, StandardCharsets.UTF_8)) {
            ZipEntry e;
            while ((e = z.getNextEntry()) != null) {
                if (++entries > MAX_ZIP_ENTRIES) {
                    out.add(new Candidate(display, display, null, Messages.get("import.zipTooManyEntries", MAX_ZIP_ENTRIES)));
                    return;
                }
                String entryName = e.getName();
                String base = entryName.substring(entryName.lastIndexOf('/') + 1);
                if (e.isDirectory() || entryName.startsWith("__MACOSX/") || base.startsWith(".")
                        || !base.toLowerCase(Locale.ROOT).endsWith(".conf")) {
                    continue;
                }
                String source = display + "/" + entryName;
                byte[] bytes = z.readNBytes(MAX_CONFIG_BYTES + 1);
                if (bytes.length > MAX_CONFIG_BYTES) {
                    out.add(new Candidate(source, base, null, Messages.get("import.tooLarge")));
                } else {
                    out.add(new Candidate(source, base, bytes, null));
                }
            }
        } catch (ZipException e) {
            out.add(new Candidate(display, display, null, Messages.get("import.badZip", String.valueOf(e.getMessage()))));
            return;
        }
        if (entries == 0) {
            out.add(new Candidate(display, display, null, Messages.get("import.emptyZip")));
        }
    }

    /** Imports one configuration. */
    private Outcome importOne(Candidate c) {
        boolean keyfile = NmKeyfile.isKeyfileName(c.fileName());
        TunnelName name = null;
        if (!keyfile) {
            try {
                name = TunnelName.fromFileName(c.fileName());
            } catch (TunnelName.InvalidNameException e) {
                java.util.Arrays.fill(c.bytes(), (byte) 0);
                return Outcome.failed(Messages.get("import.badName", e.error().message()));
            }
        }
        String text;
        try {
            text = StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(java.nio.ByteBuffer.wrap(c.bytes())).toString();
        } catch (CharacterCodingException e) {
            return Outcome.failed(Messages.get("import.notUtf8"));
        } finally {
            java.util.Arrays.fill(c.bytes(), (byte) 0);
        }
        if (!text.isEmpty() && text.charAt(0) == '\uFEFF') {
            text = text.substring(1);
        }
        List<String> warnings = List.of();
        if (keyfile) {
            NmImport nm = NmKeyfile.parse(c.fileName(), text);
            warnings = nm.warnings().stream().map(NmKeyfileProblem::message).toList();
            if (!nm.isValid()) {
                NmKeyfileProblem first = nm.errors().getFirst();
                int more = nm.errors().size() - 1;
                return new Outcome(null, more == 0 ? first.message()
                        : Messages.get("import.moreErrors", first.message(), more), warnings);
            }
            TunnelConfig config = nm.config().orElseThrow();
            name = nm.name();
            text = config.toWgQuickString();
            config.destroy();
        } else {
            ParseResult r = TunnelConfig.parseLenient(name.fileName(), text);
            if (!r.isValid()) {
                ConfigError first = r.errors().getFirst();
                int more = r.errors().size() - 1;
                return Outcome.failed(more == 0 ? first.message() : Messages.get("import.moreErrors", first.message(), more));
            }
            r.config().orElseThrow().destroy();
        }
        try {
            gateway.importConfig(name.value(), text);
            return new Outcome(name.value(), null, warnings);
        } catch (IpcException e) {
            return new Outcome(null, e.getMessage(), warnings);
        }
    }
}
