package dev.wgdesk.app.ui.vm;

import dev.wgdesk.app.ipc.IpcException;
import dev.wgdesk.app.ui.config.BlockUntunneled;
import dev.wgdesk.app.ui.config.ConfigText;
import dev.wgdesk.app.ui.config.LintWarning;
import dev.wgdesk.app.ui.config.Linter;
import dev.wgdesk.app.ui.gateway.HelperGateway;
import dev.wgdesk.app.ui.i18n.Messages;
import dev.wgdesk.engine.config.ConfigError;
import dev.wgdesk.engine.config.ConfigKey;
import dev.wgdesk.engine.config.ParseResult;
import dev.wgdesk.engine.config.TunnelConfig;
import dev.wgdesk.engine.config.TunnelName;
import dev.wgdesk.engine.crypto.PrivateKey;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.Executor;
import java.util.function.Consumer;
import java.util.function.Supplier;
import javafx.beans.binding.Bindings;
import javafx.beans.binding.BooleanBinding;
import javafx.beans.property.BooleanProperty;
import javafx.beans.property.IntegerProperty;
import javafx.beans.property.ObjectProperty;
import javafx.beans.property.ReadOnlyBooleanProperty;
import javafx.beans.property.ReadOnlyIntegerProperty;
import javafx.beans.property.ReadOnlyObjectProperty;
import javafx.beans.property.ReadOnlyStringProperty;
import javafx.beans.property.SimpleBooleanProperty;
import javafx.beans.property.SimpleIntegerProperty;
import javafx.beans.property.SimpleObjectProperty;
import javafx.beans.property.SimpleStringProperty;
import javafx.beans.property.StringProperty;
import javafx.collections.FXCollections;
import javafx.collections.ObservableList;

/**
 * The editor of one tunnel's configuration: its name and wg-quick text, the problems found as the
 * user types (the engine's parser, then the {@link Linter}), the public key that goes with the
 * private key, "Generate keypair", the "Block untunneled traffic" switch, and saving. Saving is
 * possible only without errors. Validation runs on the {@code validation} executor and its result
 * is applied on the UI thread if the text has not changed meanwhile.
 */
public final class EditorViewModel {
    private final HelperGateway gateway;
    private final Tasks tasks;
    private final Executor validation;
    private final Supplier<Linter.Context> lintContext;
    private final Consumer<String> onSaved;

    private final StringProperty name = new SimpleStringProperty(this, "name", "");
    private final StringProperty text = new SimpleStringProperty(this, "text", "");
    private final StringProperty savedText = new SimpleStringProperty(this, "savedText", "");
    private final StringProperty savedName = new SimpleStringProperty(this, "savedName", "");
    private boolean importPreview;
    /** The name that counts as "unchanged": the saved one, or a suggestion for a new tunnel. */
    private final StringProperty cleanName = new SimpleStringProperty(this, "cleanName", "");
    private final ObservableList<Problem> problems = FXCollections.observableArrayList();
    private final IntegerProperty errorCount = new SimpleIntegerProperty(this, "errorCount");
    private final IntegerProperty warningCount = new SimpleIntegerProperty(this, "warningCount");
    private final StringProperty publicKey = new SimpleStringProperty(this, "publicKey", "");
    private final StringProperty nameError = new SimpleStringProperty(this, "nameError");
    private final StringProperty saveError = new SimpleStringProperty(this, "saveError");
    private final ObjectProperty<BlockUntunneled.State> blockState =
            new SimpleObjectProperty<>(this, "blockState", BlockUntunneled.State.UNAVAILABLE);
    private final BooleanProperty saving = new SimpleBooleanProperty(this, "saving");
    private final BooleanProperty validated = new SimpleBooleanProperty(this, "validated");
    private final BooleanBinding dirty;
    private final BooleanBinding canSave;
    private long generation;

