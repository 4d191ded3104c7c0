// SPDX-License-Identifier: AGPL-3.0-or-later

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import javax.imageio.ImageIO;

/**
 * Draws soak.sh's samples (seconds, heap bytes, RSS bytes) as a PNG: heap and RSS in MiB over
 * time, on one axis starting at zero, so a leak shows as a slope. JDK only (headless AWT), run as a
 * source file: {@code java bench/scripts/SoakPlot.java samples.csv soak.png "title"}.
 */
public final class SoakPlot {
    private static final int WIDTH = 900;
    private static final int HEIGHT = 420;
    private static final int LEFT = 70;
    private static final int RIGHT = 20;
    private static final int TOP = 40;
    private static final int BOTTOM = 50;

    private record Sample(double seconds, double heapMib, double rssMib) {}

    public static void main(String[] args) throws IOException {
        if (args.length != 3) {
            System.err.println("usage: java SoakPlot.java SAMPLES.csv OUT.png TITLE");
            System.exit(2);
        }
        System.setProperty("java.awt.headless", "true");
        List<Sample> samples = Files.readAllLines(Path.of(args[0])).stream().skip(1)
                .map(line -> line.split(","))
                .filter(f -> f.length == 3 && !f[1].isEmpty() && !f[2].isEmpty())
                .map(f -> new Sample(Double.parseDouble(f[0]), Double.parseDouble(f[1]) / (1 << 20),
                        Double.parseDouble(f[2]) / (1 << 20)))
                .toList();
        if (samples.size() < 2) {
            throw new IllegalArgumentException("need at least two samples in " + args[0]);
        }
        double maxSeconds = samples.getLast().seconds();
        double maxMib = samples.stream().mapToDouble(s -> Math.max(s.heapMib(), s.rssMib())).max().orElse(1) * 1.1;

        BufferedImage image = new BufferedImage(WIDTH, HEIGHT, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = image.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, WIDTH, HEIGHT);
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
        int plotWidth = WIDTH - LEFT - RIGHT;
        int plotHeight = HEIGHT - TOP - BOTTOM;

        g.setColor(Color.LIGHT_GRAY);
        for (int i = 0; i <= 5; i++) {
            int y = TOP + plotHeight - plotHeight * i / 5;
            g.drawLine(LEFT, y, LEFT + plotWidth, y);
            g.setColor(Color.DARK_GRAY);
            g.drawString(String.format("%.0f MiB", maxMib * i / 5), 8, y + 4);
            g.setColor(Color.LIGHT_GRAY);
        }
        g.setColor(Color.DARK_GRAY);
        for (int i = 0; i <= 6; i++) {
            int x = LEFT + plotWidth * i / 6;
            g.drawString(String.format("%.0f s", maxSeconds * i / 6), x - 12, TOP + plotHeight + 18);
        }
        g.drawRect(LEFT, TOP, plotWidth, plotHeight);
        g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 14));
        g.drawString(args[2], LEFT, 24);

        g.setStroke(new BasicStroke(2f));
        line(g, samples, true, new Color(0xd62728), maxSeconds, maxMib, plotWidth, plotHeight);
        line(g, samples, false, new Color(0x1f77b4), maxSeconds, maxMib, plotWidth, plotHeight);
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
        g.setColor(new Color(0xd62728));
        g.drawString("RSS", LEFT + plotWidth - 120, TOP + plotHeight + 38);
        g.setColor(new Color(0x1f77b4));
        g.drawString("heap in use", LEFT + plotWidth - 80, TOP + plotHeight + 38);
        g.dispose();
        ImageIO.write(image, "png", Path.of(args[1]).toFile());
    }

    private static void line(Graphics2D g, List<Sample> samples, boolean rss, Color color, double maxSeconds,
                             double maxMib, int plotWidth, int plotHeight) {
        g.setColor(color);
        for (int i = 1; i < samples.size(); i++) {
            Sample a = samples.get(i - 1);
            Sample b = samples.get(i);
            g.drawLine(x(a, maxSeconds, plotWidth), y(rss ? a.rssMib() : a.heapMib(), maxMib, plotHeight),
                    x(b, maxSeconds, plotWidth), y(rss ? b.rssMib() : b.heapMib(), maxMib, plotHeight));
        }
    }

    private static int x(Sample s, double maxSeconds, int plotWidth) {
        return LEFT + (int) Math.round(plotWidth * s.seconds() / maxSeconds);
    }

    private static int y(double mib, double maxMib, int plotHeight) {
        return TOP + plotHeight - (int) Math.round(plotHeight * mib / maxMib);
    }
}
