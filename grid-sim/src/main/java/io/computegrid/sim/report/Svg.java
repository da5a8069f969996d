package io.computegrid.sim.report;

import java.util.List;
import java.util.Locale;

/** Small inline-SVG charts (no scripts, no network): line charts and grouped bars. */
final class Svg {
    static final String[] COLORS = {"#1f77b4", "#d62728", "#2ca02c", "#ff7f0e", "#9467bd", "#8c564b", "#e377c2",
        "#17becf"};
    private static final int W = 760;
    private static final int H = 300;
    private static final int L = 64;
    private static final int R = 150;
    private static final int T = 28;
    private static final int B = 44;

    record Series(String name, double[] x, double[] y) {
    }

    private Svg() {
    }

    static String esc(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }

    static String fmt(double v) {
        if (v == Math.rint(v) && Math.abs(v) < 1e15) {
            return Long.toString((long) v);
        }
        return String.format(Locale.ROOT, Math.abs(v) >= 100 ? "%.0f" : Math.abs(v) >= 1 ? "%.2f" : "%.3f", v);
    }

    private static double nice(double range) {
        if (range <= 0) {
            return 1;
        }
        double e = Math.pow(10, Math.floor(Math.log10(range / 5)));
        double f = range / 5 / e;
        return (f < 1.5 ? 1 : f < 3 ? 2 : f < 7 ? 5 : 10) * e;
    }

