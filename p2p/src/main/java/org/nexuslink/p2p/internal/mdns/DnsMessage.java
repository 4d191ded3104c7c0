// SPDX-License-Identifier: AGPL-3.0-or-later
package org.nexuslink.p2p.internal.mdns;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import org.nexuslink.p2p.MalformedDataException;

/**
 * The part of a DNS message (RFC 1035, as used by mDNS, RFC 6762) that libp2p mDNS needs:
 * questions, and PTR and TXT records; other record types are read past and kept as raw data.
 * Names are written uncompressed and read with compression pointers followed (bounded, so a
 * pointer loop is an error, not a hang).
 */
public record DnsMessage(boolean response, List<Question> questions, List<Record> answers, List<Record> additionals) {
    public static final int TYPE_PTR = 12;
    public static final int TYPE_TXT = 16;
    public static final int TYPE_ANY = 255;
    private static final int CLASS_IN = 1;
    private static final int MAX_RECORDS = 256;

    public DnsMessage {
        questions = List.copyOf(questions);
        answers = List.copyOf(answers);
        additionals = List.copyOf(additionals);
    }

    public record Question(String name, int type) {
        public Question {
            Objects.requireNonNull(name);
        }
    }

    /**
     * A resource record; {@code target} is the PTR's name, {@code strings} the TXT's strings
     * (both empty for other types).
     */
    public record Record(String name, int type, long ttl, String target, List<String> strings) {
        public Record {
            Objects.requireNonNull(name);
            Objects.requireNonNull(target);
            strings = List.copyOf(strings);
        }

        public static Record ptr(String name, String target, long ttl) {
            return new Record(name, TYPE_PTR, ttl, target, List.of());
        }

        public static Record txt(String name, List<String> strings, long ttl) {
            return new Record(name, TYPE_TXT, ttl, "", strings);
        }
    }

    public byte[] encode() {
        ByteArrayOutputStream out = new ByteArrayOutputStream(512);
        short16(out, 0);
        short16(out, response ? 0x8400 : 0);
        short16(out, questions.size());
        short16(out, answers.size());
        short16(out, 0);
        short16(out, additionals.size());
        for (Question q : questions) {
            name(out, q.name());
            short16(out, q.type());
            short16(out, CLASS_IN);
        }
        for (Record r : answers) {
            record(out, r);
        }
        for (Record r : additionals) {
            record(out, r);
        }
        return out.toByteArray();
    }

    private static void record(ByteArrayOutputStream out, Record r) {
        name(out, r.name());
        short16(out, r.type());
        short16(out, CLASS_IN);
        out.write((int) (r.ttl() >>> 24));
        out.write((int) (r.ttl() >>> 16));
        out.write((int) (r.ttl() >>> 8));
        out.write((int) r.ttl());
        ByteArrayOutputStream data = new ByteArrayOutputStream();
        if (r.type() == TYPE_PTR) {
            name(data, r.target());
        } else if (r.type() == TYPE_TXT) {
            for (String s : r.strings()) {
                byte[] b = s.getBytes(StandardCharsets.UTF_8);
                if (b.length > 255) {
                    throw new IllegalArgumentException("TXT string longer than 255 bytes");
                }
                data.write(b.length);
                data.writeBytes(b);
            }
        }
        short16(out, data.size());
        out.writeBytes(data.toByteArray());
    }

    private static void name(ByteArrayOutputStream out, String name) {
        for (String label : name.split("\\.")) {
            byte[] b = label.getBytes(StandardCharsets.UTF_8);
            if (b.length == 0 || b.length > 63) {
                throw new IllegalArgumentException("DNS label must be 1 to 63 bytes: " + label);
            }
            out.write(b.length);
            out.writeBytes(b);
        }
        out.write(0);
    }

    private static void short16(ByteArrayOutputStream out, int v) {
        out.write(v >>> 8);
        out.write(v);
    }

