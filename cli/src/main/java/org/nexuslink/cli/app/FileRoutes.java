// SPDX-License-Identifier: AGPL-3.0-or-later
package org.nexuslink.cli.app;

import io.javalin.config.RoutesConfig;
import java.io.IOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Comparator;
import java.util.Optional;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.nexuslink.client.Conversation;
import org.nexuslink.client.MessageRef;
import org.nexuslink.client.NexusClient;
import org.nexuslink.client.media.FileDescriptor;
import org.nexuslink.client.store.StoredMessage;

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
            byte[] bytes = ctx.bodyAsBytes();
            NexusClient client = session.joined().client();
            replyTo.ifPresent(r -> ConversationRoutes.requireMessage(client, conversation, r));
            TransferEvents transfer = new TransferEvents(session.events(), conversation, name);
            Path dir = privateDirectory();
            StoredMessage sent;
            try {
                Path file = dir.resolve(name);
                Files.write(file, bytes);
                sent = client.sendFile(conversation, file, mime, replyTo, transfer);
            } catch (IOException | RuntimeException e) {
                transfer.failed(bytes.length);
                throw e;
            } finally {
                delete(dir);
            }
            transfer.done(bytes.length);
            AppJson.send(
                    ctx,
                    MessageViews.of(client, session.environment().clock().instant())
                            .message(sent));
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
            byte[] bytes;
            try {
                bytes = Files.readAllBytes(client.saveFile(message, dir, transfer));
            } catch (IOException | RuntimeException e) {
                transfer.failed(descriptor.size());
                throw e;
            } finally {
                delete(dir);
            }
            transfer.done(bytes.length);
            ctx.header("Content-Disposition", "attachment; filename*=UTF-8''" + encode(descriptor.name()));
            ctx.status(200).contentType(descriptor.mime()).result(bytes);
        });
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
        try {
            return Files.createTempDirectory(
                    "nexuslink-app-",
                    PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        } catch (UnsupportedOperationException e) {
            return Files.createTempDirectory("nexuslink-app-");
        }
    }

    private static void delete(Path dir) throws IOException {
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}
