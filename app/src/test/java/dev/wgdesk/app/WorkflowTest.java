package dev.wgdesk.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

/**
 * .github/workflows/build.yml cannot run here: this checks that it parses and has the jobs and
 * steps the project relies on (a job per OS, JDK 25, the Linux job running .ci/run, the macOS
 * job on arm64 and x86-64 running the platform-macos tests, the utun test as root).
 */
class WorkflowTest {
    private static final Path WORKFLOW = Path.of("../.github/workflows/build.yml");

    @SuppressWarnings("unchecked")
    private static Map<String, Object> map(Object o, String what) {
        assertTrue(o instanceof Map, what + " is a mapping: " + o);
        return (Map<String, Object>) o;
    }

    @SuppressWarnings("unchecked")
    private static List<Object> list(Object o, String what) {
        assertTrue(o instanceof List, what + " is a list: " + o);
        return (List<Object>) o;
    }

    private static List<Map<String, Object>> steps(Map<String, Object> job, String name) {
        return list(job.get("steps"), name + ".steps").stream().map(s -> map(s, name + " step")).toList();
    }

    private static String runs(List<Map<String, Object>> steps) {
        return steps.stream().map(s -> String.valueOf(s.getOrDefault("run", ""))).collect(Collectors.joining("\n"));
    }

    private static void usesCheckoutAndJdk25(List<Map<String, Object>> steps, String job) {
        assertTrue(steps.stream().anyMatch(s -> String.valueOf(s.get("uses")).startsWith("actions/checkout@")), job);
        Map<String, Object> java = steps.stream().filter(s -> String.valueOf(s.get("uses")).startsWith("actions/setup-java@"))
                .findFirst().orElseThrow(() -> new AssertionError(job + ": no setup-java"));
        Map<String, Object> with = map(java.get("with"), job + " setup-java.with");
        assertEquals("25", String.valueOf(with.get("java-version")), job);
        assertEquals("temurin", with.get("distribution"), job);
    }

    @Test
    void jobsAndStepsTheProjectReliesOn() throws Exception {
        Map<String, Object> wf = map(new Yaml(new SafeConstructor(new LoaderOptions())).load(Files.readString(WORKFLOW)),
                "the workflow");
        assertEquals("build", wf.get("name"));
        // YAML 1.1 (SnakeYAML) reads the key "on" as the boolean true
        Object on = wf.containsKey("on") ? wf.get("on") : wf.get(Boolean.TRUE);
        assertTrue(map(on, "on").keySet().containsAll(Set.of("push", "pull_request")), "triggers: " + on);
        Map<String, Object> jobs = map(wf.get("jobs"), "jobs");
        assertTrue(jobs.keySet().containsAll(Set.of("linux", "macos")), "jobs: " + jobs.keySet());

        Map<String, Object> linux = map(jobs.get("linux"), "linux");
        assertTrue(String.valueOf(linux.get("runs-on")).startsWith("ubuntu-"), "linux runs-on");
        List<Map<String, Object>> ls = steps(linux, "linux");
        usesCheckoutAndJdk25(ls, "linux");
        assertTrue(runs(ls).contains(".ci/run"), "the Linux job runs .ci/run");

        Map<String, Object> mac = map(jobs.get("macos"), "macos");
        assertEquals("${{ matrix.os }}", mac.get("runs-on"));
        List<Object> include = list(map(map(mac.get("strategy"), "strategy").get("matrix"), "matrix").get("include"),
                "matrix.include");
        Set<String> oses = include.stream().map(i -> String.valueOf(map(i, "include").get("os"))).collect(Collectors.toSet());
        assertEquals(Set.of("macos-14", "macos-13"), oses, "arm64 (macos-14) and x86-64 (macos-13)");
        List<Map<String, Object>> ms = steps(mac, "macos");
        usesCheckoutAndJdk25(ms, "macos");
        String macRuns = runs(ms);
        assertTrue(macRuns.contains("./mvnw -B -ntp -pl platform-macos -am verify"), macRuns);
        assertTrue(macRuns.contains("sudo -E ./mvnw") && macRuns.contains("-Dtest=UtunMacTest"), macRuns);
        // the .pkg built, signed ad hoc, installed, its daemon loaded, a tunnel pinged, uninstalled: in that order
        int at = -1;
        for (String step : List.of("-Ppkg -pl installers", "codesign -dv", "sudo installer -pkg", "/usr/local/bin/wgdesk-engine --version",
                "launchctl print system/dev.wgdesk.helper",
                "brew install wireguard-go wireguard-tools", "ping -c 3", "Resources/uninstall.sh\" --purge")) {
            assertTrue(macRuns.indexOf(step, at + 1) > at, "macOS job runs " + step + " (in order): " + macRuns);
            at = macRuns.indexOf(step, at + 1);
        }
        for (Map<String, Object> s : ms) {
            assertNotNull(s.get("uses") != null ? s.get("uses") : s.get("run"), "every step uses or runs something: " + s);
        }
    }

