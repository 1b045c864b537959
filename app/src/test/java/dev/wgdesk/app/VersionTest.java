package dev.wgdesk.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class VersionTest {
    private static Properties props(String version, String commit) {
        Properties p = new Properties();
        if (version != null) {
            p.setProperty("version", version);
        }
        if (commit != null) {
            p.setProperty("commit", commit);
        }
        return p;
    }

    @Test
    void textNamesVersionAndCommit() {
        Version v = Version.from(props("1.2.3", "0123456789ab"));
        assertEquals("1.2.3", v.version());
        assertEquals("0123456789ab", v.commit());
        assertEquals("wgdesk 1.2.3 (commit 0123456789ab)", v.text());
        assertEquals(v.text(), v.toString());
    }

    @Test
    void missingBlankOrPlaceholderValuesAreUnknown() {
        assertEquals(new Version("unknown", "unknown"), Version.from(new Properties()));
        assertEquals(new Version("unknown", "unknown"), Version.from(props(" ", "\t")));
        assertEquals(new Version("unknown", "unknown"),
                Version.from(props("${project.version}", "${wgdesk.commit}")));
        assertEquals("wgdesk 0.9 (commit unknown)", Version.from(props(" 0.9 ", null)).text());
    }

    @Test
    void theBuildWroteTheProjectVersion() {
        Version v = Version.current();
        assertNotEquals(Version.UNKNOWN, v.version(), "the build did not write " + Version.RESOURCE);
        assertTrue(v.version().matches("\\d+\\.\\d+\\.\\d+.*"), v.version());
    }

    /** When the tests run in a git work tree, the commit is that tree's HEAD. */
    @Test
    void theBuildWroteTheGitCommit() throws Exception {
        String head = git("rev-parse", "HEAD");
        assumeTrue(head != null && head.matches("[0-9a-f]{40}"), "not in a git work tree");
        String commit = Version.current().commit();
        String id = commit.endsWith("-dirty") ? commit.substring(0, commit.length() - "-dirty".length()) : commit;
        assertTrue(id.length() >= 12 && head.startsWith(id), "commit " + commit + " is not HEAD " + head);
    }

    private static String git(String... args) throws InterruptedException {
        String[] cmd = new String[args.length + 1];
        cmd[0] = "git";
        System.arraycopy(args, 0, cmd, 1, args.length);
        try {
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
            if (!p.waitFor(30, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                return null;
            }
            return p.exitValue() == 0 ? out : null;
        } catch (IOException e) {
            return null;
        }
    }
}
