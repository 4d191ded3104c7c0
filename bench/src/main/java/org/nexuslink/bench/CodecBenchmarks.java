// SPDX-License-Identifier: AGPL-3.0-or-later
package org.nexuslink.bench;

import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.nexuslink.protocol.Bytes;
import org.nexuslink.protocol.Command;
import org.nexuslink.protocol.DirectPush;
import org.nexuslink.protocol.DirectSend;
import org.nexuslink.protocol.Envelope;
import org.nexuslink.protocol.EnvelopeCodec;
import org.nexuslink.protocol.Seq;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * The wire codec on the frames every direct message crosses the server in: the sender's
 * {@code send_direct} (one copy of 256 bytes) and the recipient's {@code direct_push}. Run with
 * {@code -prof gc} for the bytes allocated per decode ({@code gc.alloc.rate.norm}).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(1)
public class CodecBenchmarks {
    private final EnvelopeCodec codec = new EnvelopeCodec();
    private Envelope push;
    private byte[] pushFrame;
    private byte[] sendFrame;

    @Setup
    public void frames() {
        String account = "nxl:" + "a".repeat(52);
        Bytes ciphertext = Bytes.of(new byte[256]);
        push = Envelope.of(
                Command.DIRECT_PUSH,
                new Seq(7),
                new DirectPush(
                        123_456,
                        Bytes.of(new byte[16]),
                        account,
                        1,
                        Instant.ofEpochSecond(1_800_000_000L),
                        3,
                        ciphertext));
        pushFrame = codec.encode(push);
        sendFrame = codec.encode(Envelope.of(
                Command.SEND_DIRECT,
                new Seq(8),
                new DirectSend(Bytes.of(new byte[16]), List.of(new DirectSend.Copy(account, 1, 3, ciphertext)))));
    }

    @Benchmark
    public Envelope decodeDirectPush() {
        return codec.decode(pushFrame);
    }

    @Benchmark
    public Envelope decodeSendDirect() {
        return codec.decode(sendFrame);
    }

    @Benchmark
    public byte[] encodeDirectPush() {
        return codec.encode(push);
    }
}
