package dev.wgdesk.engine.uapi;

import dev.wgdesk.engine.crypto.PrivateKey;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/** Shared test keys and a one-shot conversation with a handler. */
final class Uapi {
    /** Keys from the example on wireguard.com/xplatform. The private key is already clamped. */
    static final String PRIVATE = "e84b5a6d2717c1003a13b431570353dbaca9146cf150c5f8575680feba52027a";
    static final String PEER1 = "b85996fecc9c7f1fc6d2572a76eda11d59bcd20be8e543b15ce4bd85a8e75a33";
    static final String PSK = "188515093e952f5f22e865cef3012e72f8b5f0b598ac0309d5dacce3b70fcf52";
    static final String PEER2 = "58402e695ba1772b1cc9309755f043251ea77fdcf10fbe63989ceb7e19321376";
    static final String PEER3 = "662e14fd594556f522604703340351258903b64f35553763f19426ab2a515c58";
    static final String ZERO = "0".repeat(64);
    /** Our own public key (of PRIVATE). */
    static final String OWN_PUBLIC = PrivateKey.fromHex(PRIVATE).publicKey().toHex();

    private Uapi() {}

    /** Sends {@code request} on a fresh connection, lets the handler serve it to the end, returns the replies. */
    static String exchange(UapiHandler handler, String request) {
        return new String(exchangeBytes(handler, request.getBytes(StandardCharsets.ISO_8859_1)),
                StandardCharsets.ISO_8859_1);
    }

    static byte[] exchangeBytes(UapiHandler handler, byte[] request) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        handler.serve(new ByteArrayInputStream(request), out);
        return out.toByteArray();
    }

    /** A set request with a blank line at the end. */
    static String set(String... lines) {
        StringBuilder sb = new StringBuilder("set=1\n");
        for (String l : lines) {
            sb.append(l).append('\n');
        }
        return sb.append('\n').toString();
    }

    /** Applies a set request on its own connection; returns the errno reply. */
    static String apply(UapiHandler handler, String... lines) {
        return exchange(handler, set(lines));
    }

    static String errno(int n) {
        return "errno=" + n + "\n\n";
    }
}
