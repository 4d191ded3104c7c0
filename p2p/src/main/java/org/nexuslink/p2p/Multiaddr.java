// SPDX-License-Identifier: AGPL-3.0-or-later
package org.nexuslink.p2p;

import java.io.ByteArrayOutputStream;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.nexuslink.p2p.internal.wire.Varint;

/**
 * A multiaddr: a self-describing network address such as
 * {@code /ip4/192.0.2.1/tcp/4001/p2p/12D3KooW...}, in its text and binary forms (multiformats
 * multiaddr spec). Each component is a protocol code (varint) followed by its value.
 *
 * <p>Parsing is strict so that text and binary round-trip: decimal numbers without leading
 * zeros, dotted-quad IPv4, IPv6 printed as RFC 5952. Immutable and thread-safe.
 */
public final class Multiaddr {
    /** Longest binary multiaddr accepted from a peer. */
    public static final int MAX_BYTES = 1024;

    private final List<Component> components;

    private Multiaddr(List<Component> components) {
        if (components.isEmpty()) {
            throw new MalformedDataException("a multiaddr has at least one component");
        }
        this.components = List.copyOf(components);
    }

    /** One protocol and its value (empty for protocols without one). */
    public record Component(MultiaddrProtocol protocol, Value value) {
        public Component {
            Objects.requireNonNull(protocol);
            Objects.requireNonNull(value);
        }

        /** The value in the text form ({@code 127.0.0.1}, {@code 4001}, a PeerId ...), empty if none. */
        public String text() {
            byte[] v = value.bytes();
            return switch (protocol) {
                case IP4 -> (v[0] & 0xFF) + "." + (v[1] & 0xFF) + "." + (v[2] & 0xFF) + "." + (v[3] & 0xFF);
                case IP6 -> formatIp6(v);
                case TCP, UDP -> Integer.toString(((v[0] & 0xFF) << 8) | (v[1] & 0xFF));
                case DNS, DNS4, DNS6, DNSADDR -> new String(v, StandardCharsets.UTF_8);
                case P2P -> PeerId.fromBytes(v).toString();
                case P2P_CIRCUIT, QUIC_V1 -> "";
            };
        }
    }

    /** Immutable bytes of a component value. */
    public static final class Value {
        private final byte[] bytes;

        public Value(byte[] bytes) {
            this.bytes = bytes.clone();
        }

        public byte[] bytes() {
            return bytes.clone();
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Value v && Arrays.equals(v.bytes, bytes);
        }

        @Override
        public int hashCode() {
            return Arrays.hashCode(bytes);
        }

        @Override
        public String toString() {
            return java.util.HexFormat.of().formatHex(bytes);
        }
    }

    /**
     * Parses the text form.
     *
     * @throws MalformedDataException naming the first bad component
     */
    public static Multiaddr parse(String text) {
        Objects.requireNonNull(text);
        if (!text.startsWith("/")) {
            throw new MalformedDataException("a multiaddr starts with '/': " + abbreviate(text));
        }
        String body =
                text.endsWith("/") && text.length() > 1 ? text.substring(1, text.length() - 1) : text.substring(1);
        String[] parts = body.split("/", -1);
        List<Component> out = new ArrayList<>();
        int i = 0;
        while (i < parts.length) {
            String label = parts[i++];
            MultiaddrProtocol protocol = MultiaddrProtocol.ofLabel(label)
                    .orElseThrow(() -> new MalformedDataException("unknown multiaddr protocol: " + abbreviate(label)));
            if (protocol.bits() == 0) {
                out.add(new Component(protocol, new Value(new byte[0])));
                continue;
            }
            if (i >= parts.length) {
                throw new MalformedDataException("multiaddr protocol " + label + " needs a value");
            }
            out.add(new Component(protocol, new Value(parseValue(protocol, parts[i++]))));
        }
        Multiaddr addr = new Multiaddr(out);
        if (addr.encodedLength() > MAX_BYTES) {
            throw new MalformedDataException("multiaddr longer than " + MAX_BYTES + " bytes");
        }
        return addr;
    }

    /**
     * Decodes the binary form.
     *
     * @throws MalformedDataException on an unknown code, a truncated or invalid value
     */
    public static Multiaddr fromBytes(byte[] bytes) {
        if (bytes.length > MAX_BYTES) {
            throw new MalformedDataException("multiaddr longer than " + MAX_BYTES + " bytes");
        }
        List<Component> out = new ArrayList<>();
        int pos = 0;
        while (pos < bytes.length) {
            Varint.Decoded code = Varint.decode(bytes, pos);
            pos += code.length();
            MultiaddrProtocol protocol = MultiaddrProtocol.ofCode(code.value())
                    .orElseThrow(() -> new MalformedDataException("unknown multiaddr protocol code " + code.value()));
            int length;
            if (protocol.bits() == MultiaddrProtocol.VARIABLE) {
                Varint.Decoded len = Varint.decode(bytes, pos);
                pos += len.length();
                if (len.value() > bytes.length - pos) {
                    throw new MalformedDataException("multiaddr " + protocol.label() + " value runs past the end");
                }
                length = (int) len.value();
            } else {
                length = protocol.bits() / 8;
                if (length > bytes.length - pos) {
                    throw new MalformedDataException("multiaddr " + protocol.label() + " value truncated");
                }
            }
            byte[] value = Arrays.copyOfRange(bytes, pos, pos + length);
            pos += length;
            checkBinaryValue(protocol, value);
            out.add(new Component(protocol, new Value(value)));
        }
        return new Multiaddr(out);
    }