    /**
     * An editor.
     *
     * @param gateway      the helper
     * @param tasks        background work and the UI thread
     * @param validation   where the parser and linter run (one thread is enough)
     * @param lintContext  the other tunnels' keys and the path MTU, asked at each validation
     * @param originalName the tunnel being edited, or null for a new tunnel
     * @param initialText  its text (for a new tunnel, see {@link #newTunnelText()})
     * @param onSaved      called on the UI thread with the name after a successful save
     */
    public EditorViewModel(HelperGateway gateway, Tasks tasks, Executor validation, Supplier<Linter.Context> lintContext,
                           String originalName, String initialText, Consumer<String> onSaved) {
        this.gateway = Objects.requireNonNull(gateway, "gateway");
        this.tasks = Objects.requireNonNull(tasks, "tasks");
        this.validation = Objects.requireNonNull(validation, "validation");
        this.lintContext = Objects.requireNonNull(lintContext, "lintContext");
        this.onSaved = Objects.requireNonNull(onSaved, "onSaved");
        name.set(originalName == null ? "" : originalName);
        savedName.set(name.get());
        cleanName.set(name.get());
        text.set(initialText);
        // An untouched new tunnel (the template with its generated key) is nothing to lose:
        // closing it asks nothing. A name or an edit makes it worth a question.
        savedText.set(initialText);
        dirty = Bindings.createBooleanBinding(() -> !text.get().equals(savedText.get())
                || !name.get().equals(cleanName.get()), text, savedText, name, cleanName);
        canSave = Bindings.createBooleanBinding(() -> validated.get() && errorCount.get() == 0
                        && nameError.get() == null && !saving.get() && (dirty.get() || isNew()),
                validated, errorCount, nameError, saving, dirty, savedName);
        text.addListener((o, a, b) -> validate());
        name.addListener((o, a, b) -> validateName());
        validateName();
        validate();
    }

    /** The text of a new, empty tunnel: an [Interface] with a freshly generated private key. */
    public static String newTunnelText() {
        PrivateKey k = PrivateKey.generate();
        try {
            return "[Interface]\nPrivateKey = " + k.toBase64() + "\n";
        } finally {
            k.destroy();
        }
    }

    /* ---------- properties ---------- */

    /** True for a tunnel that does not exist in the helper yet. */
    public boolean isNew() {
        return savedName.get().isEmpty();
    }

    /** The tunnel name being edited. */
    public StringProperty nameProperty() {
        return name;
    }

    /** The wg-quick text. */
    public StringProperty textProperty() {
        return text;
    }

    /** Errors first (by position), then warnings (by position). */
    public ObservableList<Problem> problems() {
        return problems;
    }

    /** Number of errors. */
    public ReadOnlyIntegerProperty errorCountProperty() {
        return errorCount;
    }

    /** Number of lint warnings. */
    public ReadOnlyIntegerProperty warningCountProperty() {
        return warningCount;
    }

    /** The public key matching the PrivateKey line, or empty when it is not a valid key. */
    public ReadOnlyStringProperty publicKeyProperty() {
        return publicKey;
    }

    /** Why the name is not valid, or null. */
    public ReadOnlyStringProperty nameErrorProperty() {
        return nameError;
    }

    /** Why the last save failed, or null. */
    public ReadOnlyStringProperty saveErrorProperty() {
        return saveError;
    }

    /** Where the "Block untunneled traffic" switch stands. */
    public ReadOnlyObjectProperty<BlockUntunneled.State> blockStateProperty() {
        return blockState;
    }

    /** True while saving. */
    public ReadOnlyBooleanProperty savingProperty() {
        return saving;
    }

    /** True when the text or name differ from what was last saved. */
    public BooleanBinding dirtyProperty() {
        return dirty;
    }

    /** True when the tunnel may be saved: validated, no error, a valid name, something to save. */
    public BooleanBinding canSaveProperty() {
        return canSave;
    }

    /* ---------- validation ---------- */

    private record Result(List<Problem> problems, int errors, int warnings, String publicKey,
                          BlockUntunneled.State block) {
    }

    private void validate() {
        long gen = ++generation;
        String t = text.get();
        String n = name.get().isEmpty() ? "tunnel" : name.get();
        Linter.Context ctx = lintContext.get();
        validated.set(false);
        try {
            validation.execute(() -> {
                Result r = analyse(n, t, ctx);
                tasks.onUi(() -> {
                    if (gen == generation) {
                        problems.setAll(r.problems());
                        errorCount.set(r.errors());
                        warningCount.set(r.warnings());
                        publicKey.set(r.publicKey());
                        blockState.set(r.block());
                        validated.set(true);
                    }
                });
            });
        } catch (java.util.concurrent.RejectedExecutionException e) {
            // The app is shutting down.
        }
    }

    /** Parses and lints {@code text}; a pure function, run off the UI thread. */
    static Result analyse(String name, String text, Linter.Context ctx) {
        ConfigText lines = ConfigText.of(text);
        ParseResult r = TunnelConfig.parseLenient(name + ".conf", text);
        List<Problem> out = new ArrayList<>();
        for (ConfigError e : r.errors()) {
            int start = lines.offset(e.line(), e.column());
            int end = Math.min(start + e.length(), lines.line(Math.min(e.line(), lines.lines().size())).end());
            if (end <= start && e.length() == 0) {
                end = start;
            }
            out.add(new Problem(true, e.line(), e.column(), start, Math.max(start, end), withoutPosition(e)));
        }
        int errors = out.size();
        if (r.config().isPresent()) {
            TunnelConfig c = r.config().get();
            try {
                for (LintWarning w : Linter.lint(c, ctx)) {
                    out.add(locate(lines, w));
                }
            } finally {
                c.destroy();
            }
        }
        out.sort(Comparator.comparing((Problem p) -> !p.error()).thenComparingInt(Problem::line)
                .thenComparingInt(Problem::column));
        return new Result(out, errors, out.size() - errors, publicKeyOf(lines), BlockUntunneled.state(text));
    }

