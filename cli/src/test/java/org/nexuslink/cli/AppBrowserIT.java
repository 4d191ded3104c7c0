// SPDX-License-Identifier: AGPL-3.0-or-later
package org.nexuslink.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nexuslink.crypto.keystore.FileKeyVault;
import org.openqa.selenium.By;
import org.openqa.selenium.Keys;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.WindowType;
import org.openqa.selenium.support.ui.Select;

/**
 * The app end to end, as people use it: a community server and {@code nexuslink app} processes
 * from the packaged jar, each driven by its own headless Chromium. Alice restores her identity
 * from recovery words, Bob creates one; both join, then chat both ways, send and download a file,
 * reply, revoke, and verify each other; Alice links her laptop from its own page, which then gets
 * what Bob sends her, and removes it. Screenshots of the main screens are saved under
 * {@code target/app-screenshots} (docs/app.md shows them).
 */
class AppBrowserIT {
    private static final Pattern ACCOUNT = Pattern.compile("nxl:[a-z2-7]{52}");
    private static final Path SHOTS = Path.of("target", "app-screenshots").toAbsolutePath();

    @TempDir
    Path dir;

    private final List<byte[]> plaintexts = new ArrayList<>();

    private String secret(String text) {
        plaintexts.add(text.getBytes(StandardCharsets.UTF_8));
        return text;
    }

    @Test
    void two_apps_onboard_join_chat_share_a_file_and_verify_in_a_real_browser() throws Exception {
        assertThat(Browser.available())
                .as("Debian's chromium and chromium-driver are installed (.ci/run installs them)")
                .isTrue();
        Browser.clearScreenshots(SHOTS);
        try (CliFixture nx = new CliFixture(dir)) {
            // Alice's recovery words come from the CLI; she restores them in the app.
            CliFixture.Result created = nx.cli("alice-words", "id", "create").ok();
            List<String> words = recoveryWords(created.out());
            String alice = account(created.out());
            assertThat(words).hasSize(12);
            nx.startServer(Map.of("NEXUSLINK_COMMUNITY_ADMIN_UUID", alice));

            CliFixture.Running appA = nx.start("alice", "app", "--no-browser");
            CliFixture.Running appB = nx.start("bob", "app", "--no-browser");
            String urlA = openUrl(appA);
            String urlB = openUrl(appB);
            assertThat(appA.out).as("the app prints one line: its URL").hasSize(1);

            try (Browser a = new Browser("alice", dir, SHOTS);
                    Browser b = new Browser("bob", dir, SHOTS)) {
                try {
                    converse(nx, a, b, urlA, urlB, words, alice);
                } catch (Throwable t) {
                    a.screenshot("failed-alice");
                    b.screenshot("failed-bob");
                    throw t;
                }
            }
            nx.assertNoPlaintextOnServer(plaintexts);
        }
    }

