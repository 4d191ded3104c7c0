// SPDX-License-Identifier: AGPL-3.0-or-later
package org.nexuslink.protocol;

import java.nio.charset.CodingErrorAction;
import org.msgpack.core.MessagePack;

/**
 * The msgpack-core settings NexusLink reads and writes its MsgPack with: the wire codec here,
 * and the client's end-to-end payload. Each {@code with...} of msgpack-core returns a copy, so
 * these constants cannot be changed through them.
 */
public final class MsgPackSettings {
    /**
     * Strings must be valid UTF-8: replacing bad bytes (msgpack-core's default) would let two
     * peers read different text. The string decoder buffer is only used for strings split across
     * input chunks, which a value held in one array never has; the default allocates 8192 chars
     * (16 KiB) per unpacker, that is per frame, on the send path of every message.
     */
    public static final MessagePack.UnpackerConfig UNPACKER = new MessagePack.UnpackerConfig()
            .withActionOnMalformedString(CodingErrorAction.REPORT)
            .withActionOnUnmappableString(CodingErrorAction.REPORT)
            .withStringDecoderBufferSize(64);

    /** A frame or a payload is a few hundred bytes: msgpack-core's default buffer starts at 8 KiB. */
    public static final MessagePack.PackerConfig PACKER = MessagePack.DEFAULT_PACKER_CONFIG.withBufferSize(512);

    private MsgPackSettings() {}
}
