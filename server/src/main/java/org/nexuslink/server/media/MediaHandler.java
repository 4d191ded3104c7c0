// SPDX-License-Identifier: AGPL-3.0-or-later
package org.nexuslink.server.media;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.DefaultFileRegion;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpChunkedInput;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.stream.ChunkedNioFile;
import io.netty.handler.stream.ChunkedWriteHandler;
import io.netty.util.AttributeKey;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.NoSuchFileException;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.nexuslink.protocol.ErrorCode;
import org.nexuslink.protocol.api.ApiRoute;
import org.nexuslink.server.auth.Authenticator;
import org.nexuslink.server.auth.Principal;
import org.nexuslink.server.http.ApiException;
import org.nexuslink.server.http.HttpMetrics;
import org.nexuslink.server.http.HttpResponses;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Serves the two media endpoints whose bodies do not fit in memory, ahead of the 1 MiB body
 * aggregator: {@code POST /api/v1/media/upload} (the body streams to a staging file while its
 * SHA-256 is computed) and {@code GET/HEAD /api/v1/media/{id}} (a file region or chunked file,
 * with single-range support). Everything else passes through untouched.
 *
 * <p>Shared by all connections; the request being served on a connection is kept in a channel
 * attribute touched only on that connection's event loop. Authentication, database and disk
 * work run on virtual threads. While a request is being served the connection reads nothing
 * else (auto-read off), and an upload pauses reading whenever more than {@link #HIGH_WATER}
 * bytes wait for the disk, so memory per upload stays bounded whatever the file size.
 */
@ChannelHandler.Sharable
public final class MediaHandler extends ChannelInboundHandlerAdapter {
    private static final Logger log = LoggerFactory.getLogger(MediaHandler.class);

    /** The streamed upload endpoint. */
    public static final String UPLOAD_PATH = ApiRoute.MEDIA_UPLOAD.pattern();
    /** The download endpoint's route pattern. */
    public static final String FILE_PATTERN = ApiRoute.MEDIA_DOWNLOAD.pattern();

    private static final String PREFIX = FILE_PATTERN.substring(0, FILE_PATTERN.indexOf('{'));
    /** An upload whose client sends nothing for this long is dropped. */
    static final Duration UPLOAD_IDLE_TIMEOUT = Duration.ofSeconds(60);
    /** Received bytes waiting for the disk above which the connection stops reading. */
    static final int HIGH_WATER = 1 << 20;
    /** ... and below which it reads again. */
    static final int LOW_WATER = 256 << 10;

    private static final int CHUNK = 64 * 1024;
    private static final AttributeKey<Exchange> EXCHANGE = AttributeKey.valueOf("nexuslink.media.exchange");
    private static final Object ABORT = new Object();

    private final MediaService media;
    private final Authenticator authenticator;
    private final ExecutorService blocking;
    private final HttpMetrics metrics;
    private final HttpResponses responses;

    /**
     * @param blocking runs authentication, database and disk work (virtual threads)
     * @param metrics where the streamed requests are counted, as the router's are
     */
    public MediaHandler(
            MediaService media,
            Authenticator authenticator,
            ObjectMapper json,
            ExecutorService blocking,
            HttpMetrics metrics) {
        this.media = Objects.requireNonNull(media, "media");
        this.authenticator = Objects.requireNonNull(authenticator, "authenticator");
        this.blocking = Objects.requireNonNull(blocking, "blocking");
        this.metrics = Objects.requireNonNull(metrics, "metrics");
        this.responses = new HttpResponses(json, metrics);
    }

    /** One request this handler has taken over; all methods are called on the event loop. */
    private interface Exchange {
        void start();

        /** Takes ownership of {@code content}. */
        void content(HttpContent content);

        /** The connection closed before the request body ended. */
        void abort();
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (msg instanceof HttpRequest request) {
            Optional<Exchange> exchange = takeOver(ctx, request);
            if (exchange.isEmpty()) {
                ctx.fireChannelRead(msg);
                return;
            }
            ctx.channel().attr(EXCHANGE).set(exchange.get());
            exchange.get().start();
            if (msg instanceof HttpContent content) {
                deliver(ctx, exchange.get(), content);
            }
            return;
        }
        Exchange current = ctx.channel().attr(EXCHANGE).get();
        if (current != null && msg instanceof HttpContent content) {
            deliver(ctx, current, content);
            return;
        }
        ctx.fireChannelRead(msg);
    }

    private static void deliver(ChannelHandlerContext ctx, Exchange exchange, HttpContent content) {
        boolean last = content instanceof LastHttpContent;
        exchange.content(content);
        if (last) {
            ctx.channel().attr(EXCHANGE).set(null);
        }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) throws Exception {
        Exchange current = ctx.channel().attr(EXCHANGE).getAndSet(null);
        if (current != null) {
            current.abort();
        }
        super.channelInactive(ctx);
    }

    private Optional<Exchange> takeOver(ChannelHandlerContext ctx, HttpRequest request) {
        if (request.decoderResult().isFailure()) {
            return Optional.empty();
        }
        String path = new QueryStringDecoder(request.uri()).path();
        if (HttpMethod.POST.equals(request.method()) && UPLOAD_PATH.equals(path)) {
            return Optional.of(new UploadExchange(ctx, request));
        }
        boolean read = HttpMethod.GET.equals(request.method()) || HttpMethod.HEAD.equals(request.method());
        if (read && path.startsWith(PREFIX)) {
            try {
                return Optional.of(new DownloadExchange(ctx, request, MediaId.parse(path.substring(PREFIX.length()))));
            } catch (IllegalArgumentException notAnId) {
                return Optional.empty();
            }
        }
        return Optional.empty();
    }

    private Principal authenticate(HttpRequest request) {
        return authenticator.authenticateHeader(request.headers().get(HttpHeaderNames.AUTHORIZATION, ""));
    }

    /** Runs blocking work; if the server is stopping, refuses on the event loop instead. */
    private void offload(Runnable work, Runnable refuse) {
        try {
            blocking.execute(work);
        } catch (RejectedExecutionException e) {
            refuse.run();
        }
    }

    private FullHttpResponse error(ErrorCode code, String message) {
        return responses.error(code, message);
    }

    /**
     * A streamed upload. The body's chunks are queued by the event loop and written by one
     * virtual thread, which first authenticates and reserves the space; until then nothing is
     * read beyond what already arrived, and nothing is written to disk.
     */
    private final class UploadExchange implements Exchange {
        private final ChannelHandlerContext ctx;
        private final HttpRequest head;
        private final boolean keepAlive;
        private final boolean expectContinue;
        /** Chunks waiting for the writer, then possibly {@link #ABORT}. */
        private final LinkedBlockingQueue<Object> queue = new LinkedBlockingQueue<>();
        /** Bytes in {@link #queue}; written by both threads. */
        private final AtomicLong queued = new AtomicLong();
        /** Reading is paused because the disk lags; set on the event loop, read by the writer. */
        private volatile boolean paused;
        /** The writer has stopped; chunks arriving later are released at once. */
        private volatile boolean writerDone;
        /** Event loop only: the upload was accepted and its body may flow. */
        private boolean accepted;
        /** Event loop only: the upload was refused; the rest of its body is read and dropped. */
        private boolean refused;

        private final long started = System.nanoTime();

        UploadExchange(ChannelHandlerContext ctx, HttpRequest head) {
            this.ctx = ctx;
            this.head = head;
            this.keepAlive = HttpUtil.isKeepAlive(head);
            this.expectContinue = HttpUtil.is100ContinueExpected(head);
        }

        @Override
        public void start() {
            ctx.channel().config().setAutoRead(false);
            offload(this::run, () -> refuse(ErrorCode.UNAVAILABLE, "server is shutting down"));
        }

        @Override
        public void content(HttpContent content) {
            if (refused) {
                content.release();
                return;
            }
            queued.addAndGet(content.content().readableBytes());
            queue.add(content);
            if (writerDone) {
                drain();
                return;
            }
            if (!paused && queued.get() > HIGH_WATER) {
                paused = true;
                updateReading();
                // The writer may have emptied the queue between the check and the pause.
                resumeIfDrained();
            }
        }

        @Override
        public void abort() {
            queue.add(ABORT);
            if (writerDone) {
                drain();
            }
        }

        private void updateReading() {
            // A refused upload's connection reads on: the rest of the body is dropped, then the
            // next request is served.
            ctx.channel().config().setAutoRead(refused || accepted && !paused);
        }

        private void resumeIfDrained() {
            if (paused && queued.get() < LOW_WATER) {
                paused = false;
                updateReading();
            }
        }

        private void accept() {
            if (!ctx.channel().isActive()) {
                return;
            }
            accepted = true;
            if (expectContinue) {
                ctx.writeAndFlush(new DefaultFullHttpResponse(
                        HttpVersion.HTTP_1_1, HttpResponseStatus.CONTINUE, Unpooled.EMPTY_BUFFER));
            }
            updateReading();
        }

        /** Refuses before the body was accepted: the client that waited for 100 is told and the connection closed. */
        private void refuse(ErrorCode code, String message) {
            refuse(error(code, message));
        }

        private void refuse(FullHttpResponse refusal) {
            drain();
            if (expectContinue || !keepAlive) {
                send(refusal, false);
                return;
            }
            refused = true;
            send(refusal, true);
            updateReading();
        }

        private void respond(FullHttpResponse response) {
            send(response, keepAlive);
            updateReading();
        }

        private void send(FullHttpResponse response, boolean open) {
            responses.send(ctx, response, open, "POST", UPLOAD_PATH, started);
        }

        private void drain() {
            for (Object item; (item = queue.poll()) != null; ) {
                if (item instanceof HttpContent content) {
                    queued.addAndGet(-content.content().readableBytes());
                    content.release();
                }
            }
        }

        private void run() {
            MediaService.Upload upload;
            try {
                Principal principal = authenticate(head);
                upload = media.begin(principal, request());
            } catch (RuntimeException e) {
                finishWriter();
                FullHttpResponse refusal = responses.failure(e, UPLOAD_PATH);
                ctx.executor().execute(() -> refuse(refusal));
                return;
            } catch (Error e) {
                // Out of memory or the like: the request cannot be answered, but the connection
                // must not hang with reading switched off.
                finishWriter();
                ctx.close();
                throw e;
            }
            ctx.executor().execute(this::accept);
            try {
                receive(upload);
            } finally {
                finishWriter();
            }
        }

        private void finishWriter() {
            writerDone = true;
            drain();
        }

        private UploadRequest request() {
            HttpHeaders headers = head.headers();
            if (HttpUtil.isTransferEncodingChunked(head) || !headers.contains(HttpHeaderNames.CONTENT_LENGTH)) {
                throw new ApiException(
                        ErrorCode.LENGTH_REQUIRED,
                        "an upload needs a Content-Length header (chunked uploads are not accepted)");
            }
            long length;
            try {
                length = Long.parseLong(
                        headers.get(HttpHeaderNames.CONTENT_LENGTH).trim());
            } catch (NumberFormatException e) {
                throw new ApiException(ErrorCode.BAD_REQUEST, "malformed Content-Length");
            }
            if (length > media.maxFileSize()) {
                throw new ApiException(
                        ErrorCode.PAYLOAD_TOO_LARGE,
                        "file of " + length + " bytes exceeds the maximum of " + media.maxFileSize() + " bytes");
            }
            String digestHeader = headers.get("Content-Digest");
            if (digestHeader == null) {
                throw new ApiException(
                        ErrorCode.INVALID_FIELD,
                        "Content-Digest header missing: send sha-256=:<base64 of the SHA-256 of the body>:");
            }
            QueryStringDecoder query = new QueryStringDecoder(head.uri());
            try {
                Sha256 digest = Sha256.parseContentDigest(digestHeader);
                Optional<String> mime = first(query, "mime_type_hint");
                Optional<Duration> expiresIn = first(query, "expires_in").map(s -> {
                    try {
                        return Duration.ofSeconds(Long.parseLong(s));
                    } catch (NumberFormatException e) {
                        throw new IllegalArgumentException("expires_in must be a number of seconds, got '" + s + "'");
                    }
                });
                return new UploadRequest(length, digest, mime, expiresIn);
            } catch (IllegalArgumentException e) {
                throw new ApiException(ErrorCode.INVALID_FIELD, e.getMessage());
            }
        }

        private static Optional<String> first(QueryStringDecoder query, String name) {
            List<String> values = query.parameters().get(name);
            return values == null || values.isEmpty() ? Optional.empty() : Optional.of(values.get(0));
        }

        /** The writer: chunks to the staging file and the digest, then verify and keep. */
        private void receive(MediaService.Upload upload) {
            MessageDigest sha = Sha256.digester();
            long received = 0;
            try {
                try (FileChannel out = FileChannel.open(upload.staged(), StandardOpenOption.WRITE)) {
                    while (true) {
                        Object item = queue.poll(UPLOAD_IDLE_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
                        if (item == null) {
                            media.abort(upload);
                            log.atDebug()
                                    .addKeyValue("media", upload.file().id())
                                    .log("upload stalled; dropped");
                            ctx.executor().execute(() -> ctx.close());
                            return;
                        }
                        if (item == ABORT) {
                            media.abort(upload);
                            log.atDebug()
                                    .addKeyValue("media", upload.file().id())
                                    .log("upload aborted by the client");
                            return;
                        }
                        HttpContent content = (HttpContent) item;
                        int n = content.content().readableBytes();
                        try {
                            for (ByteBuffer buffer : content.content().nioBuffers()) {
                                sha.update(buffer.duplicate());
                                while (buffer.hasRemaining()) {
                                    out.write(buffer);
                                }
                            }
                        } finally {
                            content.release();
                        }
                        received += n;
                        if (queued.addAndGet(-n) < LOW_WATER && paused) {
                            ctx.executor().execute(this::resumeIfDrained);
                        }
                        if (content instanceof LastHttpContent) {
                            break;
                        }
                    }
                    out.force(true);
                }
                MediaFile stored = media.finish(upload, received, Sha256.of(sha.digest()));
                FullHttpResponse created = responses.json(HttpResponseStatus.CREATED.code(), MediaRoutes.view(stored));
                ctx.executor().execute(() -> respond(created));
            } catch (ApiException e) {
                FullHttpResponse refusal = responses.failure(e, UPLOAD_PATH);
                ctx.executor().execute(() -> respond(refusal));
            } catch (InterruptedException e) {
                media.abort(upload);
                Thread.currentThread().interrupt();
                ctx.executor().execute(() -> send(error(ErrorCode.UNAVAILABLE, "server is shutting down"), false));
            } catch (IOException | RuntimeException e) {
                media.abort(upload);
                FullHttpResponse failed = responses.failure(e, UPLOAD_PATH);
                ctx.executor().execute(() -> send(failed, false));
            } catch (Error e) {
                media.abort(upload);
                ctx.close();
                throw e;
            }
        }
    }

    /** A download: authorize on a virtual thread, then write the file (or a range of it) zero-copy. */
    private final class DownloadExchange implements Exchange {
        private final ChannelHandlerContext ctx;
        private final HttpRequest head;
        private final MediaId id;
        private final boolean keepAlive;
        private final boolean headOnly;

        private final long started = System.nanoTime();

        DownloadExchange(ChannelHandlerContext ctx, HttpRequest head, MediaId id) {
            this.ctx = ctx;
            this.head = head;
            this.id = id;
            this.keepAlive = HttpUtil.isKeepAlive(head);
            this.headOnly = HttpMethod.HEAD.equals(head.method());
        }

        @Override
        public void start() {
            ctx.channel().config().setAutoRead(false);
            offload(this::run, () -> done(error(ErrorCode.UNAVAILABLE, "server is shutting down")));
        }

        @Override
        public void content(HttpContent content) {
            content.release();
        }

        @Override
        public void abort() {}

        private void run() {
            try {
                authenticate(head);
                switch (media.source(id)) {
                    case MediaService.Source.Redirect redirect -> {
                        FullHttpResponse response = new DefaultFullHttpResponse(
                                HttpVersion.HTTP_1_1, HttpResponseStatus.FOUND, Unpooled.EMPTY_BUFFER);
                        response.headers()
                                .set(HttpHeaderNames.LOCATION, redirect.url().toString())
                                .setInt(HttpHeaderNames.CONTENT_LENGTH, 0)
                                .set(HttpHeaderNames.CACHE_CONTROL, HttpHeaderValues.NO_STORE);
                        ctx.executor().execute(() -> done(response));
                    }
                    case MediaService.Source.LocalFile local -> serve(local);
                }
            } catch (IOException | RuntimeException e) {
                FullHttpResponse failed = responses.failure(e, FILE_PATTERN);
                ctx.executor().execute(() -> done(failed));
            } catch (Error e) {
                ctx.close();
                throw e;
            }
        }

        private void serve(MediaService.Source.LocalFile local) throws IOException {
            FileChannel file;
            try {
                file = FileChannel.open(local.path(), StandardOpenOption.READ);
            } catch (NoSuchFileException e) {
                log.atWarn().addKeyValue("media", id).log("media row without its blob");
                throw new ApiException(ErrorCode.NOT_FOUND, "no media with id " + id);
            }
            long size = file.size();
            Optional<ByteRange> range;
            try {
                range = ByteRange.parse(Optional.ofNullable(head.headers().get(HttpHeaderNames.RANGE)), size);
            } catch (ApiException e) {
                file.close();
                FullHttpResponse refusal = error(e.code(), e.getMessage());
                refusal.headers().set(HttpHeaderNames.CONTENT_RANGE, "bytes */" + size);
                ctx.executor().execute(() -> done(refusal));
                return;
            }
            ctx.executor().execute(() -> write(file, size, range, local.file()));
        }

        private void write(FileChannel file, long size, Optional<ByteRange> range, MediaFile meta) {
            long first = range.map(ByteRange::first).orElse(0L);
            long length = range.map(ByteRange::length).orElse(size);
            HttpResponse response = new DefaultHttpResponse(
                    HttpVersion.HTTP_1_1,
                    range.isPresent() ? HttpResponseStatus.PARTIAL_CONTENT : HttpResponseStatus.OK);
            HttpHeaders headers = response.headers();
            headers.set(HttpHeaderNames.CONTENT_TYPE, HttpHeaderValues.APPLICATION_OCTET_STREAM)
                    .set(HttpHeaderNames.CONTENT_LENGTH, length)
                    .set(HttpHeaderNames.ACCEPT_RANGES, HttpHeaderValues.BYTES)
                    .set(HttpHeaderNames.ETAG, "\"" + meta.digest().hex() + "\"")
                    .set(HttpHeaderNames.CONTENT_DISPOSITION, "attachment")
                    .set(HttpHeaderNames.CACHE_CONTROL, "private, no-store")
                    .set("X-Content-Type-Options", "nosniff")
                    .set(HttpHeaderNames.CONNECTION, keepAlive ? HttpHeaderValues.KEEP_ALIVE : HttpHeaderValues.CLOSE);
            range.ifPresent(r ->
                    headers.set(HttpHeaderNames.CONTENT_RANGE, "bytes " + r.first() + "-" + r.last() + "/" + size));
            if (!ctx.channel().isActive()) {
                closeQuietly(file);
                return;
            }
            metrics.record(head.method().name(), FILE_PATTERN, response.status().code(), System.nanoTime() - started);
            ctx.write(response);
            ChannelFuture written;
            if (headOnly || length == 0) {
                closeQuietly(file);
                written = ctx.writeAndFlush(LastHttpContent.EMPTY_LAST_CONTENT);
            } else if (ctx.pipeline().get(SslHandler.class) == null) {
                // Zero-copy: the kernel sends the file; the region closes the file when released.
                ctx.write(new DefaultFileRegion(file, first, length));
                written = ctx.writeAndFlush(LastHttpContent.EMPTY_LAST_CONTENT);
            } else {
                if (ctx.pipeline().get(ChunkedWriteHandler.class) == null) {
                    ctx.pipeline().addBefore(ctx.name(), "media-chunked", new ChunkedWriteHandler());
                }
                try {
                    written = ctx.writeAndFlush(new HttpChunkedInput(new ChunkedNioFile(file, first, length, CHUNK)));
                } catch (IOException e) {
                    closeQuietly(file);
                    ctx.close();
                    return;
                }
            }
            written.addListener(f -> {
                if (!f.isSuccess() || !keepAlive) {
                    ctx.close();
                } else {
                    ctx.channel().config().setAutoRead(true);
                }
            });
        }

        private void done(FullHttpResponse response) {
            responses.send(ctx, response, keepAlive, head.method().name(), FILE_PATTERN, started);
            if (keepAlive) {
                ctx.channel().config().setAutoRead(true);
            }
        }

        private static void closeQuietly(FileChannel file) {
            try {
                file.close();
            } catch (IOException e) {
                log.atDebug().addKeyValue("error", e.toString()).log("cannot close a media file");
            }
        }
    }
}