    private void converse(
            CliFixture nx, Browser a, Browser b, String urlA, String urlB, List<String> words, String alice)
            throws Exception {
        // --- onboarding ---
        a.open(urlA);
        a.click("Restore from recovery words");
        a.type("Recovery words", String.join(" ", words));
        typePassphrase(a);
        a.click("Restore");

        b.open(urlB);
        b.screenshot("01-welcome");
        b.click("Create a new identity");
        typePassphrase(b);
        b.click("Create identity");
        List<WebElement> shown = b.testId("recovery-words").findElements(By.tagName("li"));
        assertThat(shown).hasSize(12);
        b.screenshot("02-recovery-words");
        b.click("I have written them down");

        // --- join ---
        join(a, nx.url(), "Alice");
        b.type("Community URL", nx.url());
        b.type("Display name", "Bob");
        b.screenshot("03-join");
        b.click("Join");
        String bob = ownAccount(b);
        assertThat(ownAccount(a)).isEqualTo(alice);
        assertThat(nx.profile("bob").resolve(FileKeyVault.FILE_NAME))
                .as("bob's keys are sealed in his profile")
                .exists();

        // --- a message from Alice, shown live with an unread count on Bob's side ---
        String hello = secret("Hello Bob, this is Alice from the app");
        a.click("New conversation");
        a.type("Account id", bob);
        a.click("Start");
        send(a, hello);
        WebElement unread = b.visible(
                By.cssSelector(conversationSelector("dm:" + alice) + " [data-testid='unread']"),
                "unread badge of Alice's conversation");
        assertThat(unread.getText()).isEqualTo("1");
        b.screenshot("04-conversation-list");

        // --- Bob opens it and replies ---
        b.driver
                .findElement(By.cssSelector(conversationSelector("dm:" + alice)))
                .click();
        WebElement received = message(b, hello);
        assertThat(received.getAttribute("data-mine")).isEqualTo("false");
        b.until(d -> b.all("unread").isEmpty(), "the unread badge goes once the conversation is open");
        clickIn(b, received, "Reply");
        String reply = secret("Hi Alice, Bob here, replying in the app");
        send(b, reply);
        WebElement replyOnA = message(a, reply);
        assertThat(replyOnA.getText()).as("the reply quotes what it answers").contains(hello);

        // --- a file, with its bytes equal after Bob's download ---
        byte[] content = new byte[300_000];
        new SecureRandom().nextBytes(content);
        Path file = Files.write(dir.resolve("field-notes.bin"), content);
        a.driver.findElement(By.cssSelector("input[type='file']")).sendKeys(file.toString());
        messageShowing(a, "field-notes.bin");
        b.click("Download field-notes.bin");
        Path downloaded = b.downloads.resolve("field-notes.bin");
        b.until(d -> Files.exists(downloaded) && sameBytes(downloaded, content), "the file downloaded intact");
        b.screenshot("05-conversation");

        // --- desktop notifications, while Bob's tab is hidden: no text unless he allows it ---
        b.driver.executeCdpCommand(
                "Browser.grantPermissions",
                Map.of("origin", urlB.substring(0, urlB.indexOf("/#")), "permissions", List.of("notifications")));
        b.script(RECORD_NOTIFICATIONS);
        String ping = secret("Are you still there, Bob?");
        List<JsonNode> shownHidden = whileHidden(b, urlB, () -> send(a, ping), 1);
        assertThat(shownHidden.get(0).path("state").asText()).isEqualTo("hidden");
        assertThat(shownHidden.get(0).path("title").asText()).isEqualTo("NexusLink");
        assertThat(shownHidden.get(0).path("body").asText()).isEqualTo("New message");
        assertThat(shownHidden.toString()).doesNotContain(ping).doesNotContain("Alice");
        b.click("Settings");
        new Select(b.field("Notifications")).selectByValue("full");
        b.until(d -> b.field("Notifications").isEnabled(), "the setting saved");
        closeDialog(b);
        String ping2 = secret("Shall we verify each other now?");
        List<JsonNode> shownFull = whileHidden(b, urlB, () -> send(a, ping2), 2);
        assertThat(shownFull.get(1).path("body").asText()).isEqualTo(ping2);
        assertThat(shownFull.get(1).path("title").asText()).contains("Alice");

        // --- Alice revokes her first message; Bob sees it gone ---
        WebElement first = message(a, hello);
        clickIn(a, first, "Revoke");
        b.text("This message was revoked");
        assertThat(b.driver.findElement(By.cssSelector("[role='log']")).getText())
                .doesNotContain(hello);

        // --- contact verification: the same safety number and code on both sides ---
        a.click("Verify contact");
        b.click("Verify contact");
        String numberA = a.testId("safety-number").getText();
        String numberB = b.testId("safety-number").getText();
        assertThat(digits(numberA)).hasSize(60).isEqualTo(digits(numberB));
        WebElement qr =
                a.visible(By.cssSelector("img[alt='QR code of the safety number']"), "the safety number's QR code");
        assertThat(qr.getAttribute("src")).startsWith("data:image/");
        String nonce = a.testId("nonce").getText().strip();
        b.type("Contact's nonce", nonce);
        b.click("Use nonce");
        String codeA = a.testId("first-contact-code").getText();
        b.until(
                d -> alnum(b.testId("first-contact-code").getText()).equals(alnum(codeA)),
                "bob's first-contact code equals alice's once he uses her nonce");
        assertThat(alnum(codeA)).hasSize(12);
        a.screenshot("06-verify-contact");
        a.click("Mark as verified");
        a.text("Verified");

        closeDialog(a);
        closeDialog(b);

        // --- a channel: Alice (the community's admin) creates it, both write in it ---
        a.click("Channels");
        a.type("Channel name", "general");
        a.click("Create channel");
        a.click("Members of general");
        a.visible(
                By.xpath("//*[@role='dialog' or self::dialog]//li[contains(normalize-space(), 'Bob')]"),
                "Bob among the members of the public channel");
        a.screenshot("09-channels");
        a.click("Open general");
        String welcome = secret("Welcome to general, everyone");
        send(a, welcome);
        b.click("Channels");
        b.click("Open general");
        message(b, welcome);
        String thanks = secret("Thanks, glad to be in general");
        send(b, thanks);
        message(a, thanks);

        // --- a new device, linked from its own page: Alice's laptop requests, her Devices dialog
        // approves, the laptop finishes with the certificate, joins, and gets what Bob sends her ---
        CliFixture.Running appL = nx.start("alice-laptop", "app", "--no-browser");
        String urlL = openUrl(appL);
        try (Browser l = new Browser("alice-laptop", dir, SHOTS)) {
            try {
                linkLaptop(nx, a, b, l, urlL, alice, bob);
            } catch (Throwable t) {
                l.screenshot("failed-alice-laptop");
                throw t;
            }
        }

        // --- lock, then unlock: a wrong passphrase is refused, the right one opens the profile ---
        a.click("Settings");
        a.click("Lock");
        a.type("Passphrase", "not the passphrase");
        a.click("Unlock");
        a.visible(By.cssSelector("[role='alert']"), "the refusal of a wrong passphrase");
        assertThat(a.all("account-id")).as("still locked").isEmpty();
        a.type("Passphrase", CliFixture.PASSPHRASE);
        a.click("Unlock");
        assertThat(ownAccount(a)).isEqualTo(alice);

        // --- the narrow layout ---
        a.driver.navigate().refresh();
        a.size(420, 800);
        a.driver.findElement(By.cssSelector(conversationSelector("dm:" + bob))).click();
        message(a, reply);
        a.screenshot("07-narrow");
        a.size(1280, 800);

        // --- the guard, seen from a real browser: another origin cannot drive Alice's app ---
        String tokenA = urlA.substring(urlA.indexOf("#token=") + 7);
        String baseA = urlA.substring(0, urlA.indexOf('#'));
        Object crossFetch = b.asyncScript(
                "const done = arguments[arguments.length - 1];"
                        + "fetch(arguments[0] + 'api/state', {headers: {Authorization: 'Bearer ' + arguments[1]}})"
                        + ".then(r => done('status ' + r.status), e => done('refused'));",
                baseA,
                tokenA);
        assertThat(crossFetch).isEqualTo("refused");
        String socket = "const done = arguments[arguments.length - 1];"
                + "const ws = new WebSocket(arguments[0].replace('http', 'ws') + 'api/events?token=' + arguments[1]);"
                + "ws.onopen = () => { ws.close(); done('open'); }; ws.onerror = () => done('refused');";
        assertThat(b.asyncScript(socket, baseA, tokenA)).isEqualTo("refused");
        assertThat(a.asyncScript(socket, baseA, tokenA))
                .as("the same socket from the app's own page opens")
                .isEqualTo("open");

        // --- panic wipe, behind the typed confirmation ---
        b.driver.switchTo().activeElement().sendKeys(Keys.ESCAPE);
        b.until(d -> d.findElements(By.cssSelector("dialog[open]")).isEmpty(), "Escape closes the verification dialog");
        b.click("Settings");
        b.screenshot("08-settings");
        assertThat(b.button("Wipe this profile").isEnabled()).isFalse();
        b.type("Type WIPE to confirm", "WIPE");
        b.click("Wipe this profile");
        b.button("Create a new identity");
        assertThat(Files.list(nx.profile("bob"))
                        .filter(p -> !p.getFileName().toString().startsWith("."))
                        .toList())
                .as("nothing of bob's profile is left")
                .isEmpty();
    }

