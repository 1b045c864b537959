package dev.wgdesk.engine.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.wgdesk.engine.config.ConfigError.Reason;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

/**
 * Routing-only DNS domains ({@code DNS = 10.0.0.53, ~corp.example}): the value type, the
 * wg-quick parser (entries, typed errors with their place), the writer, and NetworkManager's
 * {@code dns-search=~corp.example;} in both directions.
 */
class RoutingDomainTest {
    private static final String HEAD = "[Interface]\nPrivateKey = " + Fixtures.PRIVATE_1 + "\n";

    private static InterfaceConfig iface(String lines) {
        ParseResult r = TunnelConfig.parseLenient("t.conf", HEAD + lines);
        assertTrue(r.isValid(), r.errors().toString());
        return r.config().orElseThrow().interfaceConfig();
    }

    @Test
    void tildeEntriesAreRoutingDomainsNotSearchDomains() {
        InterfaceConfig i = iface("DNS = 10.0.0.53, corp.example, ~corp.example, ~Lab.Example., fd00::53\n");

        assertEquals(List.of(DnsServer.parse("10.0.0.53"), DnsServer.parse("fd00::53")), i.dnsServers());
        assertEquals(List.of(new SearchDomain("corp.example")), i.dnsSearchDomains());
        assertEquals(List.of(new RoutingDomain("corp.example"), new RoutingDomain("Lab.Example.")), i.dnsRoutingDomains());
        assertEquals("~Lab.Example.", i.dnsRoutingDomains().get(1).toString(), "kept as written");
        assertTrue(i.splitDns());
        assertThrows(UnsupportedOperationException.class, () -> i.dnsRoutingDomains().add(RoutingDomain.ALL));
    }

