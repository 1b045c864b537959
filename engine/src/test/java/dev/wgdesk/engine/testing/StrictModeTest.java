package dev.wgdesk.engine.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.opentest4j.AssertionFailedError;
import org.opentest4j.TestAbortedException;

class StrictModeTest {
    private static final AllowedSkips ALLOWED = AllowedSkips.parse(Path.of("allowed-skips"), """
            # comment
            a.Docs   a documentation tool
            b.Tun#offload  needs Linux 6.2
            """);

    private static TestAbortedException abort() {
        try {
            Requirements.require(false, "needs root to create a TUN device");
        } catch (TestAbortedException e) {
            return e;
        }
        throw new AssertionError("require(false, ...) did not abort");
    }

    @Test
    void outsideStrictModeAMissingRequirementStaysASkip() {
        TestAbortedException abort = abort();
        assertEquals("cannot run the real scenario: needs root to create a TUN device", abort.getMessage());
        assertSame(abort, StrictMode.judge(false, ALLOWED, "c.Tests", "up", abort));
    }

    @Test
    void underStrictModeAnUnlistedSkipFailsNamingTheTestAndTheReason() {
        TestAbortedException abort = abort();
        Throwable outcome = StrictMode.judge(true, ALLOWED, "c.Tests", "up", abort);
        AssertionFailedError failure = assertInstanceOf(AssertionFailedError.class, outcome);
        assertTrue(failure.getMessage().startsWith("strict mode (WGDESK_TEST_STRICT=1): c.Tests#up could not run"
                + " its real scenario and may not skip: cannot run the real scenario: needs root to create a TUN"
                + " device"), failure.getMessage());
        assertTrue(failure.getMessage().contains("allowed-skips"), failure.getMessage());
        assertSame(abort, failure.getCause());
        // a class-level abort (@BeforeAll) names the class
        assertTrue(StrictMode.judge(true, ALLOWED, "c.Tests", null, abort).getMessage()
                .contains(": c.Tests could not run"));
    }

    @Test
    void underStrictModeAListedClassMayStillSkipWithItsMethodsAndNestedClasses() {
        TestAbortedException abort = abort();
        assertSame(abort, StrictMode.judge(true, ALLOWED, "a.Docs", "shots", abort));
        assertSame(abort, StrictMode.judge(true, ALLOWED, "a.Docs", null, abort));
        assertSame(abort, StrictMode.judge(true, ALLOWED, "a.Docs$Dark", "shots", abort));
        assertInstanceOf(AssertionFailedError.class, StrictMode.judge(true, ALLOWED, "a.DocsToo", "x", abort));
    }

    @Test
    void aListedMethodCoversThatMethodOnly() {
        TestAbortedException abort = abort();
        assertSame(abort, StrictMode.judge(true, ALLOWED, "b.Tun", "offload", abort));
        assertInstanceOf(AssertionFailedError.class, StrictMode.judge(true, ALLOWED, "b.Tun", "traffic", abort));
        assertInstanceOf(AssertionFailedError.class, StrictMode.judge(true, ALLOWED, "b.Tun", null, abort));
    }

    @Test
    void anEntryWithoutAReasonIsAnErrorNamingFileAndLine() {
        var e = assertThrows(IllegalArgumentException.class,
                () -> AllowedSkips.parse(Path.of(".ci/allowed-skips"), "# x\n\na.Docs\n"));
        assertEquals(".ci/allowed-skips:3: 'a.Docs' has no reason; write the test, whitespace, then why it may skip",
                e.getMessage());
    }

    @Test
    void theRepositoryListParsesAndAllowsTheScreenshotGenerator() {
        AllowedSkips repo = AllowedSkips.load(); // found upwards from engine/, every entry with a reason
        assertTrue(repo.source() != null && repo.source().endsWith(Path.of(".ci", "allowed-skips")), "" + repo.source());
        assertTrue(repo.find("dev.wgdesk.app.ui.view.ScreenshotTest", "screenshots").isPresent(), repo.entries().toString());
    }

    @Test
    void aMissingRequirementAbortsThroughTheExtensionAndRequirementsAgreeOnStrictness() {
        assertEquals(StrictMode.enabled(), Requirements.strict());
        Requirements.require(true, "never shown");
        Requirements.require(true, () -> { throw new AssertionError("reason computed although met"); });
    }
}
