// SPDX-License-Identifier: AGPL-3.0-or-later
package org.nexuslink.cli.app;

import io.javalin.Javalin;
import io.javalin.config.JavalinConfig;
import io.javalin.http.Context;
import io.javalin.http.HttpResponseException;
import io.javalin.http.staticfiles.Location;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpTimeoutException;
import java.security.SecureRandom;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import org.nexuslink.cli.client.ClientFailure;
import org.nexuslink.client.RefusedException;
import org.nexuslink.client.store.StoreException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The local app's HTTP server (docs/app.md): the JSON API under {@code /api}, the event WebSocket
 * {@code /api/events} and the web UI's static files, on 127.0.0.1 only, behind {@link AppGuard}.
 * Javalin on Jetty, a virtual thread per request. Owns its {@link EventHub}, not the session.
 */
public final class AppServer implements AutoCloseable {
    /** Where the web UI's files are on the class path (the {@code app} module puts them there). */
    static final String WEB_ROOT = "/org/nexuslink/app/web";
    /** The event socket's path. */
    static final String EVENTS = "/api/events";

    private static final Logger LOG = LoggerFactory.getLogger(AppServer.class);
    private static final String API_CSP = "default-src 'none'; frame-ancestors 'none'; sandbox";

    private final Javalin javalin;
    private final AppGuard guard;
    private final EventHub events;

    private AppServer(Javalin javalin, AppGuard guard, EventHub events) {
        this.javalin = javalin;
        this.guard = guard;
        this.events = events;
    }

    /**
     * Starts the server for {@code session} on 127.0.0.1:{@code port} (0: a free port) with a
     * fresh token.
     */
    static AppServer start(AppSession session, int port, SecureRandom random) {
        Objects.requireNonNull(session, "session");
        AppGuard guard = new AppGuard(AppGuard.newToken(random));
        EventHub events = session.events();
        boolean hasWeb = AppServer.class.getResource(WEB_ROOT + "/index.html") != null;
        Javalin javalin = Javalin.create(config -> configure(config, session, guard, events, hasWeb));
        javalin.start("127.0.0.1", port);
        guard.bound(javalin.port());
        return new AppServer(javalin, guard, events);
    }

    private static void configure(
            JavalinConfig config, AppSession session, AppGuard guard, EventHub events, boolean hasWeb) {
        config.startup.showJavalinBanner = false;
        config.startup.showOldJavalinVersionWarning = false;
        config.concurrency.useVirtualThreads = true;
        // JSON bodies only: a file's body streams to disk (FileRoutes), under its own limit.
        config.http.maxRequestSize = 1L << 20;
        config.http.generateEtags = false;
        if (hasWeb) {
            config.staticFiles.add(files -> {
                files.hostedPath = "/";
                files.directory = WEB_ROOT;
                files.location = Location.CLASSPATH;
            });
        }
        var routes = config.routes;
        routes.before(ctx -> guard(ctx, guard));
        routes.wsBeforeUpgrade(EVENTS, ctx -> guardSocket(ctx, guard));
        routes.ws(EVENTS, ws -> {
            ws.onConnect(socket -> {
                events.open(socket);
                socket.enableAutomaticPings();
            });
            ws.onClose(events::closed);
            ws.onError(events::closed);
        });
        IdentityRoutes.register(routes, session);
        CommunityRoutes.register(routes, session);
        ConversationRoutes.register(routes, session);
        FileRoutes.register(routes, session);
        ContactRoutes.register(routes, session);
        DeviceRoutes.register(routes, session);
        SettingsRoutes.register(routes, session);
        routes.exception(Exception.class, AppServer::fail);
        routes.error(404, ctx -> notFound(ctx, hasWeb));
    }

    private static boolean isApi(Context ctx) {
        return ctx.path().equals("/api") || ctx.path().startsWith("/api/");
    }

    private static void guard(Context ctx, AppGuard guard) {
        ctx.header("X-Content-Type-Options", "nosniff");
        ctx.header("Referrer-Policy", "no-referrer");
        boolean api = isApi(ctx);
        if (api) {
            ctx.header("Cache-Control", "no-store");
            ctx.header("Content-Security-Policy", API_CSP);
        } else {
            ctx.header("Content-Security-Policy", csp(guard));
        }
        guard.checkHost(ctx.header("Host"));
        if (ctx.path().equals(EVENTS)) {
            guardSocket(ctx, guard);
            return;
        }
        guard.checkOrigin(ctx.header("Origin"), ctx.header("Sec-Fetch-Site"), false);
        if (api) {
            guard.checkBearer(ctx.header("Authorization"));
        }
    }