    /** {@code /ip4/.../tcp/port} or {@code /ip6/.../tcp/port} for a socket address. */
    public static Multiaddr tcp(InetSocketAddress address) {
        InetAddress ip = address.getAddress();
        MultiaddrProtocol family = ip instanceof Inet4Address ? MultiaddrProtocol.IP4 : MultiaddrProtocol.IP6;
        int port = address.getPort();
        return new Multiaddr(List.of(
                new Component(family, new Value(ip.getAddress())),
                new Component(MultiaddrProtocol.TCP, new Value(new byte[] {(byte) (port >> 8), (byte) port}))));
    }

    public List<Component> components() {
        return components;
    }

    /** The binary form. */
    public byte[] toBytes() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (Component c : components) {
            Varint.write(c.protocol().code(), out);
            byte[] v = c.value().bytes();
            if (c.protocol().bits() == MultiaddrProtocol.VARIABLE) {
                Varint.write(v.length, out);
            }
            out.writeBytes(v);
        }
        return out.toByteArray();
    }

    private int encodedLength() {
        return toBytes().length;
    }

    /** The PeerId of the last {@code /p2p/} component, if any. */
    public Optional<PeerId> peerId() {
        for (int i = components.size() - 1; i >= 0; i--) {
            if (components.get(i).protocol() == MultiaddrProtocol.P2P) {
                return Optional.of(PeerId.fromBytes(components.get(i).value().bytes()));
            }
        }
        return Optional.empty();
    }

    /** This address with {@code /p2p/<id>} appended. */
    public Multiaddr withPeerId(PeerId id) {
        List<Component> out = new ArrayList<>(components);
        out.add(new Component(MultiaddrProtocol.P2P, new Value(id.toBytes())));
        return new Multiaddr(out);
    }

    /**
     * The host and port of a {@code /ip4|ip6|dns|dns4|dns6/<host>/tcp/<port>} prefix, unresolved
     * for DNS names.
     *
     * @throws MalformedDataException if the address does not start that way
     */
    public InetSocketAddress tcpSocketAddress() {
        if (components.size() < 2 || components.get(1).protocol() != MultiaddrProtocol.TCP) {
            throw new MalformedDataException("not a TCP multiaddr: " + this);
        }
        Component host = components.get(0);
        int port = Integer.parseInt(components.get(1).text());
        return switch (host.protocol()) {
            case IP4, IP6 -> {
                try {
                    yield new InetSocketAddress(
                            InetAddress.getByAddress(host.value().bytes()), port);
                } catch (UnknownHostException e) {
                    throw new MalformedDataException("bad IP address in " + this, e);
                }
            }
            case DNS, DNS4, DNS6 -> InetSocketAddress.createUnresolved(host.text(), port);
            default -> throw new MalformedDataException("not a TCP multiaddr: " + this);
        };
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Multiaddr m && m.components.equals(components);
    }

    @Override
    public int hashCode() {
        return components.hashCode();
    }

    /** The text form. */
    @Override
    public String toString() {
        StringBuilder out = new StringBuilder();
        for (Component c : components) {
            out.append('/').append(c.protocol().label());
            if (c.protocol().bits() != 0) {
                out.append('/').append(c.text());
            }
        }
        return out.toString();
    }

    private static byte[] parseValue(MultiaddrProtocol protocol, String text) {
        return switch (protocol) {
            case IP4 -> parseIp4(text);
            case IP6 -> parseIp6(text);
            case TCP, UDP -> {
                int port = parseDecimal(text, 65535, protocol.label());
                yield new byte[] {(byte) (port >> 8), (byte) port};
            }
            case DNS, DNS4, DNS6, DNSADDR -> {
                byte[] v = text.getBytes(StandardCharsets.UTF_8);
                checkBinaryValue(protocol, v);
                yield v;
            }
            case P2P -> PeerId.parse(text).toBytes();
            case P2P_CIRCUIT, QUIC_V1 -> new byte[0];
        };
    }

    private static void checkBinaryValue(MultiaddrProtocol protocol, byte[] value) {
        switch (protocol) {
            case DNS, DNS4, DNS6, DNSADDR -> {
                if (value.length == 0 || value.length > 255) {
                    throw new MalformedDataException("a DNS name in a multiaddr is 1 to 255 bytes");
                }
                String name;
                try {
                    name = StandardCharsets.UTF_8
                            .newDecoder()
                            .onMalformedInput(CodingErrorAction.REPORT)
                            .onUnmappableCharacter(CodingErrorAction.REPORT)
                            .decode(ByteBuffer.wrap(value))
                            .toString();
                } catch (CharacterCodingException e) {
                    throw new MalformedDataException("a DNS name in a multiaddr is not UTF-8", e);
                }
                if (name.indexOf('/') >= 0) {
                    throw new MalformedDataException("a DNS name in a multiaddr has no '/'");
                }
            }
            case P2P -> PeerId.fromBytes(value);
            case IP4, IP6, TCP, UDP, P2P_CIRCUIT, QUIC_V1 -> {
                // Fixed-size values: any bits are an address or port.
            }
        }
    }

    private static int parseDecimal(String text, int max, String what) {
        if (text.isEmpty() || text.length() > 5 || (text.length() > 1 && text.charAt(0) == '0')) {
            throw new MalformedDataException("bad " + what + " value: " + abbreviate(text));
        }
        int n = 0;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c < '0' || c > '9') {
                throw new MalformedDataException("bad " + what + " value: " + abbreviate(text));
            }
            n = n * 10 + (c - '0');
        }
        if (n > max) {
            throw new MalformedDataException(what + " value out of range: " + n);
        }
        return n;
    }

    private static byte[] parseIp4(String text) {
        String[] octets = text.split("\\.", -1);
        if (octets.length != 4) {
            throw new MalformedDataException("bad ip4 address: " + abbreviate(text));
        }
        byte[] out = new byte[4];
        for (int i = 0; i < 4; i++) {
            if (octets[i].length() > 3) {
                throw new MalformedDataException("bad ip4 address: " + abbreviate(text));
            }
            out[i] = (byte) parseDecimal(octets[i], 255, "ip4");
        }
        return out;
    }

    private static byte[] parseIp6(String text) {
        if (text.isEmpty() || text.length() > 45 || !text.matches("[0-9a-fA-F:.]+")) {
            throw new MalformedDataException("bad ip6 address: " + abbreviate(text));
        }
        String head = text;
        String tail = "";
        int gap = text.indexOf("::");
        if (gap >= 0) {
            if (text.indexOf("::", gap + 1) >= 0) {
                throw new MalformedDataException("bad ip6 address: " + abbreviate(text));
            }
            head = text.substring(0, gap);
            tail = text.substring(gap + 2);
        }
        List<Integer> left = ip6Groups(head, text, gap < 0);
        List<Integer> right = ip6Groups(tail, text, true);
        int total = left.size() + right.size();
        if ((gap < 0 && total != 8) || (gap >= 0 && total > 7)) {
            throw new MalformedDataException("bad ip6 address: " + abbreviate(text));
        }
        byte[] out = new byte[16];
        for (int i = 0; i < left.size(); i++) {
            out[2 * i] = (byte) (left.get(i) >> 8);
            out[2 * i + 1] = (byte) (int) left.get(i);
        }
        for (int i = 0; i < right.size(); i++) {
            int g = 8 - right.size() + i;
            out[2 * g] = (byte) (right.get(i) >> 8);
            out[2 * g + 1] = (byte) (int) right.get(i);
        }
        return out;
    }

    /** 16-bit groups of one side of "::"; an IPv4 dotted quad may end the last side. */
    private static List<Integer> ip6Groups(String part, String whole, boolean mayEndWithIp4) {
        List<Integer> groups = new ArrayList<>();
        if (part.isEmpty()) {
            return groups;
        }
        String[] items = part.split(":", -1);
        for (int i = 0; i < items.length; i++) {
            String item = items[i];
            if (i == items.length - 1 && mayEndWithIp4 && item.contains(".")) {
                byte[] v4 = parseIp4(item);
                groups.add(((v4[0] & 0xFF) << 8) | (v4[1] & 0xFF));
                groups.add(((v4[2] & 0xFF) << 8) | (v4[3] & 0xFF));
                continue;
            }
            if (item.isEmpty() || item.length() > 4 || item.contains(".")) {
                throw new MalformedDataException("bad ip6 address: " + abbreviate(whole));
            }
            groups.add(Integer.parseInt(item, 16));
        }
        return groups;
    }

    /** RFC 5952: lower-case hex, no leading zeros, the longest run (2+) of zero groups as "::". */
    private static String formatIp6(byte[] v) {
        int[] g = new int[8];
        for (int i = 0; i < 8; i++) {
            g[i] = ((v[2 * i] & 0xFF) << 8) | (v[2 * i + 1] & 0xFF);
        }
        int bestStart = -1;
        int bestLen = 1;
        for (int i = 0; i < 8; ) {
            if (g[i] != 0) {
                i++;
                continue;
            }
            int j = i;
            while (j < 8 && g[j] == 0) {
                j++;
            }
            if (j - i > bestLen) {
                bestStart = i;
                bestLen = j - i;
            }
            i = j;
        }
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < 8; i++) {
            if (i == bestStart) {
                out.append("::");
                i += bestLen - 1;
                continue;
            }
            if (out.length() > 0 && out.charAt(out.length() - 1) != ':') {
                out.append(':');
            }
            out.append(Integer.toHexString(g[i]));
        }
        return out.toString();
    }

    private static String abbreviate(String s) {
        return s.length() <= 80 ? s : s.substring(0, 80) + "...";
    }
}