    /** A line chart; with {@code logX} the x axis is log10 (values must be positive). */
    static String lines(String title, String xLabel, String yLabel, List<Series> series, boolean logX, boolean step) {
        double minX = Double.MAX_VALUE;
        double maxX = -Double.MAX_VALUE;
        double maxY = 0;
        for (Series s : series) {
            for (int i = 0; i < s.x.length; i++) {
                double x = logX ? Math.log10(Math.max(s.x[i], 1e-3)) : s.x[i];
                minX = Math.min(minX, x);
                maxX = Math.max(maxX, x);
                maxY = Math.max(maxY, s.y[i]);
            }
        }
        if (minX == Double.MAX_VALUE) {
            minX = 0;
            maxX = 1;
        }
        if (maxX <= minX) {
            maxX = minX + 1;
        }
        double yStep = nice(maxY == 0 ? 1 : maxY);
        double yTop = Math.max(yStep, Math.ceil(maxY / yStep) * yStep);
        StringBuilder b = new StringBuilder();
        b.append("<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"").append(W).append("\" height=\"").append(H)
                .append("\" role=\"img\"><title>").append(esc(title)).append("</title>");
        b.append("<text x=\"").append(L).append("\" y=\"18\" class=\"t\">").append(esc(title)).append("</text>");
        int pw = W - L - R;
        int ph = H - T - B;
        // y grid
        for (double y = 0; y <= yTop + 1e-9; y += yStep) {
            double py = T + ph - y / yTop * ph;
            b.append(String.format(Locale.ROOT, "<line x1=\"%d\" x2=\"%d\" y1=\"%.1f\" y2=\"%.1f\" class=\"g\"/>",
                    L, L + pw, py, py));
            b.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%.1f\" class=\"a\" text-anchor=\"end\">%s</text>",
                    L - 6, py + 4, fmt(y)));
        }
        // x ticks
        if (logX) {
            for (int e = (int) Math.floor(minX); e <= Math.ceil(maxX); e++) {
                if (e < minX - 1e-9 || e > maxX + 1e-9) {
                    continue;
                }
                double px = L + (e - minX) / (maxX - minX) * pw;
                b.append(String.format(Locale.ROOT, "<line x1=\"%.1f\" x2=\"%.1f\" y1=\"%d\" y2=\"%d\" class=\"g\"/>",
                        px, px, T, T + ph));
                b.append(String.format(Locale.ROOT, "<text x=\"%.1f\" y=\"%d\" class=\"a\" text-anchor=\"middle\">"
                        + "%s</text>", px, T + ph + 16, fmt(Math.pow(10, e))));
            }
        } else {
            double xs = nice(maxX - minX);
            for (double x = Math.ceil(minX / xs) * xs; x <= maxX + 1e-9; x += xs) {
                double px = L + (x - minX) / (maxX - minX) * pw;
                b.append(String.format(Locale.ROOT, "<text x=\"%.1f\" y=\"%d\" class=\"a\" text-anchor=\"middle\">"
                        + "%s</text>", px, T + ph + 16, fmt(x)));
            }
        }
        b.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\" class=\"a\" text-anchor=\"middle\">%s</text>",
                L + pw / 2, H - 6, esc(xLabel)));
        b.append(String.format(Locale.ROOT, "<text transform=\"translate(14,%d) rotate(-90)\" class=\"a\" "
                + "text-anchor=\"middle\">%s</text>", T + ph / 2, esc(yLabel)));
        b.append(String.format(Locale.ROOT, "<rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\" class=\"f\"/>",
                L, T, pw, ph));
        for (int k = 0; k < series.size(); k++) {
            Series s = series.get(k);
            String color = COLORS[k % COLORS.length];
            StringBuilder pts = new StringBuilder();
            double prevY = Double.NaN;
            for (int i = 0; i < s.x.length; i++) {
                double x = logX ? Math.log10(Math.max(s.x[i], 1e-3)) : s.x[i];
                double px = L + (x - minX) / (maxX - minX) * pw;
                double py = T + ph - s.y[i] / yTop * ph;
                if (step && !Double.isNaN(prevY)) {
                    pts.append(String.format(Locale.ROOT, "%.1f,%.1f ", px, prevY));
                }
                pts.append(String.format(Locale.ROOT, "%.1f,%.1f ", px, py));
                prevY = py;
            }
            b.append("<polyline fill=\"none\" stroke=\"").append(color).append("\" stroke-width=\"1.5\" points=\"")
                    .append(pts).append("\"/>");
            int ly = T + 12 + k * 18;
            b.append(String.format(Locale.ROOT, "<rect x=\"%d\" y=\"%d\" width=\"12\" height=\"12\" fill=\"%s\"/>"
                    + "<text x=\"%d\" y=\"%d\" class=\"a\">%s</text>", L + pw + 12, ly - 10, color, L + pw + 30, ly,
                    esc(s.name)));
        }
        return b.append("</svg>").toString();
    }

    /** Horizontal grouped bars: one group per category, one bar per series, values 0..1 as percentages. */
    static String shareBars(String title, List<String> categories, List<String> seriesNames, double[][] values) {
        int barH = 10;
        int groupH = seriesNames.size() * barH + 8;
        int h = T + categories.size() * groupH + 30;
        int pw = W - 160 - R;
        double max = 0;
        for (double[] row : values) {
            for (double v : row) {
                max = Math.max(max, v);
            }
        }
        double top = max <= 0 ? 1 : Math.min(1, Math.ceil(max * 10) / 10);
        StringBuilder b = new StringBuilder();
        b.append("<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"").append(W).append("\" height=\"").append(h)
                .append("\" role=\"img\"><title>").append(esc(title)).append("</title>");
        b.append("<text x=\"160\" y=\"18\" class=\"t\">").append(esc(title)).append("</text>");
        for (int c = 0; c < categories.size(); c++) {
            int gy = T + c * groupH;
            b.append(String.format(Locale.ROOT, "<text x=\"150\" y=\"%d\" class=\"a\" text-anchor=\"end\">%s</text>",
                    gy + groupH / 2 + 3, esc(categories.get(c))));
            for (int s = 0; s < seriesNames.size(); s++) {
                double v = values[s][c];
                double w = v / top * pw;
                b.append(String.format(Locale.ROOT, "<rect x=\"160\" y=\"%d\" width=\"%.1f\" height=\"%d\" fill=\"%s\">"
                        + "<title>%s %s: %.1f%%</title></rect>", gy + s * barH, w, barH - 1,
                        COLORS[s % COLORS.length], esc(seriesNames.get(s)), esc(categories.get(c)), v * 100));
                b.append(String.format(Locale.ROOT, "<text x=\"%.1f\" y=\"%d\" class=\"s\">%.1f%%</text>",
                        164 + w, gy + s * barH + 8, v * 100));
            }
        }
        for (int s = 0; s < seriesNames.size(); s++) {
            int ly = T + 12 + s * 18;
            b.append(String.format(Locale.ROOT, "<rect x=\"%d\" y=\"%d\" width=\"12\" height=\"12\" fill=\"%s\"/>"
                    + "<text x=\"%d\" y=\"%d\" class=\"a\">%s</text>", W - R + 12, ly - 10, COLORS[s % COLORS.length],
                    W - R + 30, ly, esc(seriesNames.get(s))));
        }
        return b.append("</svg>").toString();
    }
}