    private void linkLaptop(CliFixture nx, Browser a, Browser b, Browser l, String urlL, String alice, String bob)
            throws Exception {
        l.open(urlL);
        l.click("Link to an existing account");
        typePassphrase(l);
        l.click("Request link code");
        String linkCode = l.testId("link-code").getText().strip();
        assertThat(linkCode).startsWith("NXLINK1:");
        l.button("Copy the link code");
        l.screenshot("11-link-device");
        assertThat(nx.profile("alice-laptop").resolve(FileKeyVault.FILE_NAME))
                .as("no keystore before the certificate")
                .doesNotExist();

        a.click("Devices");
        // The new device picks its id (2 to 127); one the account already uses is refused, and the
        // new device starts over with a fresh code, as a person would (here 1 time in 126).
        for (int attempt = 1; !approved(a, linkCode); attempt++) {
            assertThat(attempt).as("link attempts").isLessThan(4);
            closeDialog(a);
            a.click("Dismiss error");
            a.until(d -> d.findElements(ALREADY_USED).isEmpty(), "the error dismissed");
            a.click("Devices");
            l.click("Start over");
            typePassphrase(l);
            l.click("Request link code");
            String previous = linkCode;
            linkCode = l.until(
                    d -> {
                        String code = l.testId("link-code").getText().strip();
                        return code.equals(previous) ? null : code;
                    },
                    "a fresh link code");
        }
        String certificate = a.field("Certificate code").getAttribute("value");
        assertThat(certificate).startsWith("NXLCERT1:");
        WebElement remove = a.visible(
                By.xpath("//button[starts-with(@aria-label, 'Remove device ')]"), "the new device in the list");
        String laptopId = remove.getAttribute("aria-label").substring("Remove device ".length());
        String laptopDevice = "Device " + laptopId;
        By listed = By.xpath("//ul[@aria-label='Linked devices']/li[.//*[starts-with(normalize-space(), "
                + Browser.xpathLiteral(laptopDevice + " ") + ")]]");
        assertThat(a.driver.findElements(listed)).as("%s listed", laptopDevice).hasSize(1);
        a.screenshot("10-devices");
        closeDialog(a);

        // A reload of the page comes back to the pending link; the passphrase is asked again.
        l.driver.navigate().refresh();
        assertThat(l.testId("link-code").getText().strip()).isEqualTo(linkCode);
        l.type("Paste the certificate code", certificate);
        l.type("Passphrase", "not the passphrase");
        l.click("Finish linking");
        assertThat(l.visible(By.cssSelector("[role='alert'] .alert"), "the refusal of a wrong passphrase")
                        .getText())
                .contains("passphrase");
        assertThat(nx.profile("alice-laptop").resolve(FileKeyVault.FILE_NAME)).doesNotExist();
        l.type("Passphrase", CliFixture.PASSPHRASE);
        l.click("Finish linking");
        join(l, nx.url(), "Alice");
        assertThat(ownAccount(l))
                .as("the laptop is a device of Alice's account")
                .isEqualTo(alice);
        assertThat(nx.profile("alice-laptop").resolve(FileKeyVault.FILE_NAME)).exists();

        String toBoth = secret("Alice, this reaches your laptop too");
        b.driver
                .findElement(By.cssSelector(conversationSelector("dm:" + alice)))
                .click();
        send(b, toBoth);
        l.visible(By.cssSelector(conversationSelector("dm:" + bob)), "Bob's conversation on the laptop")
                .click();
        message(l, toBoth);
        a.driver.findElement(By.cssSelector(conversationSelector("dm:" + bob))).click();
        message(a, toBoth);

        // --- Alice removes the laptop: it leaves her list of devices ---
        a.click("Devices");
        a.visible(listed, laptopDevice + " in the list");
        a.click("Remove device " + laptopId);
        a.click("Confirm removal");
        a.until(d -> d.findElements(listed).isEmpty(), "the removed device leaves the list");
        closeDialog(a);
    }

