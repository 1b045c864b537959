package dev.wgdesk.app.ui.vm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.wgdesk.app.ui.Fixtures;
import dev.wgdesk.app.ui.config.BlockUntunneled;
import dev.wgdesk.app.ui.config.Linter;
import dev.wgdesk.app.ui.gateway.FakeHelperGateway;
import dev.wgdesk.app.ui.i18n.Messages;
import dev.wgdesk.engine.crypto.PrivateKey;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Executor;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class EditorViewModelTest {
    private final FakeHelperGateway helper = new FakeHelperGateway(Clock.systemUTC());
    private final List<String> saved = new ArrayList<>();

    @BeforeAll
    static void english() {
        Messages.useLocale(Locale.ROOT);
    }

    private EditorViewModel editor(String name, String text) throws Exception {
        helper.connect();
        return new EditorViewModel(helper, Tasks.direct(), Runnable::run, Linter.Context::standalone, name, text, saved::add);
    }

    @Test
    void errorAppearsAtTheRightLineAndSaveIsDisabledUntilFixed() throws Exception {
        String good = Fixtures.fullTunnel();
        helper.with("home", good, false);
        EditorViewModel vm = editor("home", good);
        assertEquals(0, vm.errorCountProperty().get());
        assertFalse(vm.canSaveProperty().get(), "nothing changed yet");

        String bad = good.replace("AllowedIPs = 0.0.0.0/0, ::/0", "AllowedIPs = 0.0.0.0/0, 10.0.0.0/33, ::/0");
        vm.textProperty().set(bad);
        assertEquals(1, vm.errorCountProperty().get());
        Problem p = vm.problems().getFirst();
        assertTrue(p.error());
        assertEquals(8, p.line(), "AllowedIPs is on line 8");
        assertEquals(bad.split("\n")[7].indexOf("10.0.0.0/33") + 1, p.column());
        assertEquals("10.0.0.0/33", bad.substring(p.start(), p.end()));
        assertTrue(p.message().contains("not a valid prefix"), p.message());
        assertFalse(p.message().startsWith("home.conf"), "position is shown separately");
        assertFalse(vm.canSaveProperty().get());
        vm.save();
        assertEquals(List.of(), saved, "save does nothing while an error exists");

        String fixed = bad.replace("10.0.0.0/33", "10.0.0.0/8");
        vm.textProperty().set(fixed);
        assertEquals(0, vm.errorCountProperty().get());
        assertTrue(vm.canSaveProperty().get());
        vm.save();
        assertEquals(List.of("home"), saved);
        assertEquals(fixed, helper.storedConfig("home"));
        assertFalse(vm.dirtyProperty().get());
        assertFalse(vm.canSaveProperty().get());
    }

    @Test
    void routingDomainsAreCheckedAndSplitDnsInAFullTunnelIsAWarning() throws Exception {
        String good = Fixtures.fullTunnel();
        helper.with("home", good, false);
        EditorViewModel vm = editor("home", good);

        String bad = good.replace("DNS = 10.64.0.1", "DNS = 10.64.0.1, ~corp..example");
        vm.textProperty().set(bad);
        assertEquals(1, vm.errorCountProperty().get());
        Problem e = vm.problems().getFirst();
        assertEquals(4, e.line());
        assertEquals("~corp..example", bad.substring(e.start(), e.end()));
        assertTrue(e.message().contains("is not a valid routing domain"), e.message());

        String split = good.replace("DNS = 10.64.0.1", "DNS = 10.64.0.1, ~corp.example");
        vm.textProperty().set(split);
        assertEquals(0, vm.errorCountProperty().get());
        assertEquals(1, vm.warningCountProperty().get());
        Problem w = vm.problems().getFirst();
        assertFalse(w.error());
        assertEquals(4, w.line(), "on the DNS line");
        assertTrue(w.message().startsWith("Split DNS in a full tunnel"), w.message());
        assertTrue(vm.canSaveProperty().get());
    }

    @Test
    void lintWarningsDoNotBlockSaving() throws Exception {
        String original = Fixtures.fullTunnel();
        String text = original.replace(", ::/0", "");
        helper.with("home", original, false);
        EditorViewModel vm = editor("home", original);
        vm.textProperty().set(text);
        assertEquals(0, vm.errorCountProperty().get());
        assertEquals(1, vm.warningCountProperty().get());
        Problem w = vm.problems().getFirst();
        assertFalse(w.error());
        assertEquals(8, w.line());
        assertEquals("0.0.0.0/0", text.substring(w.start(), w.end()));
        assertTrue(vm.canSaveProperty().get());
    }

    @Test
    void publicKeyFollowsThePrivateKeyAndGenerateReplacesIt() throws Exception {
        String priv = Fixtures.privateKey();
        EditorViewModel vm = editor(null, "[Interface]\nPrivateKey = " + priv + "\n");
        PrivateKey k = PrivateKey.fromBase64(priv);
        assertEquals(k.publicKey().toBase64(), vm.publicKeyProperty().get());
        k.destroy();

        vm.textProperty().set("[Interface]\nPrivateKey = nonsense\n");
        assertEquals("", vm.publicKeyProperty().get());
        assertEquals(1, vm.errorCountProperty().get());

        vm.generateKeypair();
        assertEquals(0, vm.errorCountProperty().get());
        String newPriv = vm.textProperty().get().split("PrivateKey = ")[1].strip();
        PrivateKey k2 = PrivateKey.fromBase64(newPriv);
        assertEquals(k2.publicKey().toBase64(), vm.publicKeyProperty().get());
        k2.destroy();
    }

    @Test
    void newTunnelStartsWithAFreshKeyAndNeedsAName() throws Exception {
        String a = EditorViewModel.newTunnelText();
        String b = EditorViewModel.newTunnelText();
        assertNotEquals(a, b, "a fresh key each time");
        EditorViewModel vm = editor(null, a);
        assertTrue(vm.isNew());
        assertEquals(0, vm.errorCountProperty().get());
        assertFalse(vm.publicKeyProperty().get().isEmpty());
        assertNotNull(vm.nameErrorProperty().get());
        assertFalse(vm.canSaveProperty().get());
        assertFalse(vm.dirtyProperty().get(), "an untouched new tunnel is nothing to lose");
        vm.nameProperty().set("bad name!");
        assertTrue(vm.dirtyProperty().get(), "a typed name is");
        assertTrue(vm.nameErrorProperty().get().contains("'") || vm.nameErrorProperty().get().contains("contains"));
        vm.nameProperty().set("fresh");
        assertNull(vm.nameErrorProperty().get());
        assertTrue(vm.canSaveProperty().get(), "a new tunnel can be saved unchanged");
        vm.save();
        assertEquals(List.of("fresh"), saved);
        assertEquals(a, helper.storedConfig("fresh"));
        assertFalse(vm.isNew());
    }

    @Test
    void anImportPreviewIsNotAChangeUntilTheUserMakesOne() throws Exception {
        EditorViewModel vm = editor(null, Fixtures.fullTunnel());
        assertFalse(vm.isImportPreview());
        vm.suggestName("laptop");
        assertTrue(vm.isImportPreview(), "titled as an import");
        assertEquals("laptop", vm.nameProperty().get());
        assertFalse(vm.dirtyProperty().get(), "closing an untouched preview asks nothing");
        assertTrue(vm.canSaveProperty().get(), "and it can be imported as it is");
        vm.nameProperty().set("laptop2");
        assertTrue(vm.dirtyProperty().get());
        vm.revert();
        assertEquals("laptop", vm.nameProperty().get());
        vm.save();
        assertEquals(List.of("laptop"), saved);
    }

    @Test
    void newTunnelWithATakenNameReportsTheHelpersError() throws Exception {
        helper.with("home", Fixtures.fullTunnel(), false);
        EditorViewModel vm = editor(null, EditorViewModel.newTunnelText());
        vm.nameProperty().set("home");
        vm.save();
        assertEquals(List.of(), saved);
        assertTrue(vm.saveErrorProperty().get().contains("exists"), vm.saveErrorProperty().get());
        assertFalse(vm.savingProperty().get());
    }

    @Test
    void renamingSavesUnderTheNewName() throws Exception {
        String text = Fixtures.siteTunnel();
        helper.with("old", text, false);
        EditorViewModel vm = editor("old", text);
        vm.nameProperty().set("new");
        assertTrue(vm.canSaveProperty().get());
        vm.save();
        assertEquals(List.of("new"), saved);
        assertNull(helper.storedConfig("old"));
        assertEquals(text, helper.storedConfig("new"));
    }

    @Test
    void blockUntunneledSwitchRewritesTheText() throws Exception {
        EditorViewModel vm = editor(null, Fixtures.fullTunnel());
        assertEquals(BlockUntunneled.State.BLOCKING, vm.blockStateProperty().get());
        vm.setBlockUntunneled(false);
        assertEquals(BlockUntunneled.State.NOT_BLOCKING, vm.blockStateProperty().get());
        assertTrue(vm.textProperty().get().contains("AllowedIPs = 0.0.0.0/1, 128.0.0.0/1, ::/1, 8000::/1"));
        assertEquals(0, vm.warningCountProperty().get(), "halves are still a full tunnel: no IPv6 leak");
        vm.setBlockUntunneled(true);
        assertTrue(vm.textProperty().get().contains("AllowedIPs = 0.0.0.0/0, ::/0"));
    }

    @Test
    void duplicateKeyWarningUsesTheOtherTunnels() throws Exception {
        String text = Fixtures.siteTunnel();
        helper.connect();
        String pub = new EditorViewModel(helper, Tasks.direct(), Runnable::run, Linter.Context::standalone, "a", text,
                saved::add).publicKeyProperty().get();
        EditorViewModel vm = new EditorViewModel(helper, Tasks.direct(), Runnable::run,
                () -> new Linter.Context(Map.of(pub, "office"), 1500), "a", text, saved::add);
        assertEquals(1, vm.warningCountProperty().get());
        assertTrue(vm.problems().getFirst().message().contains("office"));
        assertEquals(2, vm.problems().getFirst().line(), "on the PrivateKey line");
    }

    @Test
    void staleValidationResultsAreDropped() throws Exception {
        List<Runnable> queued = new ArrayList<>();
        Executor manual = queued::add;
        helper.connect();
        EditorViewModel vm = new EditorViewModel(helper, Tasks.direct(), manual, Linter.Context::standalone, "a",
                Fixtures.siteTunnel(), saved::add);
        vm.textProperty().set("garbage");
        vm.textProperty().set(Fixtures.siteTunnel());
        assertEquals(3, queued.size());
        assertFalse(vm.canSaveProperty().get(), "not validated yet");
        queued.get(1).run(); // the result for "garbage" arrives late
        assertEquals(0, vm.errorCountProperty().get(), "ignored: the text changed since");
        queued.get(2).run();
        assertEquals(0, vm.errorCountProperty().get());
        assertTrue(vm.canSaveProperty().get());
    }
}
