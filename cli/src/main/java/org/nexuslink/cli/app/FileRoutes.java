// SPDX-License-Identifier: AGPL-3.0-or-later
package org.nexuslink.cli.app;

import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Comparator;
import java.util.Optional;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.nexuslink.client.Conversation;
import org.nexuslink.client.MessageRef;
import org.nexuslink.client.NexusClient;
import org.nexuslink.client.media.FileDescriptor;
import org.nexuslink.client.store.StoredMessage;
import org.nexuslink.crypto.file.AtomicFile;

/**
 * Files: an upload is encrypted and sent as a file message, a download fetched, verified and
 * decrypted. The SDK works on files, so the plaintext passes through a private temporary
 * directory (owner-only) that is deleted at once. Progress goes out as {@code transfer} events
 * ({@link TransferEvents}).
 */
final class FileRoutes {
    /** The largest upload: the community's default media limit. */
    static final long MAX_UPLOAD = 100L * 1024 * 1024;

    private static final Pattern MIME =
            Pattern.compile("[A-Za-z0-9][A-Za-z0-9!#$&^_.+-]*/[A-Za-z0-9][A-Za-z0-9!#$&^_.+-]*");

    private FileRoutes() {}

    static void register(RoutesConfig routes, AppSession session) {
        routes.post("/api/conversations/{id}/files", ctx -> {
            Conversation conversation = ConversationRoutes.conversation(ctx);
            String name = fileName(ctx.queryParam("name"));
            String mime = Optional.ofNullable(ctx.queryParam("mime")).orElse("application/octet-stream");
            if (mime.length() > FileDescriptor.MAX_MIME_LENGTH
                    || !MIME.matcher(mime).matches()) {
                throw ApiError.badRequest("not a media type: '" + mime + "'");
            }
            Optional<MessageRef> replyTo =
                    ConversationRoutes.replyTo(conversation, Optional.ofNullable(ctx.queryParam("replyTo")));
            AppSession.Unlocked u = session.joined();
            NexusClient client = u.client();
            replyTo.ifPresent(r -> ConversationRoutes.requireMessage(client, conversation, r));
            TransferEvents transfer = new TransferEvents(session.events(), conversation, name);
            Path dir = privateDirectory();
            StoredMessage sent;
            long size = 0;
            try {
                Path file = dir.resolve(name);
                size = receive(ctx, file);
                sent = client.sendFile(conversation, file, mime, replyTo, transfer);
            } catch (IOException | RuntimeException e) {
                transfer.failed(size);
                throw e;
            } finally {
                delete(dir);
            }
            transfer.done(size);
            AppJson.send(
                    ctx,
                    MessageViews.of(u, session.environment().clock().instant()).message(sent));
        });
        routes.get("/api/conversations/{id}/messages/{ref}/file", ctx -> {
            Conversation conversation = ConversationRoutes.conversation(ctx);
            MessageRef ref = ConversationRoutes.ref(conversation, ctx.pathParam("ref"));
            NexusClient client = session.joined().client();
            StoredMessage message = ConversationRoutes.requireMessage(client, conversation, ref);
            FileDescriptor descriptor = MessageViews.file(message)
                    .orElseThrow(() -> ApiError.notFound("message " + ref.text() + " carries no file"));
            TransferEvents transfer = new TransferEvents(session.events(), conversation, descriptor.name());
            Path dir = privateDirectory();
            try {
                Path file;
                try {
                    file = client.saveFile(message, dir, transfer);
                } catch (IOException | RuntimeException e) {
                    transfer.failed(descriptor.size());
                    throw e;
                }
                transfer.done(descriptor.size());
                // Written before the directory goes: the plaintext never outlives the request.
                // The servlet's own stream, not Javalin's compressing one: the length is exact,
                // so the page can show the download's progress.
                ctx.status(200)
                        .contentType(descriptor.mime())
                        .header("Content-Disposition", "attachment; filename*=UTF-8''" + encode(descriptor.name()));
                ctx.res().setContentLengthLong(Files.size(file));
                try (OutputStream out = ctx.res().getOutputStream()) {
                    Files.copy(file, out);
                }
            } finally {
                delete(dir);
            }
        });
    }

    /**
     * Writes the request body to {@code file}, refusing (413) a body over {@link #MAX_UPLOAD}
     * before reading it when its length is declared, and as soon as it passes the limit otherwise.
     */
    private static long receive(Context ctx, Path file) throws IOException {
        long declared = ctx.contentLength();
        if (declared > MAX_UPLOAD) {
            throw tooLarge();
        }
        long total = 0;
        byte[] buffer = new byte[64 * 1024];
        try (InputStream in = ctx.bodyInputStream();
                OutputStream out = Files.newOutputStream(file, StandardOpenOption.CREATE_NEW)) {
            int n;
            while ((n = in.read(buffer)) > 0) {
                total += n;
                if (total > MAX_UPLOAD) {
                    throw tooLarge();
                }
                out.write(buffer, 0, n);
            }
        }
        return total;
    }

    private static ApiError tooLarge() {
        return new ApiError(413, "too_large", "a file is at most " + MAX_UPLOAD / (1024 * 1024) + " MiB");
    }

    /** The name a file is sent under: a plain file name, never a path. */
    static String fileName(String name) {
        if (name == null || name.isBlank()) {
            throw ApiError.badRequest("'name' is required");
        }
        if (name.equals(".")
                || name.equals("..")
                || name.chars().anyMatch(c -> c == '/' || c == '\\' || c < 0x20 || c == 0x7f)
                || name.getBytes(StandardCharsets.UTF_8).length > 255) {
            throw ApiError.badRequest("not a file name: '" + name + "'");
        }
        return name;
    }

    /** RFC 5987's percent-encoding of a header parameter value. */
    static String encode(String name) {
        return URLEncoder.encode(name, StandardCharsets.UTF_8).replace("+", "%20");
    }

    private static Path privateDirectory() throws IOException {
        return Files.createTempDirectory("nexuslink-app-", AtomicFile.ownerOnlyDirectory());
    }

    private static void delete(Path dir) throws IOException {
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}