    /** The Windows job: unit tests, the MSI, installed quietly, the service, a tunnel (guarded), uninstalled. */
    @Test
    void windowsJob() throws Exception {
        Map<String, Object> wf = map(new Yaml(new SafeConstructor(new LoaderOptions())).load(Files.readString(WORKFLOW)),
                "the workflow");
        Map<String, Object> win = map(map(wf.get("jobs"), "jobs").get("windows"), "windows");
        assertEquals("windows-2022", win.get("runs-on"));
        List<Map<String, Object>> ws = steps(win, "windows");
        usesCheckoutAndJdk25(ws, "windows");
        List<String> runs = ws.stream().map(s -> String.valueOf(s.getOrDefault("run", ""))).toList();
        int unit = indexOf(runs, "./mvnw -B -ntp -pl platform-windows -am verify -Dwintun.required=true");
        int msi = indexOf(runs, "./mvnw -B -ntp -pl installers -Pmsi package");
        int install = indexOf(runs, ".ci/windows/install-test.ps1");
        int tunnel = indexOf(runs, ".ci/windows/tunnel-test.ps1");
        int uninstall = indexOf(runs, ".ci/windows/uninstall-test.ps1");
        assertTrue(unit < msi && msi < install && install < tunnel && tunnel < uninstall, runs.toString());
        assertEquals(Boolean.TRUE, ws.get(tunnel).get("continue-on-error"), "the tunnel step is guarded");
        assertTrue(ws.get(uninstall).get("continue-on-error") == null, "the uninstall check is not");
        for (String script : List.of("install-test.ps1", "tunnel-test.ps1", "uninstall-test.ps1")) {
            String text = Files.readString(Path.of("../.ci/windows", script));
            assertTrue(text.contains("$ErrorActionPreference = 'Stop'"), script);
        }
        String installPs = Files.readString(Path.of("../.ci/windows/install-test.ps1"));
        for (String check : List.of("'/qn'", "sc.exe query wgdesk-helper", "RUNNING", "AUTO_START", "Nsi", "TcpIp",
                "net localgroup wgdesk-users", "'wgdesk-cli.exe') list")) {
            assertTrue(installPs.contains(check), "install-test.ps1 checks " + check);
        }
        String uninstallPs = Files.readString(Path.of("../.ci/windows/uninstall-test.ps1"));
        for (String check : List.of("'/x'", "-ne 1060", "Get-NetAdapter", "Test-Path $app")) {
            assertTrue(uninstallPs.contains(check), "uninstall-test.ps1 checks " + check);
        }
    }

    private static int indexOf(List<String> runs, String fragment) {
        for (int i = 0; i < runs.size(); i++) {
            if (runs.get(i).contains(fragment)) {
                return i;
            }
        }
        throw new AssertionError("no step runs " + fragment + ": " + runs);
    }
}
