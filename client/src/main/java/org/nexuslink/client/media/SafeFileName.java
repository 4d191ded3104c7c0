// SPDX-License-Identifier: AGPL-3.0-or-later
package org.nexuslink.client.media;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.text.Normalizer;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;

/**
 * Turns the file name a peer sent into one that is safe to create in a chosen directory: a
 * single path element, no separators, no {@code .}/{@code ..}, no control or
 * Windows-reserved characters, no leading dot (no hidden files), not a Windows device name, at
 * most {@value #MAX_BYTES} UTF-8 bytes with the extension kept. The name comes from another
 * person, so it is hostile until proven otherwise: "../x" or "/etc/passwd" must not leave the
 * target directory.
 */
public final class SafeFileName {
    /** Longest result in UTF-8 bytes (most file systems allow 255). */
    public static final int MAX_BYTES = 200;
    /** The name used when nothing usable is left. */
    public static final String FALLBACK = "file";

    private static final Set<String> WINDOWS_DEVICES = Set.of(
            "con", "prn", "aux", "nul", "com1", "com2", "com3", "com4", "com5", "com6", "com7", "com8", "com9", "lpt1",
            "lpt2", "lpt3", "lpt4", "lpt5", "lpt6", "lpt7", "lpt8", "lpt9");

    private SafeFileName() {}

    /** The safe form of {@code name}; never empty. */
    public static String of(String name) {
        Objects.requireNonNull(name, "name");
        String normalized = Normalizer.normalize(name, Normalizer.Form.NFC);
        // Keep only the last path element, whatever the sender's separator was.
        int cut = Math.max(normalized.lastIndexOf('/'), normalized.lastIndexOf('\\'));
        String last = normalized.substring(cut + 1);
        StringBuilder out = new StringBuilder();
        last.codePoints().forEach(c -> out.appendCodePoint(allowed(c) ? c : '_'));
        String cleaned = strip(out.toString());
        if (cleaned.isEmpty()) {
            return FALLBACK;
        }
        String stem = cleaned.contains(".") ? cleaned.substring(0, cleaned.indexOf('.')) : cleaned;
        if (WINDOWS_DEVICES.contains(stem.toLowerCase(Locale.ROOT))) {
            cleaned = "_" + cleaned;
        }
        return truncate(cleaned);
    }

    /**
     * {@code directory} resolved with the safe form of {@code name}, or with {@code stem (n).ext}
     * for {@code n > 0} to pick another name when that one is taken.
     *
     * @throws IllegalStateException if the result would lie outside {@code directory} (cannot
     *                               happen; checked anyway, as the last line of defence)
     */
    public static Path resolve(Path directory, String name, int n) {
        String safe = of(name);
        if (n > 0) {
            int dot = safe.lastIndexOf('.');
            String suffix = " (" + n + ")";
            safe = dot > 0 ? safe.substring(0, dot) + suffix + safe.substring(dot) : safe + suffix;
        }
        Path base = directory.toAbsolutePath().normalize();
        Path resolved = base.resolve(safe).normalize();
        if (!base.equals(resolved.getParent())) {
            throw new IllegalStateException("file name escapes the target directory");
        }
        return resolved;
    }

    private static boolean allowed(int c) {
        if (Character.isISOControl(c) || c == 0x7f) {
            return false;
        }
        int type = Character.getType(c);
        // Direction overrides and other format characters make "exe.txt" look like "txt.exe".
        if (type == Character.FORMAT
                || type == Character.SURROGATE
                || type == Character.PRIVATE_USE
                || type == Character.UNASSIGNED
                || type == Character.LINE_SEPARATOR
                || type == Character.PARAGRAPH_SEPARATOR) {
            return false;
        }
        return "<>:\"/\\|?*".indexOf(c) < 0;
    }

    /** Without leading dots and spaces, and trailing dots and spaces (Windows drops those). */
    private static String strip(String name) {
        int start = 0;
        int end = name.length();
        while (start < end && (name.charAt(start) == '.' || Character.isWhitespace(name.charAt(start)))) {
            start++;
        }
        while (end > start && (name.charAt(end - 1) == '.' || Character.isWhitespace(name.charAt(end - 1)))) {
            end--;
        }
        return name.substring(start, end);
    }

    /** At most {@link #MAX_BYTES} UTF-8 bytes, cutting the stem and keeping a short extension. */
    private static String truncate(String name) {
        if (utf8Length(name) <= MAX_BYTES) {
            return name;
        }
        int dot = name.lastIndexOf('.');
        String extension = dot > 0 && name.length() - dot <= 16 ? name.substring(dot) : "";
        String stem = extension.isEmpty() ? name : name.substring(0, dot);
        int budget = MAX_BYTES - utf8Length(extension);
        StringBuilder cut = new StringBuilder();
        int used = 0;
        for (int i = 0; i < stem.length(); ) {
            int c = stem.codePointAt(i);
            int bytes = utf8Length(new String(Character.toChars(c)));
            if (used + bytes > budget) {
                break;
            }
            cut.appendCodePoint(c);
            used += bytes;
            i += Character.charCount(c);
        }
        return cut + extension;
    }

    private static int utf8Length(String s) {
        return s.getBytes(StandardCharsets.UTF_8).length;
    }
}
