package dev.wgdesk.app.helper;

import dev.wgdesk.app.ipc.IpcClient;
import dev.wgdesk.engine.crypto.PrivateKey;
import dev.wgdesk.engine.resilience.SleepDetector;
import org.junit.jupiter.api.Assumptions;

/**
 * The set-up the namespace tests share: the real helper in a namespace ({@link HelperInNetns}),
 * its wireguard-go peer told to accept a fresh key of ours, and a client connected to the
 * helper. Skips the test class (an assumption) without root or the namespace tools. Namespace and
 * interface names are {@link HelperInNetns}'s (its tag and this JVM's pid); {@link #close}
 * removes everything it made.
 *
 * @param helper the helper in its namespace, with the peer's namespace beside it
 * @param client connected to the helper
 * @param key    the private key the peer accepts (with the allowed IPs given to {@link #connect})
 */
record ConnectedNetns(HelperInNetns helper, IpcClient client, PrivateKey key) implements AutoCloseable {
    /**
     * Sets it up.
     *
     * @param what          the tests, for the message when they are skipped ("kill switch namespace tests")
     * @param tag           {@link HelperInNetns#create(String, boolean, SleepDetector)}'s tag
     * @param allowScripts  whether the helper runs PreUp/PostUp/PreDown/PostDown hooks
     * @param sleep         how the backend detects suspend (null: the system's clocks)
     * @param peerAllowedIps what the peer accepts from our key ("10.200.0.1/32")
     */
    static ConnectedNetns connect(String what, String tag, boolean allowScripts, SleepDetector sleep,
                                  String peerAllowedIps) throws Exception {
        String missing = HelperInNetns.missingPrerequisite();
        Assumptions.assumeTrue(missing == null, what + " need root and the namespace tools: " + missing);
        HelperInNetns h = HelperInNetns.create(tag, allowScripts, sleep);
        try {
            PrivateKey k = PrivateKey.generate();
            h.addPeerToWireguardGo(k.publicKey().toBase64(), peerAllowedIps);
            return new ConnectedNetns(h, h.client(), k);
        } catch (Exception | Error e) {
            h.close();
            throw e;
        }
    }

    /** As {@link #connect(String, String, boolean, SleepDetector, String)} with the system's clocks. */
    static ConnectedNetns connect(String what, String tag, boolean allowScripts, String peerAllowedIps) throws Exception {
        return connect(what, tag, allowScripts, null, peerAllowedIps);
    }

    /** Closes the client, stops the helper and wireguard-go, and deletes the namespaces. */
    @Override
    public void close() {
        try {
            client.close();
        } finally {
            helper.close();
        }
    }
}