    /**
     * Records each notification the page makes (title, body, whether the page was hidden) in
     * localStorage, where another tab of the same origin reads it, then lets Chromium's own
     * Notification show it.
     */
    private static final String RECORD_NOTIFICATIONS = """
            const Real = window.Notification;
            function Recorded(title, options) {
              const seen = JSON.parse(localStorage.getItem('test-notifications') || '[]');
              seen.push({ title, body: (options && options.body) || '', state: document.visibilityState });
              localStorage.setItem('test-notifications', JSON.stringify(seen));
              return new Real(title, options);
            }
            Object.defineProperty(Recorded, 'permission', { get: () => Real.permission });
            Recorded.requestPermission = (...args) => Real.requestPermission(...args);
            window.Notification = Recorded;
            """;

    /**
     * Hides the app's tab behind a new one (of the same origin, without the token), runs
     * {@code action}, and waits there until the app has made {@code count} notifications in all.
     */
    private static List<JsonNode> whileHidden(Browser browser, String url, Runnable action, int count) {
        String app = browser.driver.getWindowHandle();
        browser.driver.switchTo().newWindow(WindowType.TAB);
        browser.open(url.substring(0, url.indexOf('#')));
        try {
            action.run();
            return browser.until(
                    d -> {
                        Object json = browser.script("return localStorage.getItem('test-notifications');");
                        List<JsonNode> seen = new ArrayList<>();
                        if (json != null) {
                            try {
                                new ObjectMapper().readTree(json.toString()).forEach(seen::add);
                            } catch (java.io.IOException e) {
                                throw new AssertionError(e);
                            }
                        }
                        return seen.size() >= count ? seen : null;
                    },
                    count + " notifications");
        } finally {
            browser.driver.close();
            browser.driver.switchTo().window(app);
        }
    }

