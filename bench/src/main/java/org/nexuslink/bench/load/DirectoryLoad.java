// SPDX-License-Identifier: AGPL-3.0-or-later
package org.nexuslink.bench.load;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.LongConsumer;
import org.nexuslink.protocol.api.ApiRoute;

/**
 * The directory's search under load: {@code clients} closed-loop HTTP clients send
 * {@code GET /api/v1/community/search} back to back for the duration and record each request's
 * latency. The directory must already hold the communities ({@code nexuslink bench directory}
 * seeds them with {@link #syntheticCommunity}).
 *
 * <p>The data (docs/benchmarks.md): a name is two of the 40 {@link #VOCABULARY} topic words, so a
 * topic word names about 5% of listings; a description is one topic word and twelve of 2,000
 * filler words, so a filler word appears in about 0.6%; one to three of 10 tags. Queries: 4 in 10
 * a topic word or its prefix, 2 in 10 a filler word, 1 in 10 two topic words, 2 in 10 a topic
 * prefix with a tag, 1 in 10 a tag alone.
 */
public final class DirectoryLoad {
    /** Words names and descriptions are made of, so that queries hit. */
    public static final List<String> VOCABULARY = List.of(
            "rust",
            "golang",
            "python",
            "chess",
            "music",
            "jazz",
            "photography",
            "hiking",
            "cooking",
            "gaming",
            "linux",
            "privacy",
            "crypto",
            "books",
            "science",
            "art",
            "football",
            "cycling",
            "climbing",
            "anime",
            "design",
            "startups",
            "parents",
            "language",
            "japanese",
            "spanish",
            "german",
            "history",
            "astronomy",
            "gardening",
            "coffee",
            "travel",
            "film",
            "poetry",
            "math",
            "physics",
            "robotics",
            "drones",
            "security",
            "homelab");

    public static final List<String> TAGS =
            List.of("tech", "hobby", "sports", "learning", "arts", "local", "games", "science", "social", "dev");

    private final URI directory;
    private final Duration duration;
    private final int clients;
    private final LongConsumer progress;

    public DirectoryLoad(URI directory, Duration duration, int clients, LongConsumer progress) {
        this.directory = Objects.requireNonNull(directory, "directory");
        this.duration = Objects.requireNonNull(duration, "duration");
        this.clients = clients;
        this.progress = Objects.requireNonNull(progress, "progress");
    }

    /** A synthetic community number {@code n}: name, description, tags (deterministic). */
    public record Synthetic(String name, String description, List<String> tags) {}

    /** 2,000 pronounceable filler words, the same on every run. */
    static final List<String> FILLER = filler();

    private static List<String> filler() {
        String[] onsets = {
            "b", "d", "f", "g", "k", "l", "m", "n", "p", "r", "s", "t", "v", "z", "br", "st", "pl", "gr", "tr", "sk"
        };
        String[] vowels = {"a", "e", "i", "o", "u"};
        List<String> words = new ArrayList<>();
        Random random = new Random(42);
        java.util.Set<String> seen = new java.util.HashSet<>(VOCABULARY);
        while (words.size() < 2000) {
            StringBuilder w = new StringBuilder();
            for (int syllables = 2 + random.nextInt(2); syllables > 0; syllables--) {
                w.append(onsets[random.nextInt(onsets.length)]).append(vowels[random.nextInt(vowels.length)]);
            }
            if (seen.add(w.toString())) {
                words.add(w.toString());
            }
        }
        return List.copyOf(words);
    }

    public static Synthetic syntheticCommunity(long n) {
        Random random = new Random(n * 2_654_435_761L + 17);
        String name = capital(word(random)) + " " + capital(word(random)) + " " + n;
        StringBuilder description = new StringBuilder("A community about ").append(word(random));
        for (int i = 0; i < 12; i++) {
            description.append(' ').append(FILLER.get(random.nextInt(FILLER.size())));
        }
        List<String> tags = new ArrayList<>();
        for (int i = 0, count = 1 + random.nextInt(3); i < count; i++) {
            String tag = TAGS.get(random.nextInt(TAGS.size()));
            if (!tags.contains(tag)) {
                tags.add(tag);
            }
        }
        return new Synthetic(name, description.toString(), tags);
    }

    private static String word(Random random) {
        return VOCABULARY.get(random.nextInt(VOCABULARY.size()));
    }

    private static String capital(String word) {
        return Character.toUpperCase(word.charAt(0)) + word.substring(1);
    }

    /** Runs the load; errors are requests that did not answer 200. */
    public LoadReport run() throws InterruptedException {
        Latencies latencies = new Latencies();
        LongAdder done = new LongAdder();
        LongAdder errors = new LongAdder();
        Map<String, Long> codes = new ConcurrentHashMap<>();
        long results = 0;
        long start = System.nanoTime();
        long end = start + duration.toNanos();
        try (HttpClient http =
                HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build()) {
            List<Thread> workers = new ArrayList<>();
            LongAdder hits = new LongAdder();
            for (int c = 0; c < clients; c++) {
                Random random = new Random(c);
                workers.add(Thread.ofVirtual().start(() -> {
                    while (System.nanoTime() < end) {
                        URI uri = URI.create(directory + ApiRoute.DIRECTORY_SEARCH.path(query(random)));
                        long sent = System.nanoTime();
                        try {
                            HttpResponse<String> response = http.send(
                                    HttpRequest.newBuilder(uri)
                                            .timeout(Duration.ofSeconds(10))
                                            .GET()
                                            .build(),
                                    HttpResponse.BodyHandlers.ofString());
                            latencies.recordSince(sent);
                            if (response.statusCode() == 200) {
                                done.increment();
                                if (response.body().contains("\"community_id\"")) {
                                    hits.increment();
                                }
                            } else {
                                errors.increment();
                                codes.merge("http_" + response.statusCode(), 1L, Long::sum);
                            }
                        } catch (java.io.IOException e) {
                            errors.increment();
                            codes.merge(e.getClass().getSimpleName(), 1L, Long::sum);
                        } catch (InterruptedException e) {
                            Thread.currentThread().interrupt();
                            return;
                        }
                        progress.accept(done.sum());
                    }
                }));
            }
            for (Thread worker : workers) {
                worker.join();
            }
            results = hits.sum();
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        long completed = done.sum();
        Map<String, Object> extra = new LinkedHashMap<>();
        extra.put("searches_per_second", seconds > 0 ? completed / seconds : 0.0);
        extra.put("searches_with_results", results);
        extra.put("clients", clients);
        return LoadReport.of(
                "directory",
                clients,
                seconds,
                completed + errors.sum(),
                completed,
                completed,
                errors.sum(),
                codes,
                latencies,
                extra);
    }

    private static Map<String, String> query(Random random) {
        int kind = random.nextInt(10);
        String first = VOCABULARY.get(random.nextInt(VOCABULARY.size()));
        String prefix = first.substring(0, Math.min(first.length(), 3 + random.nextInt(3)));
        String tag = TAGS.get(random.nextInt(TAGS.size()));
        return switch (kind) {
            case 0 -> Map.of("tag", tag);
            case 1, 2 -> Map.of("q", prefix, "tag", tag);
            case 3 -> Map.of("q", first + " " + VOCABULARY.get(random.nextInt(VOCABULARY.size())));
            case 4, 5 -> Map.of("q", FILLER.get(random.nextInt(FILLER.size())));
            case 6, 7 -> Map.of("q", prefix);
            default -> Map.of("q", first);
        };
    }
}