    @Test
    void tildeDotIsEveryNameAndMeansNoSplit() {
        InterfaceConfig i = iface("DNS = 10.0.0.53, ~corp.example, ~.\n");

        assertEquals(List.of(new RoutingDomain("corp.example"), RoutingDomain.ALL), i.dnsRoutingDomains());
        assertTrue(RoutingDomain.ALL.isAll());
        assertFalse(i.splitDns(), "~. sends every name to the tunnel");
        assertFalse(iface("DNS = 10.0.0.53, corp.example\n").splitDns(), "wg-quick's meaning without ~ entries");
        assertFalse(iface("DNS = ~corp.example\n").splitDns(), "no server to split to");
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', textBlock = """
            ~                | 18 | is not a valid routing domain (write ~. for all names, or ~ and a domain such as ~corp.example)
            ~..              | 18 | is not a valid routing domain (use ~ and a domain such as ~corp.example, or ~. for all names)
            ~corp..example   | 18 | is not a valid routing domain (use ~ and a domain such as ~corp.example, or ~. for all names)
            ~-corp.example   | 18 | is not a valid routing domain (use ~ and a domain such as ~corp.example, or ~. for all names)
            ~cörp.example    | 18 | is not a valid routing domain (use ~ and a domain such as ~corp.example, or ~. for all names)
            ~~corp.example   | 18 | is not a valid routing domain (use ~ and a domain such as ~corp.example, or ~. for all names)
            ~10.0.0.1        | 18 | is not a valid routing domain (use ~ and a domain such as ~corp.example, or ~. for all names)
            """)
    void badRoutingDomainsAreTypedErrorsWithTheirPlace(String entry, int column, String sentence) {
        ParseResult r = TunnelConfig.parseLenient("work.conf", HEAD + "DNS = 10.0.0.53, " + entry + "\n");

        assertEquals(List.of(new ConfigError("work.conf", ConfigSection.INTERFACE, Optional.of(ConfigKey.DNS),
                Reason.INVALID_ROUTING_DOMAIN, 3, column, entry, entry.length())), r.errors());
        assertEquals("work.conf:3:" + column + ": DNS: \"" + entry + "\" " + sentence, r.errors().getFirst().message());
    }

    @Test
    void aLabelOver63CharactersIsRejected() {
        String label = "a".repeat(64);
        assertEquals(Optional.empty(), RoutingDomain.tryParse("~" + label + ".example"));
        assertTrue(RoutingDomain.tryParse("~" + "a".repeat(63) + ".example").isPresent());
        assertThrows(IllegalArgumentException.class, () -> new RoutingDomain("x..y"));
        assertThrows(IllegalArgumentException.class, () -> new RoutingDomain(""));
    }

    @ParameterizedTest
    @ValueSource(strings = {"corp.example", "CORP.example.", "www.corp.example", "a.b.CORP.EXAMPLE"})
    void matchesTheDomainAndBelow(String host) {
        assertTrue(new RoutingDomain("corp.example").matches(host));
        assertTrue(RoutingDomain.ALL.matches(host));
    }

    @ParameterizedTest
    @ValueSource(strings = {"example", "notcorp.example", "corp.example.org", "www.example.com"})
    void doesNotMatchOtherNames(String host) {
        assertFalse(new RoutingDomain("corp.example").matches(host));
    }

    @Test
    void writerRoundTripsServersSearchAndRoutingDomains() {
        String text = HEAD + "DNS = ~corp.example, 10.0.0.53, lab.example, ~.\n";
        TunnelConfig c = TunnelConfig.parseLenient("t.conf", text).config().orElseThrow();
        String written = c.toWgQuickString();

        assertTrue(written.contains("DNS = 10.0.0.53, lab.example, ~corp.example, ~.\n"), written);
        TunnelConfig back = TunnelConfig.parseLenient("t.conf", written).config().orElseThrow();
        assertEquals(c, back);
        assertEquals(written, back.toWgQuickString());
    }

    @Test
    void routingDomainsTakePartInEquality() {
        InterfaceConfig a = iface("DNS = 10.0.0.53, ~corp.example\n");
        InterfaceConfig b = iface("DNS = 10.0.0.53, ~lab.example\n");
        InterfaceConfig c = iface("DNS = 10.0.0.53, corp.example\n");
        assertFalse(a.equals(b));
        assertFalse(a.equals(c), "a routing domain is not a search domain");
        assertEquals(a, a.toBuilder().build());
        assertEquals(a.hashCode(), a.toBuilder().build().hashCode());
    }

    @Test
    void networkManagerExportUsesDnsSearchWithTildeAndImportsItBack() {
        TunnelConfig c = TunnelConfig.parseLenient("t.conf", HEAD + "Address = 10.0.0.2/24\n"
                + "DNS = 10.0.0.53, corp.example, ~corp.example, ~lab.example\n").config().orElseThrow();
        NmExport e = NmKeyfile.write(TunnelName.of("work"), c, UUID.fromString("0b6c8f5e-5d1f-4c2b-9a55-1f0e2d3c4b5a"));

        assertTrue(e.text().contains("\ndns-search=corp.example;~corp.example;~lab.example;\n"), e.text());
        assertEquals(List.of(), e.warnings());
        NmImport back = NmKeyfile.parse("work.nmconnection", e.text());
        assertEquals(List.of(), back.warnings());
        assertEquals(c, back.config().orElseThrow());
    }

    @Test
    void networkManagersBareTildeImportsAsEveryNameAndABadOneIsAnError() {
        String keyfile = "[connection]\nid=w\ntype=wireguard\ninterface-name=w\n\n[wireguard]\nprivate-key="
                + Fixtures.PRIVATE_1 + "\n\n[ipv4]\naddress1=10.0.0.2/24\ndns=10.0.0.53;\n"
                + "dns-search=~;~corp.example;~bad..example;\nmethod=manual\n";
        NmImport r = NmKeyfile.parse("w.nmconnection", keyfile);

        assertEquals(1, r.errors().size(), r.errors().toString());
        NmKeyfileProblem bad = r.errors().getFirst();
        assertEquals(NmKeyfileProblem.Reason.INVALID_SEARCH_DOMAIN, bad.reason());
        assertEquals("~bad..example", bad.text());
        assertEquals(12, bad.line());
        assertEquals(28, bad.column());

        NmImport ok = NmKeyfile.parse("w.nmconnection", keyfile.replace("~bad..example;", ""));
        assertEquals(List.of(RoutingDomain.ALL, new RoutingDomain("corp.example")),
                ok.config().orElseThrow().interfaceConfig().dnsRoutingDomains());
    }
}