    private static String withoutPosition(ConfigError e) {
        String m = e.message();
        String prefix = e.fileName() + ":" + e.line() + ":" + e.column() + ": ";
        return m.startsWith(prefix) ? m.substring(prefix.length()) : m;
    }

    private static Problem locate(ConfigText lines, LintWarning w) {
        Optional<ConfigText.Line> line = lines.find(w.peerIndex(), w.key()).or(() -> lines.header(w.peerIndex()));
        if (line.isEmpty()) {
            return new Problem(false, 1, 1, 0, 0, w.message());
        }
        ConfigText.Line l = line.get();
        int s = l.valueStart() >= 0 ? l.valueStart() : l.keyStart() >= 0 ? l.keyStart() : l.start();
        int e = l.valueEnd() >= 0 ? l.valueEnd() : l.keyEnd() >= 0 ? l.keyEnd() : l.end();
        return new Problem(false, l.number(), s - l.start() + 1, s, e, w.message());
    }

    private static String publicKeyOf(ConfigText lines) {
        Optional<String> value = lines.interfaceValue(ConfigKey.PRIVATE_KEY);
        if (value.isEmpty()) {
            return "";
        }
        PrivateKey k;
        try {
            k = PrivateKey.fromBase64(value.get());
        } catch (IllegalArgumentException e) { // KeyFormatException and others
            return "";
        }
        try {
            return k.publicKey().toBase64();
        } finally {
            k.destroy();
        }
    }

    private void validateName() {
        String n = name.get();
        if (n.isEmpty()) {
            nameError.set(Messages.get("editor.name.empty"));
            return;
        }
        nameError.set(TunnelName.validate(n).map(TunnelName.NameError::message).orElse(null));
    }

    /* ---------- actions ---------- */

    /** Replaces the private key with a freshly generated one (the public key follows). */
    public void generateKeypair() {
        PrivateKey k = PrivateKey.generate();
        try {
            text.set(ConfigText.of(text.get()).withInterfaceValue(ConfigKey.PRIVATE_KEY, k.toBase64()));
        } finally {
            k.destroy();
        }
    }

    /** Rewrites the default routes so that untunneled traffic is blocked or not. */
    public void setBlockUntunneled(boolean block) {
        text.set(BlockUntunneled.apply(text.get(), block));
    }

    /**
     * Names a new tunnel without making that a change of the user's: an import preview suggests
     * the file's name, and closing the preview untouched asks nothing.
     */
    public void suggestName(String suggested) {
        if (isNew()) {
            name.set(suggested);
            cleanName.set(suggested);
            importPreview = true;
        }
    }

    /** True when this new tunnel came from a file (an import preview) rather than "Add". */
    public boolean isImportPreview() {
        return importPreview;
    }

    /** Puts the text back as it was last saved. */
    public void revert() {
        if (!isNew()) {
            text.set(savedText.get());
        }
        name.set(isNew() ? cleanName.get() : savedName.get());
    }

    /** Saves the tunnel in the helper (creating it if new, renaming it if the name changed). */
    public void save() {
        if (!canSave.get()) {
            return;
        }
        String n = name.get();
        String t = text.get();
        String from = savedName.get();
        boolean created = isNew();
        saving.set(true);
        saveError.set(null);
        tasks.run(() -> {
            if (created) {
                gateway.importConfig(n, t);
            } else {
                if (!from.equals(n)) {
                    gateway.rename(from, n);
                }
                gateway.save(n, t);
            }
            return n;
        }, saved -> {
            saving.set(false);
            savedText.set(t);
            savedName.set(n);
            cleanName.set(n);
            onSaved.accept(saved);
        }, e -> {
            saving.set(false);
            saveError.set(describe(e));
        });
    }

    private static String describe(IpcException e) {
        return e.details().isEmpty() ? e.getMessage() : e.getMessage() + "\n" + String.join("\n", e.details());
    }

    /** The name the tunnel has in the helper now (empty for a new unsaved tunnel). */
    public String savedName() {
        return savedName.get();
    }
}
