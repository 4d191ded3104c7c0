// SPDX-License-Identifier: AGPL-3.0-or-later
package org.nexuslink.server.media;

import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import org.nexuslink.protocol.ErrorCode;
import org.nexuslink.protocol.api.ApiRoute;
import org.nexuslink.protocol.api.MediaApi.DirectUpload;
import org.nexuslink.protocol.api.MediaApi.DirectUploadRequest;
import org.nexuslink.protocol.api.MediaApi.MediaView;
import org.nexuslink.protocol.api.MediaApi.Quota;
import org.nexuslink.server.auth.Authenticator;
import org.nexuslink.server.auth.Principal;
import org.nexuslink.server.http.ApiException;
import org.nexuslink.server.http.JsonBodies;
import org.nexuslink.server.http.Request;
import org.nexuslink.server.http.Response;
import org.nexuslink.server.http.Router;

/**
 * The media endpoints with small JSON bodies, served through the router: quota, delete, and the
 * presigned direct-upload flow (begin, complete). The streamed ones are {@link MediaHandler}'s.
 */
public final class MediaRoutes {
    private final MediaService media;
    private final Authenticator authenticator;
    private final JsonBodies bodies;

    public MediaRoutes(MediaService media, Authenticator authenticator, JsonBodies bodies) {
        this.media = Objects.requireNonNull(media, "media");
        this.authenticator = Objects.requireNonNull(authenticator, "authenticator");
        this.bodies = Objects.requireNonNull(bodies, "bodies");
    }

    /** A stored file as the API shows it. */
    static MediaView view(MediaFile file) {
        return new MediaView(
                file.id().toString(),
                file.size(),
                file.digest().base64(),
                file.mimeTypeHint(),
                file.uploadedAt().toString(),
                file.expiresAt().map(Object::toString));
    }

    /** Registers the routed endpoints and declares the streamed ones. */
    public void register(Router router) {
        router.add(ApiRoute.MEDIA_QUOTA, this::quota);
        router.add(ApiRoute.MEDIA_DIRECT_UPLOAD, this::beginDirect);
        router.add(ApiRoute.MEDIA_COMPLETE, this::completeDirect);
        router.add(ApiRoute.MEDIA_DELETE, this::delete);
        router.streamed(ApiRoute.MEDIA_UPLOAD);
        router.streamed(ApiRoute.MEDIA_DOWNLOAD);
    }

    private Response quota(Request request) {
        Principal caller = authenticator.authenticate(request);
        MediaService.Quota quota = media.quota(caller);
        return Response.ok(new Quota(
                quota.used(), quota.quota(), quota.remaining(), quota.serverRemaining(), media.maxFileSize()));
    }

    private Response beginDirect(Request request) {
        Principal caller = authenticator.authenticate(request);
        DirectUploadRequest body = bodies.read(request, DirectUploadRequest.class);
        if (body.size() == null) {
            throw new ApiException(ErrorCode.INVALID_FIELD, "size: required");
        }
        if (body.sha256() == null) {
            throw new ApiException(ErrorCode.INVALID_FIELD, "sha256: required");
        }
        UploadRequest upload;
        try {
            upload = new UploadRequest(
                    body.size(),
                    Sha256.parseBase64(body.sha256()),
                    Optional.ofNullable(body.mimeTypeHint()),
                    Optional.ofNullable(body.expiresIn()).map(Duration::ofSeconds));
        } catch (IllegalArgumentException e) {
            throw new ApiException(ErrorCode.INVALID_FIELD, e.getMessage());
        }
        MediaService.DirectUpload direct = media.beginDirect(caller, upload);
        return new Response.Json(
                201,
                new DirectUpload(
                        direct.file().id().toString(),
                        direct.target().url().toString(),
                        "PUT",
                        direct.target().headers(),
                        direct.target().expiresAt().toString()));
    }

    private Response completeDirect(Request request) throws Exception {
        Principal caller = authenticator.authenticate(request);
        return Response.ok(view(media.completeDirect(caller, id(request))));
    }

    private Response delete(Request request) {
        Principal caller = authenticator.authenticate(request);
        media.delete(caller, id(request));
        return new Response.Raw(204, "application/json", new byte[0]);
    }

    private static MediaId id(Request request) {
        try {
            return MediaId.parse(request.pathParam("id"));
        } catch (IllegalArgumentException e) {
            throw new ApiException(ErrorCode.NOT_FOUND, "no media with id '" + request.pathParam("id") + "'");
        }
    }
}
