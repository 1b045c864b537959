package dev.wgdesk.engine.device;

import static dev.wgdesk.engine.Protocol.DIAGNOSIS_NO_REPLY_INITIATIONS;
import static dev.wgdesk.engine.Protocol.DIAGNOSIS_ONE_WAY_AFTER_NANOS;
import static dev.wgdesk.engine.Protocol.REKEY_TIMEOUT_NANOS;

import dev.wgdesk.engine.uapi.IpText;
import java.net.InetSocketAddress;
import java.time.Instant;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * What is wrong with one peer, if anything, from what the engine observed: one {@link Code}, a
 * message for users saying what is wrong and what to check, and the counters behind it.
 *
 * <p>{@link #of} is a pure function of a {@link PeerSnapshot} (its endpoint and
 * {@link PeerCounters}) and a time on the device's clock, so every code can be tested in virtual
 * time. The codes are checked in this order, the first that applies wins:
 * <ol>
 *   <li>no endpoint: {@code dns-failed} if its host name does not resolve, else
 *       {@code no-endpoint} unless the peer contacted us;</li>
 *   <li>{@code unreachable}: the latest send to the peer failed (no later one succeeded);</li>
 *   <li>{@code bad-response}: a response to our handshake failed to authenticate and no handshake
 *       completed since;</li>
 *   <li>{@code no-reply}: {@link dev.wgdesk.engine.Protocol#DIAGNOSIS_NO_REPLY_INITIATIONS} or more
 *       initiations unanswered ({@code dns-failed} instead if the name no longer resolves);</li>
 *   <li>{@code one-way}: a session is up and data went out for
 *       {@link dev.wgdesk.engine.Protocol#DIAGNOSIS_ONE_WAY_AFTER_NANOS} with no data back;</li>
 *   <li>{@code ok}: a session is up, or was (idle since); </li>
 *   <li>{@code waiting}: no handshake has completed yet and nothing points to a fault (no traffic
 *       yet, or the first initiation is under way) — {@code dns-failed} if the name fails.</li>
 * </ol>
 *
 * @param code     the diagnosis
 * @param message  one or two sentences for users: what is wrong, what to check
 * @param counters the observations behind it, by name (numbers, or text for errors and names);
 *                 times are ages in seconds, {@code ...Ago}, present only for what happened
 */
public record Diagnosis(Code code, String message, Map<String, Object> counters) {
    public Diagnosis {
        Objects.requireNonNull(code, "code");
        Objects.requireNonNull(message, "message");
        counters = Collections.unmodifiableMap(new LinkedHashMap<>(counters));
    }

    /** The diagnoses, with the identifiers the IPC, the CLI and the documentation use. */
    public enum Code {
        /** A session is up and packets come back (or it was, and the tunnel is idle). */
        OK("ok"),
        /** No handshake completed yet and nothing points to a fault: no traffic yet, or the first try is under way. */
        WAITING("waiting"),
        /** Initiations sent, nothing came back. */
        NO_REPLY("no-reply"),
        /** A handshake response addressed to us failed to authenticate. */
        BAD_RESPONSE("bad-response"),
        /** The session is up and we send data, but only keepalives come back. */
        ONE_WAY("one-way"),
        /** Sending to the endpoint fails. */
        UNREACHABLE("unreachable"),
        /** The endpoint's host name does not resolve. */
        DNS_FAILED("dns-failed"),
        /** No endpoint, and the peer never contacted us. */
        NO_ENDPOINT("no-endpoint");

        private final String id;

        Code(String id) {
            this.id = id;
        }

        /** The identifier: {@code ok}, {@code no-reply}, ... */
        public String id() {
            return id;
        }

        /** True for the codes that say something is wrong (everything but ok and waiting). */
        public boolean isProblem() {
            return this != OK && this != WAITING;
        }

        /** The code with identifier {@code id}, or null. */
        public static Code ofId(String id) {
            for (Code c : values()) {
                if (c.id.equals(id)) {
                    return c;
                }
            }
            return null;
        }
    }

    /** The diagnosis of {@code peer} as of the time its snapshot was taken. */
    public static Diagnosis of(PeerSnapshot peer) {
        return of(peer, peer.counters().atNanos());
    }

    /** The diagnosis of {@code peer} at {@code nowNanos} on the device's clock. */
    public static Diagnosis of(PeerSnapshot peer, long nowNanos) {
        PeerCounters c = peer.counters();
        InetSocketAddress ep = peer.endpoint();
        Map<String, Object> k = counters(c, nowNanos);
        EndpointResolution res = c.resolution();
        boolean dnsFailing = res != null && res.failing();
        String where = ep == null ? "" : " " + IpText.formatEndpoint(ep);

        if (ep == null) {
            if (dnsFailing) {
                return dnsFailed(res, k);
            }
            if (c.lastReceivedNanos() == PeerCounters.NEVER) {
                return new Diagnosis(Code.NO_ENDPOINT, "This peer has no endpoint and has not contacted this tunnel,"
                        + " so nothing can be sent to it. Give it an endpoint (Endpoint = host:port), or make sure the"
                        + " peer has one for this side and this tunnel's public key.", k);
            }
        }
        if (c.lastSendErrorNanos() != PeerCounters.NEVER
                && (c.lastSendOkNanos() == PeerCounters.NEVER || c.lastSendErrorNanos() - c.lastSendOkNanos() > 0)) {
            String err = c.lastSendError() == null ? "unknown error" : c.lastSendError();
            return new Diagnosis(Code.UNREACHABLE, "Sending to" + where + " fails: " + err + ". Check that this"
                    + " computer is connected to a network and has a route to that address (the network may be"
                    + " down, or the address on a network this computer cannot reach).", k);
        }
        if (c.lastBadResponseNanos() != PeerCounters.NEVER
                && (c.lastHandshakeNanos() == PeerCounters.NEVER || c.lastBadResponseNanos() - c.lastHandshakeNanos() > 0)) {
            return new Diagnosis(Code.BAD_RESPONSE, "The peer at" + where + " answers, but its handshake response"
                    + " fails to authenticate (" + c.badResponses() + (c.badResponses() == 1 ? " response" : " responses")
                    + ", the last " + ago(nowNanos, c.lastBadResponseNanos()) + "). Check that both sides use the same"
                    + " preshared key (or both none), and that the peer has this tunnel's current public key.", k);
        }
        if (c.initiationsSinceResponse() >= DIAGNOSIS_NO_REPLY_INITIATIONS) {
            if (dnsFailing) {
                return dnsFailed(res, k);
            }
            long since = c.firstUnansweredInitiationNanos();
            return new Diagnosis(Code.NO_REPLY, c.initiationsSinceResponse() + " handshake initiations sent to"
                    + (ep == null ? " the peer" : where)
                    + (since == PeerCounters.NEVER ? "" : " over the last " + seconds(nowNanos - since) + " s")
                    + ", none answered. Check that the peer is running and listens on that address and port, that no"
                    + " firewall drops UDP to it, and that the peer has this tunnel's public key (WireGuard does not"
                    + " answer keys it does not know).", k);
        }
        if (c.sessionUp() && c.unansweredDataSinceNanos() != PeerCounters.NEVER
                && c.lastDataSentNanos() - c.unansweredDataSinceNanos() >= DIAGNOSIS_ONE_WAY_AFTER_NANOS) {
            return new Diagnosis(Code.ONE_WAY, "The session is up and data has gone to the peer for "
                    + seconds(c.lastDataSentNanos() - c.unansweredDataSinceNanos()) + " s, but nothing came back"
                    + (c.lastReceivedNanos() != PeerCounters.NEVER ? " except keepalives" : "") + ". Check the peer's"
                    + " AllowedIPs for this tunnel: they must include this tunnel's address. Check also that the peer"
                    + " has a route back for the traffic (forwarding, NAT) and that it answers at all.", k);
        }
        if (c.sessionUp()) {
            String data = c.lastDataReceivedNanos() != PeerCounters.NEVER
                    ? "; data last came back " + ago(nowNanos, c.lastDataReceivedNanos())
                    : c.lastDataSentNanos() == PeerCounters.NEVER ? "; no data sent yet" : "";
            return new Diagnosis(Code.OK, "Session up (handshake " + ago(nowNanos, c.lastHandshakeNanos()) + ")" + data
                    + ".", k);
        }
        if (c.lastHandshakeNanos() != PeerCounters.NEVER) {
            return new Diagnosis(Code.OK, "Idle: the last session ended (handshake " + ago(nowNanos, c.lastHandshakeNanos())
                    + "); a new handshake starts with the next packet for this peer.", k);
        }
        if (dnsFailing) {
            return dnsFailed(res, k);
        }
        if (c.lastInitiationNanos() != PeerCounters.NEVER) {
            return new Diagnosis(Code.WAITING, "Handshake sent to" + where + " " + ago(nowNanos, c.lastInitiationNanos())
                    + ", waiting for the reply (retried after " + seconds(REKEY_TIMEOUT_NANOS) + " s).", k);
        }
        return new Diagnosis(Code.WAITING, "No handshake yet: WireGuard starts one when traffic goes to this peer"
                + (c.lastReceivedNanos() == PeerCounters.NEVER ? "" : " or the peer starts one") + ".", k);
    }

    private static Diagnosis dnsFailed(EndpointResolution res, Map<String, Object> k) {
        String last = res.lastOkEpochMillis() == 0 ? "it has not resolved since the tunnel was activated"
                : "it last resolved at " + Instant.ofEpochMilli(res.lastOkEpochMillis()) + ", and that address is still used";
        return new Diagnosis(Code.DNS_FAILED, "The endpoint's host name " + res.host() + " does not resolve"
                + (res.error() == null ? "" : " (" + res.error() + ")") + "; " + last + ". Check the name for typos,"
                + " this computer's DNS, and that the name still exists (dynamic DNS).", k);
    }

    private static Map<String, Object> counters(PeerCounters c, long now) {
        Map<String, Object> k = new LinkedHashMap<>();
        k.put("sessionUp", c.sessionUp());
        k.put("initiationsSinceResponse", c.initiationsSinceResponse());
        k.put("initiationsSent", c.initiationsSent());
        age(k, "lastInitiationSecondsAgo", now, c.lastInitiationNanos());
        k.put("badResponses", c.badResponses());
        age(k, "lastBadResponseSecondsAgo", now, c.lastBadResponseNanos());
        age(k, "lastHandshakeSecondsAgo", now, c.lastHandshakeNanos());
        age(k, "lastReceivedSecondsAgo", now, c.lastReceivedNanos());
        age(k, "lastDataReceivedSecondsAgo", now, c.lastDataReceivedNanos());
        age(k, "lastDataSentSecondsAgo", now, c.lastDataSentNanos());
        age(k, "unansweredDataSinceSecondsAgo", now, c.unansweredDataSinceNanos());
        k.put("sendErrors", c.sendErrors());
        age(k, "lastSendErrorSecondsAgo", now, c.lastSendErrorNanos());
        if (c.lastSendError() != null) {
            k.put("lastSendError", c.lastSendError());
        }
        EndpointResolution r = c.resolution();
        if (r != null) {
            k.put("endpointHost", r.host());
            if (r.lastOkEpochMillis() != 0) {
                k.put("lastResolvedMillis", r.lastOkEpochMillis());
            }
            if (r.lastFailureEpochMillis() != 0) {
                k.put("lastResolutionFailureMillis", r.lastFailureEpochMillis());
            }
            if (r.error() != null) {
                k.put("resolutionError", r.error());
            }
        }
        return k;
    }

    private static void age(Map<String, Object> k, String name, long now, long then) {
        if (then != PeerCounters.NEVER) {
            k.put(name, seconds(now - then));
        }
    }

    private static long seconds(long nanos) {
        return Math.max(0, nanos / 1_000_000_000L);
    }

    private static String ago(long now, long then) {
        long s = seconds(now - then);
        return s + (s == 1 ? " second ago" : " seconds ago");
    }

    /** "ok: Session up ..." */
    @Override
    public String toString() {
        return code.id() + ": " + message;
    }
}
