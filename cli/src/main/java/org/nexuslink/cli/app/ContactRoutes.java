// SPDX-License-Identifier: AGPL-3.0-or-later
package org.nexuslink.cli.app;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import java.io.IOException;
import java.util.Base64;
import java.util.Optional;
import org.nexuslink.client.store.Contact;
import org.nexuslink.crypto.identity.AccountId;
import org.nexuslink.crypto.identity.InvalidAccountIdException;
import org.nexuslink.crypto.verification.FirstContactCode;
import org.nexuslink.crypto.verification.FirstContactNonce;
import org.nexuslink.crypto.verification.SafetyNumber;

/**
 * Verifying a contact, as {@code nexuslink contacts verify} does: the safety number of the two
 * identity keys (the same on both sides), its scannable form for a QR code, a first-contact code
 * over a nonce one side makes and gives the other, and the verified mark in the sealed contacts.
 */
final class ContactRoutes {
    private ContactRoutes() {}

    static void register(RoutesConfig routes, AppSession session) {
        routes.get("/api/contacts/{account}/verification", ctx -> AppJson.send(ctx, verification(session, ctx, false)));
        routes.post("/api/contacts/{account}/verify", ctx -> {
            AppJson.body(ctx);
            AppJson.send(ctx, verification(session, ctx, true));
        });
    }

    private static ObjectNode verification(AppSession session, Context ctx, boolean confirm) throws IOException {
        AccountId theirs;
        String text = ctx.pathParam("account").strip();
        try {
            theirs = AccountId.parse(text.startsWith("dm:") ? text.substring(3) : text);
        } catch (InvalidAccountIdException e) {
            throw ApiError.badRequest("not an account id: " + e.getMessage());
        }
        FirstContactNonce nonce;
        String nonceText = ctx.queryParam("nonce");
        try {
            nonce = nonceText == null || nonceText.isBlank()
                    ? FirstContactNonce.generate(session.random())
                    : FirstContactNonce.parse(nonceText.strip());
        } catch (IllegalArgumentException e) {
            throw ApiError.badRequest("nonce: " + e.getMessage());
        }
        AppSession.Unlocked u = session.unlocked();
        AccountId mine = u.keys().accountId();
        if (mine.equals(theirs)) {
            throw ApiError.badRequest("that is this profile's own account; give the contact's");
        }
        Optional<Contact> existing = u.client().store().contacts().find(theirs.toString());
        if (confirm) {
            Contact verified = new Contact(
                    theirs.toString(),
                    existing.flatMap(Contact::nickname),
                    true,
                    Optional.of(session.environment().clock().instant()));
            u.client().store().contacts().save(verified);
            existing = Optional.of(verified);
        }
        SafetyNumber number = SafetyNumber.between(mine, theirs);
        ObjectNode node = AppJson.object()
                .put("account", theirs.toString())
                .put(
                        "displayName",
                        MessageViews.of(u, session.environment().clock().instant())
                                .name(theirs.toString()))
                .put("safetyNumber", number.displayText())
                .put("safetyNumberQr", Base64.getEncoder().encodeToString(number.scannable()))
                .put(
                        "firstContactCode",
                        FirstContactCode.compute(mine, theirs, nonce).displayText())
                .put("nonce", nonce.toString())
                .put("verified", existing.filter(Contact::verified).isPresent());
        existing.flatMap(Contact::verifiedAt)
                .ifPresentOrElse(at -> node.put("verifiedAt", at.toString()), () -> node.putNull("verifiedAt"));
        return node;
    }
}