    /** The refusal of a link code whose device id the account already uses. */
    private static final By ALREADY_USED = By.xpath("//*[@role='alert'][contains(., 'already used')]");

    /**
     * Approves a link code in the open Devices dialog: true once the certificate is shown, false
     * when the account already uses the device id the code asks for.
     */
    private static boolean approved(Browser browser, String linkCode) {
        browser.type("Link request code", linkCode);
        browser.click("Approve device");
        // A String, not a Boolean: a wait takes FALSE for "not yet".
        String outcome = browser.until(
                d -> {
                    if (!d.findElements(By.xpath("//label[normalize-space()='Certificate code']"))
                            .isEmpty()) {
                        return "approved";
                    }
                    return d.findElements(ALREADY_USED).isEmpty() ? null : "id taken";
                },
                "the approval's outcome");
        return outcome.equals("approved");
    }

    /** Closes the open dialog with Escape, as a keyboard user does. */
    private static void closeDialog(Browser browser) {
        browser.driver.switchTo().activeElement().sendKeys(Keys.ESCAPE);
        browser.until(d -> d.findElements(By.cssSelector("dialog[open]")).isEmpty(), "Escape closes the dialog");
    }

    private static void typePassphrase(Browser browser) {
        browser.type("Passphrase", CliFixture.PASSPHRASE);
        browser.type("Repeat passphrase", CliFixture.PASSPHRASE);
    }

    private static void join(Browser browser, String url, String name) {
        browser.type("Community URL", url);
        browser.type("Display name", name);
        browser.click("Join");
    }

    private static String ownAccount(Browser browser) {
        return browser.until(
                d -> {
                    Matcher m = ACCOUNT.matcher(browser.testId("account-id").getText());
                    return m.find() ? m.group() : null;
                },
                "the account id is shown");
    }

    private static void send(Browser browser, String text) {
        browser.type("Message", text);
        browser.click("Send");
        message(browser, text);
    }

    /** The message article whose own text is {@code text} (not a reply quoting it), once shown. */
    private static WebElement message(Browser browser, String text) {
        return browser.visible(
                By.xpath("//article[@data-testid='message'][.//*[@data-testid='message-text'][normalize-space()="
                        + Browser.xpathLiteral(text) + "]]"),
                "message '" + text + "'");
    }

    /** The message article that shows {@code text} anywhere (a file's name), once shown. */
    private static WebElement messageShowing(Browser browser, String text) {
        return browser.visible(
                By.xpath("//article[@data-testid='message'][contains(normalize-space(), " + Browser.xpathLiteral(text)
                        + ")]"),
                "message showing '" + text + "'");
    }

    /** Clicks a message's own action button (shown on hover or focus: clicked by script if hidden). */
    private static void clickIn(Browser browser, WebElement message, String name) {
        WebElement button = message.findElement(By.xpath(".//button[@aria-label=" + Browser.xpathLiteral(name)
                + " or normalize-space()=" + Browser.xpathLiteral(name) + "]"));
        browser.script("arguments[0].click();", button);
    }

    private static String conversationSelector(String id) {
        return "[data-testid='conversation'][data-conversation='" + id + "']";
    }

    private static String openUrl(CliFixture.Running app) throws InterruptedException {
        String line = app.awaitOut(l -> l.startsWith("open http://127.0.0.1:"), "the app's URL");
        assertThat(line).matches("open http://127\\.0\\.0\\.1:\\d+/#token=[A-Za-z0-9_-]{43}");
        return line.substring("open ".length());
    }

    private static String account(String out) {
        Matcher m = ACCOUNT.matcher(out);
        assertThat(m.find()).as("account id in %s", out).isTrue();
        return m.group();
    }

    /** The words {@code id create} prints, numbered {@code 1. word}. */
    private static List<String> recoveryWords(String out) {
        List<String> words = new ArrayList<>();
        Matcher m = Pattern.compile("\\b\\d{1,2}\\. ([a-z]+)").matcher(out);
        while (m.find()) {
            words.add(m.group(1));
        }
        return words;
    }

    private static boolean sameBytes(Path file, byte[] expected) {
        try {
            return java.util.Arrays.equals(Files.readAllBytes(file), expected);
        } catch (java.io.IOException e) {
            return false;
        }
    }

    private static String digits(String s) {
        return s.replaceAll("\\D", "");
    }

    private static String alnum(String s) {
        return s.replaceAll("[^A-Za-z0-9]", "");
    }
}