    /**
     * Decodes a DNS message.
     *
     * @throws MalformedDataException on anything truncated, oversized or looping
     */
    public static DnsMessage decode(byte[] bytes) {
        Reader r = new Reader(bytes);
        r.u16();
        int flags = r.u16();
        int qd = r.u16();
        int an = r.u16();
        int ns = r.u16();
        int ar = r.u16();
        if (qd + an + ns + ar > MAX_RECORDS) {
            throw new MalformedDataException("DNS message with " + (qd + an + ns + ar) + " entries");
        }
        List<Question> questions = new ArrayList<>();
        for (int i = 0; i < qd; i++) {
            String name = r.name();
            int type = r.u16();
            r.u16();
            questions.add(new Question(name, type));
        }
        List<Record> answers = new ArrayList<>();
        for (int i = 0; i < an; i++) {
            answers.add(r.record());
        }
        for (int i = 0; i < ns; i++) {
            r.record();
        }
        List<Record> additionals = new ArrayList<>();
        for (int i = 0; i < ar; i++) {
            additionals.add(r.record());
        }
        return new DnsMessage((flags & 0x8000) != 0, questions, answers, additionals);
    }

    private static final class Reader {
        private final byte[] b;
        private int pos;

        Reader(byte[] b) {
            this.b = b;
        }

        int u8() {
            if (pos >= b.length) {
                throw new MalformedDataException("truncated DNS message");
            }
            return b[pos++] & 0xFF;
        }

        int u16() {
            return (u8() << 8) | u8();
        }

        long u32() {
            return ((long) u16() << 16) | u16();
        }

        String name() {
            StringBuilder out = new StringBuilder();
            int at = pos;
            int end = -1;
            int jumps = 0;
            while (true) {
                if (at >= b.length) {
                    throw new MalformedDataException("truncated DNS name");
                }
                int len = b[at] & 0xFF;
                if ((len & 0xC0) == 0xC0) {
                    if (at + 1 >= b.length) {
                        throw new MalformedDataException("truncated DNS name pointer");
                    }
                    if (end < 0) {
                        end = at + 2;
                    }
                    if (++jumps > 32) {
                        throw new MalformedDataException("DNS name pointer loop");
                    }
                    at = ((len & 0x3F) << 8) | (b[at + 1] & 0xFF);
                    continue;
                }
                if ((len & 0xC0) != 0) {
                    throw new MalformedDataException("unsupported DNS label type");
                }
                if (len == 0) {
                    at++;
                    break;
                }
                if (at + 1 + len > b.length) {
                    throw new MalformedDataException("truncated DNS label");
                }
                if (out.length() > 0) {
                    out.append('.');
                }
                out.append(new String(b, at + 1, len, StandardCharsets.UTF_8));
                if (out.length() > 255) {
                    throw new MalformedDataException("DNS name longer than 255 characters");
                }
                at += 1 + len;
            }
            pos = end >= 0 ? end : at;
            return out.toString();
        }

        Record record() {
            String name = name();
            int type = u16();
            u16();
            long ttl = u32();
            int length = u16();
            if (pos + length > b.length) {
                throw new MalformedDataException("truncated DNS record data");
            }
            int dataEnd = pos + length;
            String target = "";
            List<String> strings = new ArrayList<>();
            if (type == TYPE_PTR) {
                target = name();
                if (pos > dataEnd) {
                    throw new MalformedDataException("PTR name runs past its record");
                }
            } else if (type == TYPE_TXT) {
                while (pos < dataEnd) {
                    int n = u8();
                    if (pos + n > dataEnd) {
                        throw new MalformedDataException("TXT string runs past its record");
                    }
                    strings.add(new String(Arrays.copyOfRange(b, pos, pos + n), StandardCharsets.UTF_8));
                    pos += n;
                }
            }
            pos = dataEnd;
            return new Record(name, type, ttl, target, strings);
        }
    }
}
