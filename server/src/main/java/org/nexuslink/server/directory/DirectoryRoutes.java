// SPDX-License-Identifier: AGPL-3.0-or-later
package org.nexuslink.server.directory;

import java.util.Objects;
import java.util.Optional;
import org.nexuslink.protocol.ErrorCode;
import org.nexuslink.protocol.api.ApiRoute;
import org.nexuslink.protocol.directory.CommunityDeleted;
import org.nexuslink.protocol.directory.CommunityListing;
import org.nexuslink.protocol.directory.CommunityNotice;
import org.nexuslink.protocol.directory.CommunityRegistration;
import org.nexuslink.protocol.directory.DirectoryInfo;
import org.nexuslink.protocol.directory.Registered;
import org.nexuslink.protocol.directory.SigningDomains;
import org.nexuslink.server.config.Config;
import org.nexuslink.server.http.ApiException;
import org.nexuslink.server.http.Request;
import org.nexuslink.server.http.Response;
import org.nexuslink.server.http.Router;
import org.nexuslink.server.ratelimit.RateLimits;

/** The directory API of seed 000 (docs/api.md, "Directory"): routes, rate limits, then the use cases. */
final class DirectoryRoutes {
    private final Listings listings;
    private final KycReviews kyc;
    private final AbuseReports reports;
    private final SignedRequests signed;
    private final DirectoryLimits limits;
    private final DirectoryInfo info;

    DirectoryRoutes(
            Listings listings,
            KycReviews kyc,
            AbuseReports reports,
            SignedRequests signed,
            DirectoryLimits limits,
            String serverId,
            Config.Directory settings) {
        this.listings = Objects.requireNonNull(listings, "listings");
        this.kyc = Objects.requireNonNull(kyc, "kyc");
        this.reports = Objects.requireNonNull(reports, "reports");
        this.signed = Objects.requireNonNull(signed, "signed");
        this.limits = Objects.requireNonNull(limits, "limits");
        this.info = new DirectoryInfo(
                serverId,
                settings.powDifficulty(),
                settings.complianceKey(),
                KycReviews.MATERIALS,
                settings.reportThreshold());
    }

    void register(Router router) {
        router.add(ApiRoute.DIRECTORY_INFO, request -> Response.ok(info));
        router.add(ApiRoute.DIRECTORY_REGISTER, this::registerCommunity);
        router.add(ApiRoute.DIRECTORY_SEARCH, this::search);
        router.add(ApiRoute.DIRECTORY_LISTING, request -> Response.ok(listings.get(request.pathParam("id"))));
        router.add(ApiRoute.DIRECTORY_UPDATE, this::update);
        router.add(ApiRoute.DIRECTORY_DELETE, this::delete);
        router.add(ApiRoute.DIRECTORY_HEARTBEAT, this::heartbeat);
        router.add(ApiRoute.KYC_INITIATE, request -> {
            limits.write(address(request));
            var verified = signed.accountSigned(request, SigningDomains.KYC_INITIATE);
            limits.write(verified.account().toString());
            return Response.ok(kyc.initiate(verified));
        });
        router.add(ApiRoute.KYC_VERIFY, request -> {
            limits.write(address(request));
            var verified = signed.accountSigned(request, SigningDomains.KYC_VERIFY);
            limits.write(verified.account().toString());
            return Response.ok(kyc.verify(verified));
        });
        router.add(ApiRoute.KYC_STATUS, request -> {
            var verified = signed.accountSignedHeader(request, SigningDomains.KYC_STATUS);
            return Response.ok(kyc.status(verified.account().toString()));
        });
        router.add(ApiRoute.ABUSE_REPORT, request -> {
            limits.write(address(request));
            var verified = signed.accountSigned(request, SigningDomains.REPORT);
            limits.write(verified.account().toString());
            return new Response.Json(201, reports.report(verified));
        });
        router.add(ApiRoute.ABUSE_REPORT_STATUS, request -> {
            var verified = signed.accountSignedHeader(request, SigningDomains.REPORT_STATUS);
            return Response.ok(reports.status(verified, request.pathParam("id")));
        });
    }

    private Response registerCommunity(Request request) {
        limits.write(address(request));
        var unverified = signed.serverSigned(request, CommunityRegistration.class, CommunityRegistration::directory);
        limits.write(unverified.payload().adminAccount());
        CommunityListing listing = listings.register(unverified);
        return new Response.Json(201, new Registered(listing.communityId(), listing));
    }

    private Response update(Request request) {
        limits.write(address(request));
        var unverified = signed.serverSigned(request, CommunityRegistration.class, CommunityRegistration::directory);
        return Response.ok(listings.update(request.pathParam("id"), unverified));
    }

    private Response delete(Request request) {
        limits.write(address(request));
        var unverified = signed.serverSigned(request, CommunityNotice.class, CommunityNotice::directory);
        listings.delete(request.pathParam("id"), unverified);
        return Response.ok(new CommunityDeleted(request.pathParam("id")));
    }

    private Response heartbeat(Request request) {
        var unverified = signed.serverSigned(request, CommunityNotice.class, CommunityNotice::directory);
        return Response.ok(listings.heartbeat(request.pathParam("id"), unverified));
    }

    private Response search(Request request) {
        limits.search(address(request));
        int limit = intParam(request, "limit", 20);
        int offset = intParam(request, "offset", 0);
        return Response.ok(
                listings.search(request.queryParam("q").orElse(""), request.queryParams("tag"), limit, offset));
    }

    private static int intParam(Request request, String name, int fallback) {
        Optional<String> value = request.queryParam(name);
        try {
            return value.map(Integer::parseInt).orElse(fallback);
        } catch (NumberFormatException e) {
            throw new ApiException(ErrorCode.INVALID_FIELD, name + " must be an integer, got '" + value.get() + "'");
        }
    }

    private static String address(Request request) {
        return RateLimits.addressKey(request.remote().getAddress());
    }
}
