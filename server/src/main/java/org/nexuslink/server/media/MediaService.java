// SPDX-License-Identifier: AGPL-3.0-or-later
package org.nexuslink.server.media;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.nexuslink.protocol.ErrorCode;
import org.nexuslink.server.accounts.MemberStore;
import org.nexuslink.server.accounts.Role;
import org.nexuslink.server.auth.Principal;
import org.nexuslink.server.http.ApiException;
import org.nexuslink.server.ops.MetricName;
import org.nexuslink.server.permissions.Permissions;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The media use cases: begin, finish and abort uploads (streamed through the server, or straight
 * to the object store with a presigned URL), find what may be served, delete, and sweep expired
 * files and abandoned uploads. Owns the blob store it is given. Thread-safe.
 */
public final class MediaService implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(MediaService.class);
    private static final int SWEEP_BATCH = 500;

    /** The limits that apply to every upload. */
    public record Limits(long maxFileSize, long memberQuota, long storageLimit, Duration urlTtl, Duration orphanAfter) {
        public Limits {
            Objects.requireNonNull(urlTtl, "urlTtl");
            Objects.requireNonNull(orphanAfter, "orphanAfter");
        }
    }

    /** An upload in progress through this server: its reserved row and its staging file. */
    public record Upload(MediaFile file, Path staged) {
        public Upload {
            Objects.requireNonNull(file, "file");
            Objects.requireNonNull(staged, "staged");
        }
    }

    /** A presigned direct upload: the reserved file and where the client PUTs it. */
    public record DirectUpload(MediaFile file, S3BlobStore.PresignedUpload target) {}

    /** Where an available file's bytes are read: a local file or a presigned URL. */
    public sealed interface Source {
        MediaFile file();

        record LocalFile(MediaFile file, Path path) implements Source {}

        record Redirect(MediaFile file, URL url) implements Source {}
    }

    /** What a member has used and has left. */
    public record Quota(long used, long quota, long remaining, long serverRemaining) {}

    private final MediaStore store;
    private final BlobStore blobs;
    private final Staging staging;
    private final MemberStore members;
    private final UploadRateLimiter rateLimiter;
    private final Limits limits;
    private final Clock clock;
    private final SecureRandom random;
    /** Ids of uploads this process is streaming now; the orphan sweep leaves them alone. */
    private final Set<MediaId> inFlight = ConcurrentHashMap.newKeySet();

    private final Counter sweptExpired;
    private final Counter sweptOrphans;

    /**
     * @param mediaRoot {@code <data_dir>/media}: staging files live under it
     */
    public MediaService(
            MediaStore store,
            BlobStore blobs,
            Path mediaRoot,
            MemberStore members,
            int uploadsPerMinute,
            Limits limits,
            Clock clock,
            SecureRandom random,
            MeterRegistry meters) {
        this.store = Objects.requireNonNull(store, "store");
        this.blobs = Objects.requireNonNull(blobs, "blobs");
        this.staging = new Staging(mediaRoot);
        this.members = Objects.requireNonNull(members, "members");
        this.limits = Objects.requireNonNull(limits, "limits");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.random = Objects.requireNonNull(random, "random");
        this.rateLimiter = new UploadRateLimiter(uploadsPerMinute, clock);
        Gauge.builder(MetricName.MEDIA_STORAGE_BYTES.meterName(), store, MediaStore::storedBytes)
                .description("Bytes of completed media files stored")
                .baseUnit("bytes")
                .register(meters);
        this.sweptExpired = Counter.builder(MetricName.MEDIA_SWEPT.meterName())
                .tag("reason", "expired")
                .description("Media files removed by the sweep")
                .register(meters);
        this.sweptOrphans = Counter.builder(MetricName.MEDIA_SWEPT.meterName())
                .tag("reason", "unfinished")
                .description("Media files removed by the sweep")
                .register(meters);
    }

    /** The blob store in use. */
    public BlobStore blobs() {
        return blobs;
    }

    /** The largest upload accepted. */
    public long maxFileSize() {
        return limits.maxFileSize();
    }

    /**
     * Begins an upload streamed through this server: checks size, rate and quotas, reserves the
     * space and creates the staging file. The caller must {@link #finish} or {@link #abort} it.
     *
     * @throws ApiException {@code payload_too_large}, {@code rate_limited} or {@code quota_exceeded}
     */
    public Upload begin(Principal uploader, UploadRequest request) {
        MediaFile file = reserve(uploader, request);
        inFlight.add(file.id());
        try {
            return new Upload(file, staging.newFile());
        } catch (IOException e) {
            inFlight.remove(file.id());
            store.delete(file.id());
            throw new UncheckedIOException("cannot create a media staging file", e);
        }
    }

    /**
     * Verifies a fully received, synced staging file and keeps it.
     *
     * @param received how many bytes arrived
     * @param actual the SHA-256 of those bytes
     * @throws ApiException {@code digest_mismatch} (nothing is kept), or {@code not_found} when
     *     the file was deleted while it was uploading
     */
    public MediaFile finish(Upload upload, long received, Sha256 actual) throws IOException {
        MediaFile file = upload.file();
        try {
            if (received != file.size()) {
                abort(upload);
                throw new ApiException(
                        ErrorCode.BAD_REQUEST, "received " + received + " bytes, Content-Length said " + file.size());
            }
            if (!actual.equals(file.digest())) {
                abort(upload);
                throw new ApiException(
                        ErrorCode.DIGEST_MISMATCH,
                        "the SHA-256 of the received bytes is " + actual.base64() + ", the claimed digest was "
                                + file.digest().base64() + "; nothing was kept");
            }
            blobs.commit(upload.staged(), file.storagePath());
            Instant now = clock.instant();
            if (!store.complete(file.id(), now)) {
                blobs.delete(file.storagePath());
                throw new ApiException(ErrorCode.NOT_FOUND, "media " + file.id() + " was deleted during its upload");
            }
            log.atDebug()
                    .addKeyValue("media", file.id())
                    .addKeyValue("bytes", file.size())
                    .log("media stored");
            return completed(file, now);
        } catch (IOException | RuntimeException e) {
            if (!(e instanceof ApiException)) {
                abort(upload);
            }
            throw e;
        } finally {
            inFlight.remove(file.id());
        }
    }

    /** Gives up an upload: its staging file, blob and row are removed. Idempotent. */
    public void abort(Upload upload) {
        try {
            Files.deleteIfExists(upload.staged());
        } catch (IOException e) {
            log.atWarn()
                    .addKeyValue("file", upload.staged())
                    .addKeyValue("error", e.toString())
                    .log("cannot delete a staging file; it goes at the next start");
        }
        remove(upload.file());
        inFlight.remove(upload.file().id());
    }

    /**
     * Begins a direct upload to the object store (seed 001 §11): reserves the space as
     * {@link #begin} does and presigns a PUT of exactly {@code size} bytes.
     *
     * @throws ApiException {@code bad_request} when the backend is local, or as {@link #begin}
     */
    public DirectUpload beginDirect(Principal uploader, UploadRequest request) {
        if (!(blobs instanceof S3BlobStore s3)) {
            throw new ApiException(
                    ErrorCode.BAD_REQUEST,
                    "this server keeps media locally: stream the file to POST /api/v1/media/upload");
        }
        MediaFile file = reserve(uploader, request);
        return new DirectUpload(file, s3.presignUpload(file.storagePath(), file.size(), limits.urlTtl()));
    }

    /**
     * Accepts a direct upload once the object is there with the declared size and SHA-256. A
     * wrong object is deleted with its reservation; a missing one leaves the reservation so the
     * client can still PUT (until the sweep takes it).
     *
     * @throws ApiException {@code not_found} (unknown, or another member's upload),
     *     {@code conflict} (nothing uploaded yet), {@code digest_mismatch}
     */
    public MediaFile completeDirect(Principal uploader, MediaId id) throws IOException {
        MediaFile file = store.find(id)
                .filter(f -> f.uploader().equals(Optional.of(uploader.account())))
                .orElseThrow(() -> new ApiException(ErrorCode.NOT_FOUND, "no upload of yours with id " + id));
        if (file.completedAt().isPresent()) {
            return file;
        }
        if (!(blobs instanceof S3BlobStore s3) || !"s3".equals(file.backend())) {
            throw new ApiException(ErrorCode.CONFLICT, "media " + id + " is not a direct upload");
        }
        Optional<S3BlobStore.Stored> stored = s3.inspect(file.storagePath());
        if (stored.isEmpty()) {
            throw new ApiException(ErrorCode.CONFLICT, "nothing has been uploaded for media " + id + " yet");
        }
        if (stored.get().size() != file.size() || !stored.get().digest().equals(file.digest())) {
            remove(file);
            throw new ApiException(
                    ErrorCode.DIGEST_MISMATCH,
                    "the uploaded object has " + stored.get().size()
                            + " bytes with SHA-256 " + stored.get().digest().base64() + ", declared were " + file.size()
                            + " bytes with " + file.digest().base64() + "; nothing was kept");
        }
        Instant now = clock.instant();
        if (!store.complete(id, now)) {
            throw new ApiException(ErrorCode.NOT_FOUND, "media " + id + " was deleted during its upload");
        }
        return completed(file, now);
    }

    /**
     * Where a member reads an available file from.
     *
     * @throws ApiException {@code not_found} when there is no such file, it is unfinished or
     *     expired
     */
    public Source source(MediaId id) {
        MediaFile file = store.find(id)
                .filter(f -> f.isAvailable(clock.instant()))
                .orElseThrow(() -> new ApiException(ErrorCode.NOT_FOUND, "no media with id " + id));
        if (!blobs.name().equals(file.backend())) {
            log.atWarn()
                    .addKeyValue("media", id)
                    .addKeyValue("backend", file.backend())
                    .log("media stored in a backend this server no longer uses");
            throw new ApiException(
                    ErrorCode.NOT_FOUND, "media " + id + " is in a storage backend this server no longer uses");
        }
        return switch (blobs) {
            case LocalBlobStore local -> new Source.LocalFile(file, local.path(file.storagePath()));
            case S3BlobStore s3 -> new Source.Redirect(file, s3.presignDownload(file.storagePath(), limits.urlTtl()));
        };
    }

    /** Told when a moderator or admin deletes someone else's file (the audit log records it). */
    @FunctionalInterface
    public interface ModeratorDeletions {
        void deleted(Principal moderator, MediaFile file);
    }

    private volatile ModeratorDeletions moderatorDeletions = (moderator, file) -> {};

    /** Sets who hears of moderator deletions; wired once at start. */
    public void onModeratorDeletion(ModeratorDeletions listener) {
        this.moderatorDeletions = Objects.requireNonNull(listener, "listener");
    }

    /**
     * Deletes a file, finished or not. Besides its uploader, a moderator may delete a member's
     * file and an admin anyone's, as they may act on those members (docs/permissions.md): a
     * moderator cannot delete what an admin or another moderator shared. An uploader who is no
     * longer a member ranks as a member.
     *
     * @throws ApiException {@code not_found}, or {@code forbidden} unless the caller uploaded it,
     *     is an admin, or is a moderator and the uploader a member
     */
    public void delete(Principal caller, MediaId id) {
        MediaFile file =
                store.find(id).orElseThrow(() -> new ApiException(ErrorCode.NOT_FOUND, "no media with id " + id));
        if (!file.uploader().equals(Optional.of(caller.account()))) {
            Role role = members.find(caller.account())
                    .filter(m -> !m.banned())
                    .map(m -> m.role())
                    .orElse(Role.MEMBER);
            Role uploader =
                    file.uploader().flatMap(members::find).map(m -> m.role()).orElse(Role.MEMBER);
            if (role == Role.MEMBER) {
                throw new ApiException(
                        ErrorCode.FORBIDDEN, "only the uploader, a moderator or an admin may delete media " + id);
            }
            if (role != Role.ADMIN && Permissions.rank(uploader) >= Permissions.rank(role)) {
                throw new ApiException(
                        ErrorCode.FORBIDDEN,
                        "a " + role.wireName() + " may not delete media " + id + " uploaded by a " + uploader.wireName()
                                + "; only an admin may");
            }
        }
        if (!remove(file)) {
            throw new ApiException(ErrorCode.UNAVAILABLE, "media " + id + " could not be deleted now; retry later");
        }
        if (!file.uploader().equals(Optional.of(caller.account()))) {
            moderatorDeletions.deleted(caller, file);
        }
        log.atInfo()
                .addKeyValue("media", id)
                .addKeyValue("by", caller.account())
                .log("media deleted");
    }

    /** The caller's usage and what is left. */
    public Quota quota(Principal caller) {
        MediaStore.Usage usage = store.usage(caller.account());
        return new Quota(
                usage.member(),
                limits.memberQuota(),
                Math.max(0, limits.memberQuota() - usage.member()),
                Math.max(0, limits.storageLimit() - usage.total()));
    }

    /**
     * Removes expired files and uploads unfinished for longer than {@code media.orphan_after}
     * (except those this process is still streaming).
     *
     * @return how many files were removed
     */
    public int sweep() {
        Instant now = clock.instant();
        int removed = 0;
        for (List<MediaFile> batch = store.expired(now, SWEEP_BATCH);
                !batch.isEmpty();
                batch = store.expired(now, SWEEP_BATCH)) {
            int before = removed;
            for (MediaFile file : batch) {
                if (remove(file)) {
                    sweptExpired.increment();
                    removed++;
                }
            }
            if (removed == before) {
                break;
            }
        }
        Instant cutoff = now.minus(limits.orphanAfter());
        for (MediaFile file : store.unfinishedBefore(cutoff, Integer.MAX_VALUE)) {
            if (!inFlight.contains(file.id()) && remove(file)) {
                sweptOrphans.increment();
                removed++;
            }
        }
        rateLimiter.prune();
        if (removed > 0) {
            log.atInfo().addKeyValue("files", removed).log("media sweep");
        }
        return removed;
    }

    private MediaFile reserve(Principal uploader, UploadRequest request) {
        if (request.size() > limits.maxFileSize()) {
            throw new ApiException(
                    ErrorCode.PAYLOAD_TOO_LARGE,
                    "file of " + request.size() + " bytes exceeds the maximum of " + limits.maxFileSize() + " bytes");
        }
        rateLimiter.acquire(uploader.account());
        Instant now = clock.instant();
        MediaId id = MediaId.random(random);
        MediaFile file = new MediaFile(
                id,
                Optional.of(uploader.account()),
                request.size(),
                request.mimeTypeHint(),
                blobs.name(),
                blobs.keyFor(id),
                request.digest(),
                now,
                Optional.empty(),
                request.expiresIn().map(now::plus));
        store.reserve(file, uploader.account(), limits.memberQuota(), limits.storageLimit());
        return file;
    }

    /**
     * Deletes the blob, then the row: if the blob cannot be deleted the row stays, so a later
     * sweep retries instead of leaking bytes no row points at.
     */
    private boolean remove(MediaFile file) {
        try {
            blobs.delete(file.storagePath());
        } catch (IOException e) {
            log.atWarn()
                    .addKeyValue("media", file.id())
                    .addKeyValue("error", e.toString())
                    .log("cannot delete a media blob; will retry at the next sweep");
            return false;
        }
        store.delete(file.id());
        return true;
    }

    private static MediaFile completed(MediaFile file, Instant at) {
        return new MediaFile(
                file.id(),
                file.uploader(),
                file.size(),
                file.mimeTypeHint(),
                file.backend(),
                file.storagePath(),
                file.digest(),
                file.uploadedAt(),
                Optional.of(at),
                file.expiresAt());
    }

    @Override
    public void close() {
        blobs.close();
    }
}
