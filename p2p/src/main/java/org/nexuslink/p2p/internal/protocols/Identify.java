// SPDX-License-Identifier: AGPL-3.0-or-later
package org.nexuslink.p2p.internal.protocols;

import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.nexuslink.p2p.IdentifyInfo;
import org.nexuslink.p2p.MalformedDataException;
import org.nexuslink.p2p.Multiaddr;
import org.nexuslink.p2p.PeerPublicKey;
import org.nexuslink.p2p.internal.wire.ProtobufReader;
import org.nexuslink.p2p.internal.wire.ProtobufWriter;
import org.nexuslink.p2p.internal.wire.Varint;

/**
 * libp2p identify ({@code /ipfs/id/1.0.0}) and identify push ({@code /ipfs/id/push/1.0.0}):
 * one varint-length-prefixed {@code Identify} protobuf, written by the side that describes
 * itself, then the stream closes. Fields: 1 publicKey, 2 listenAddrs, 3 protocols,
 * 4 observedAddr, 5 protocolVersion, 6 agentVersion; the signed peer record (8) is neither
 * sent nor used.
 *
 * <p>A reader merges the messages of a stream (go-libp2p may split one across two), skips
 * listen addresses of transports we do not know, and bounds the total size. Stateless.
 */
public final class Identify {
    public static final String PROTOCOL = "/ipfs/id/1.0.0";
    public static final String PUSH_PROTOCOL = "/ipfs/id/push/1.0.0";
    public static final String PROTOCOL_VERSION = "ipfs/0.1.0";
    /** Largest identify message (all parts together) accepted. */
    public static final int MAX_SIZE = 64 * 1024;

    private Identify() {}

    public static byte[] encode(IdentifyInfo info) {
        ProtobufWriter w = new ProtobufWriter();
        w.string(5, info.protocolVersion());
        w.string(6, info.agentVersion());
        w.bytes(1, info.publicKey().encoded());
        info.listenAddresses().forEach(a -> w.bytes(2, a.toBytes()));
        info.observedAddress().ifPresent(a -> w.bytes(4, a.toBytes()));
        info.protocols().forEach(p -> w.string(3, p));
        return w.toByteArray();
    }

    public static void write(OutputStream out, IdentifyInfo info) throws IOException {
        byte[] message = encode(info);
        ByteArrayOutputStream framed = new ByteArrayOutputStream(message.length + 4);
        Varint.write(message.length, framed);
        framed.writeBytes(message);
        out.write(framed.toByteArray());
        out.flush();
    }

    /**
     * Reads identify messages until the stream ends and merges them.
     *
     * @throws MalformedDataException on a malformed or oversized message, or no public key
     */
    public static IdentifyInfo read(InputStream in) throws IOException {
        Builder b = new Builder();
        int total = 0;
        boolean any = false;
        while (true) {
            long length;
            try {
                length = Varint.read(in);
            } catch (EOFException e) {
                break;
            }
            total += (int) Math.min(length, MAX_SIZE + 1L);
            if (total > MAX_SIZE) {
                throw new MalformedDataException("identify message larger than " + MAX_SIZE + " bytes");
            }
            byte[] message = in.readNBytes((int) length);
            if (message.length != length) {
                throw new MalformedDataException("stream ended inside an identify message");
            }
            b.merge(message);
            any = true;
        }
        if (!any) {
            throw new MalformedDataException("identify stream closed without a message");
        }
        return b.build();
    }

    /** Decodes one {@code Identify} protobuf. */
    public static IdentifyInfo decode(byte[] message) {
        Builder b = new Builder();
        b.merge(message);
        return b.build();
    }

    private static final class Builder {
        private String protocolVersion = "";
        private String agentVersion = "";
        private PeerPublicKey publicKey;
        private final List<Multiaddr> listen = new ArrayList<>();
        private Multiaddr observed;
        private final List<String> protocols = new ArrayList<>();

        void merge(byte[] message) {
            ProtobufReader r = new ProtobufReader(message);
            while (r.next()) {
                switch (r.field()) {
                    case 1 -> publicKey = PeerPublicKey.decode(r.bytes());
                    case 2 -> parseAddress(r.bytes()).ifPresent(listen::add);
                    case 3 -> protocols.add(r.string());
                    case 4 -> observed = parseAddress(r.bytes()).orElse(observed);
                    case 5 -> protocolVersion = r.string();
                    case 6 -> agentVersion = r.string();
                    default -> {
                        // Signed peer record (8) and fields added later: not used.
                    }
                }
            }
        }

        private static Optional<Multiaddr> parseAddress(byte[] bytes) {
            try {
                return Optional.of(Multiaddr.fromBytes(bytes));
            } catch (MalformedDataException e) {
                // An address of a transport we do not speak (ws, webrtc ...) is no error.
                return Optional.empty();
            }
        }

        IdentifyInfo build() {
            if (publicKey == null) {
                throw new MalformedDataException("identify message without a public key");
            }
            return new IdentifyInfo(
                    protocolVersion, agentVersion, publicKey, listen, Optional.ofNullable(observed), protocols);
        }
    }
}
