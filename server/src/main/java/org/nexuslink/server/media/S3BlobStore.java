// SPDX-License-Identifier: AGPL-3.0-or-later
package org.nexuslink.server.media;

import java.io.IOException;
import java.io.InputStream;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;
import org.nexuslink.server.config.Config;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.ResponseInputStream;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.checksums.ResponseChecksumValidation;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.S3Configuration;
import software.amazon.awssdk.services.s3.model.GetObjectRequest;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;
import software.amazon.awssdk.services.s3.model.PutObjectRequest;
import software.amazon.awssdk.services.s3.presigner.S3Presigner;
import software.amazon.awssdk.services.s3.presigner.model.GetObjectPresignRequest;
import software.amazon.awssdk.services.s3.presigner.model.PresignedPutObjectRequest;
import software.amazon.awssdk.services.s3.presigner.model.PutObjectPresignRequest;

/**
 * Blobs as objects {@code media/<id>} in one bucket of an S3-compatible store (AWS SDK v2 over
 * the JDK's HTTP client). Clients move the bytes themselves with presigned URLs (seed 001 §11);
 * the server signs, then verifies size and SHA-256 of what arrived before it accepts the file.
 * Thread-safe.
 */
public final class S3BlobStore implements BlobStore {
    private final S3Client client;
    private final S3Presigner presigner;
    private final String bucket;

    /** A presigned upload: PUT the bytes to {@code url} with exactly {@code headers}. */
    public record PresignedUpload(URL url, Map<String, String> headers, Instant expiresAt) {
        public PresignedUpload {
            Objects.requireNonNull(url, "url");
            headers = Map.copyOf(headers);
            Objects.requireNonNull(expiresAt, "expiresAt");
        }
    }

    /** What is actually stored under a key: its length and SHA-256. */
    public record Stored(long size, Sha256 digest) {}

    public S3BlobStore(Config.Media.Backend.S3 config) {
        Objects.requireNonNull(config, "config");
        StaticCredentialsProvider credentials = StaticCredentialsProvider.create(AwsBasicCredentials.create(
                config.accessKey().value(), config.secretKey().value()));
        S3Configuration s3 = S3Configuration.builder()
                .pathStyleAccessEnabled(config.pathStyle())
                .build();
        var clientBuilder = S3Client.builder()
                .httpClient(UrlConnectionHttpClient.builder()
                        .connectionTimeout(Duration.ofSeconds(10))
                        .socketTimeout(Duration.ofSeconds(60))
                        .build())
                .region(Region.of(config.region()))
                .credentialsProvider(credentials)
                .serviceConfiguration(s3)
                // Third-party stores do not all speak the SDK's default trailing CRC checksums;
                // integrity is checked by our own SHA-256 instead.
                .requestChecksumCalculation(RequestChecksumCalculation.WHEN_REQUIRED)
                .responseChecksumValidation(ResponseChecksumValidation.WHEN_REQUIRED);
        var presignerBuilder = S3Presigner.builder()
                .region(Region.of(config.region()))
                .credentialsProvider(credentials)
                .serviceConfiguration(s3);
        config.endpoint().ifPresent(endpoint -> {
            clientBuilder.endpointOverride(endpoint);
            presignerBuilder.endpointOverride(endpoint);
        });
        this.client = clientBuilder.build();
        this.presigner = presignerBuilder.build();
        this.bucket = config.bucket();
    }

    @Override
    public String name() {
        return "s3";
    }

    @Override
    public String keyFor(MediaId id) {
        return "media/" + id;
    }

    /**
     * A URL the client PUTs exactly {@code size} bytes to, valid for {@code ttl}. The SHA-256 is
     * deliberately not signed as {@code x-amz-checksum-sha256}: not every S3-compatible store
     * implements it (S3Proxy answers 501), and the server verifies the bytes at completion anyway.
     *
     * <p>The PUT is conditional, {@code If-None-Match: *} signed with it (S3 conditional writes;
     * MinIO, R2 and S3Proxy honour it too): it creates the object or fails with 412. Without it
     * the URL, still valid after the server verified the object and completed the upload, could
     * replace the verified bytes with others that nobody checks again.
     */
    public PresignedUpload presignUpload(String key, long size, Duration ttl) {
        PresignedPutObjectRequest presigned = presigner.presignPutObject(PutObjectPresignRequest.builder()
                .signatureDuration(ttl)
                .putObjectRequest(PutObjectRequest.builder()
                        .bucket(bucket)
                        .key(key)
                        .contentLength(size)
                        .contentType("application/octet-stream")
                        .ifNoneMatch("*")
                        .build())
                .build());
        Map<String, String> headers = new TreeMap<>();
        for (Map.Entry<String, List<String>> header : presigned.signedHeaders().entrySet()) {
            if (!"host".equalsIgnoreCase(header.getKey())) {
                headers.put(header.getKey(), String.join(",", header.getValue()));
            }
        }
        return new PresignedUpload(presigned.url(), headers, presigned.expiration());
    }

    /** A URL that reads the object (Range requests included), valid for {@code ttl}. */
    public URL presignDownload(String key, Duration ttl) {
        return presigner
                .presignGetObject(GetObjectPresignRequest.builder()
                        .signatureDuration(ttl)
                        .getObjectRequest(GetObjectRequest.builder()
                                .bucket(bucket)
                                .key(key)
                                .build())
                        .build())
                .url();
    }

    /**
     * Reads the object through once, hashing it: its real length and SHA-256, or empty when no
     * object is there.
     */
    public Optional<Stored> inspect(String key) throws IOException {
        MessageDigest sha = Sha256.digester();
        long size = 0;
        try (ResponseInputStream<GetObjectResponse> in = client.getObject(
                GetObjectRequest.builder().bucket(bucket).key(key).build())) {
            byte[] buffer = new byte[64 * 1024];
            for (int n; (n = in.read(buffer)) >= 0; ) {
                sha.update(buffer, 0, n);
                size += n;
            }
        } catch (NoSuchKeyException e) {
            return Optional.empty();
        } catch (SdkException e) {
            throw new IOException("cannot read object " + key + " from bucket " + bucket + ": " + e.getMessage(), e);
        }
        return Optional.of(new Stored(size, Sha256.of(sha.digest())));
    }

    @Override
    public void commit(Path staged, String key) throws IOException {
        try (InputStream in = Files.newInputStream(staged)) {
            long size = Files.size(staged);
            client.putObject(
                    PutObjectRequest.builder()
                            .bucket(bucket)
                            .key(key)
                            .contentLength(size)
                            .contentType("application/octet-stream")
                            .build(),
                    RequestBody.fromInputStream(in, size));
        } catch (SdkException e) {
            throw new IOException("cannot store object " + key + " in bucket " + bucket + ": " + e.getMessage(), e);
        }
        Files.deleteIfExists(staged);
    }

    @Override
    public void delete(String key) throws IOException {
        try {
            client.deleteObject(b -> b.bucket(bucket).key(key));
        } catch (SdkException e) {
            throw new IOException("cannot delete object " + key + " from bucket " + bucket + ": " + e.getMessage(), e);
        }
    }

    @Override
    public void close() {
        presigner.close();
        client.close();
    }
}