    private static void guardSocket(Context ctx, AppGuard guard) {
        guard.checkHost(ctx.header("Host"));
        guard.checkToken(ctx.queryParam("token"));
        guard.checkOrigin(ctx.header("Origin"), ctx.header("Sec-Fetch-Site"), true);
    }

    /** The web UI's policy: its own scripts and styles only, sockets to this server only. */
    static String csp(AppGuard guard) {
        String origins = guard.origins().stream()
                .sorted()
                .map(o -> o.replace("http://", "ws://"))
                .reduce((a, b) -> a + " " + b)
                .orElse("");
        return "default-src 'self'; connect-src 'self' " + origins
                + "; img-src 'self' data: blob:; style-src 'self'; object-src 'none'; frame-ancestors 'none'";
    }

    private static void notFound(Context ctx, boolean hasWeb) throws IOException {
        if (isApi(ctx)) {
            if (!"application/json".equals(ctx.contentType())) {
                error(ctx, 404, "not_found", "no such endpoint: " + ctx.method() + " " + ctx.path(), Optional.empty());
            }
            return;
        }
        if (!hasWeb) {
            ctx.status(404).contentType("text/plain; charset=utf-8").result("This build has no web UI.");
            return;
        }
        try (InputStream index = AppServer.class.getResourceAsStream(WEB_ROOT + "/index.html")) {
            ctx.status(200).contentType("text/html; charset=utf-8").result(index.readAllBytes());
        }
    }

    /** Maps any failure to the contract's error JSON; an unexpected one is a bug, logged with its stack. */
    private static void fail(Exception e, Context ctx) {
        Throwable t = e instanceof UncheckedIOException u ? u.getCause() : e;
        switch (t) {
            case ApiError a -> error(ctx, a.status(), a.code(), a.getMessage(), a.detail());
            case RefusedException r ->
                error(
                        ctx,
                        r.status() >= 400 && r.status() < 500 ? r.status() : 502,
                        "refused",
                        "the community refused: " + r.detail(),
                        Optional.of(r.code().name().toLowerCase(Locale.ROOT)));
            case ConnectException c -> unreachable(ctx, c);
            case HttpTimeoutException h -> unreachable(ctx, h);
            case HttpResponseException h ->
                error(
                        ctx,
                        h.getStatus(),
                        h.getStatus() == 401 ? "unauthorized" : "bad_request",
                        h.getMessage(),
                        Optional.empty());
            case ClientFailure f -> error(ctx, 400, "bad_request", f.getMessage(), Optional.empty());
            case IllegalArgumentException i -> error(ctx, 400, "bad_request", i.getMessage(), Optional.empty());
            case IOException io when io.getCause() instanceof ConnectException -> unreachable(ctx, io);
            case StoreException s -> internal(ctx, s);
            case IOException io -> error(ctx, 502, "unreachable", String.valueOf(io.getMessage()), Optional.empty());
            case IllegalStateException i -> error(ctx, 409, "locked", i.getMessage(), Optional.empty());
            default -> internal(ctx, t);
        }
    }

    private static void unreachable(Context ctx, Exception e) {
        error(
                ctx,
                502,
                "unreachable",
                "cannot reach the community server" + (e.getMessage() == null ? "" : ": " + e.getMessage()),
                Optional.empty());
    }

    private static void internal(Context ctx, Throwable t) {
        LOG.atError()
                .setMessage("local API request failed")
                .setCause(t)
                .addKeyValue("path", ctx.path())
                .log();
        error(ctx, 500, "internal", "an internal error: see the log", Optional.empty());
    }

    private static void error(Context ctx, int status, String code, String message, Optional<String> detail) {
        var body = AppJson.object().put("error", code).put("message", message == null ? code : message);
        detail.ifPresent(d -> body.put("detail", d));
        AppJson.send(ctx, status, body);
    }

    /** The bound port. */
    public int port() {
        return javalin.port();
    }

    /** The secret the web UI presents (in the URL fragment, never sent to a server). */
    String token() {
        return guard.token();
    }

    /** What the command prints and the browser opens. */
    public URI openUri() {
        return URI.create("http://127.0.0.1:" + port() + "/#token=" + guard.token());
    }

    /** Stops serving and closes the event sockets. */
    @Override
    public void close() {
        events.close();
        javalin.stop();
    }
}
