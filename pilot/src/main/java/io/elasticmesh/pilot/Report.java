package io.elasticmesh.pilot;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * A pilot's report: {@code report.json} (every number), {@code report.html} (one file, opens offline: the charts
 * are inline SVG) and {@code report.md} (the table and recommendations, for a decision memo).
 *
 * @param quality "accuracy" when the items had reference answers, else "agreement with the baseline"
 * @param currency of the costs, null when the plan prices no model that answered
 */
public record Report(
        String plan,
        String quality,
        String currency,
        double margin,
        List<PointSummary> points,
        List<Recommendation> recommendations) {

    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    public static Report of(Plan plan, List<PointSummary> points) {
        List<Recommendation> recommendations = new ArrayList<>();
        for (String tier : plan.tiers()) {
            List<PointSummary> mine =
                    points.stream().filter(p -> p.tier().equals(tier)).toList();
            if (mine.stream().anyMatch(p -> p.requests() > 0)) {
                recommendations.add(Recommendation.of(tier, mine, plan.margin()));
            }
        }
        boolean graded = points.stream().anyMatch(p -> p.accuracy() != null);
        String currency = points.stream()
                .map(PointSummary::model)
                .filter(m -> m != null && plan.prices().containsKey(m))
                .map(m -> plan.prices().get(m).currency())
                .findFirst()
                .orElse(null);
        return new Report(
                plan.name(),
                graded ? "accuracy" : "agreement with the baseline",
                currency,
                plan.margin(),
                points,
                List.copyOf(recommendations));
    }

    /** Writes report.json, report.html and report.md into {@code dir}; returns the HTML's path. */
    public Path write(Path dir) throws IOException {
        Files.createDirectories(dir);
        JSON.writeValue(dir.resolve("report.json").toFile(), this);
        Files.writeString(dir.resolve("report.md"), markdown(), StandardCharsets.UTF_8);
        Path html = dir.resolve("report.html");
        Files.writeString(html, html(), StandardCharsets.UTF_8);
        return html;
    }

    /** The summary table and the recommendations, in Markdown. */
    public String markdown() {
        StringBuilder md = new StringBuilder();
        md.append("# Pilot `").append(plan).append("`\n\n");
        md.append("| tier | budget | applied t/s | n | ")
                .append(quality)
                .append(" (95% CI) | mean generated tokens | p50/p95 ms | deadline met | thinking cut | "
                        + "budget-limited | cost / 1k answers | saved vs baseline (tokens / cost) |\n");
        md.append("|---|---|---|---|---|---|---|---|---|---|---|---|\n");
        for (PointSummary p : points) {
            md.append("| ")
                    .append(p.tier())
                    .append(" | ")
                    .append(p.point())
                    .append(" | ")
                    .append(p.thinkingBudget())
                    .append('/')
                    .append(p.solutionBudget())
                    .append(" | ")
                    .append(p.requests())
                    .append(p.failed() > 0 ? " (" + p.failed() + " failed)" : "")
                    .append(" | ")
                    .append(percent(p.quality()))
                    .append(" (")
                    .append(percent(p.interval().low()))
                    .append("–")
                    .append(percent(p.interval().high()))
                    .append(") | ")
                    .append(fixed(p.meanGeneratedTokens(), 1))
                    .append(" | ")
                    .append(p.latencyP50Ms())
                    .append('/')
                    .append(p.latencyP95Ms())
                    .append(" | ")
                    .append(percent(p.deadlineAttainment()))
                    .append(" | ")
                    .append(percent(p.truncationRate()))
                    .append(" | ")
                    .append(percent(p.budgetLimitedShare()))
                    .append(" | ")
                    .append(money(p.costPer1000()))
                    .append(" | ")
                    .append(
                            p.baseline()
                                    ? "—"
                                    : (p.tokensSaved() == null ? "n/a" : fixed(p.tokensSaved(), 1)) + " / "
                                            + money(p.costSavedPer1000()))
                    .append(" |\n");
        }
        md.append('\n');
        for (Recommendation r : recommendations) {
            md.append("- **")
                    .append(r.tier())
                    .append("**: ")
                    .append(r.point())
                    .append(", ")
                    .append(quality)
                    .append(' ')
                    .append(percent(r.quality()))
                    .append(" (95% CI ")
                    .append(percent(r.interval().low()))
                    .append("–")
                    .append(percent(r.interval().high()))
                    .append("), the cheapest within ")
                    .append(percent(margin))
                    .append(" of the best (")
                    .append(r.best())
                    .append(", ")
                    .append(percent(r.bestQuality()))
                    .append(").");
            if (r.warning() != null) {
                md.append(" **Warning:** ").append(r.warning()).append('.');
            }
            md.append('\n');
        }
        return md.toString();
    }

    /** One self-contained page: per tier, quality against mean generated tokens (inline SVG), then the table. */
    public String html() {
        StringBuilder h = new StringBuilder();
        h.append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>Pilot ")
                .append(escape(plan))
                .append("</title>\n<style>body{font-family:sans-serif;margin:2em;max-width:1200px}"
                        + "table{border-collapse:collapse;font-size:13px}td,th{border:1px solid #ccc;padding:3px 6px;"
                        + "text-align:right}th{background:#eee}.warn{color:#a40}</style></head><body>\n");
        h.append("<h1>Pilot ").append(escape(plan)).append("</h1>\n");
        for (String tier : points.stream().map(PointSummary::tier).distinct().toList()) {
            h.append("<h2>Tier ").append(escape(tier)).append("</h2>\n");
            h.append(chart(points.stream().filter(p -> p.tier().equals(tier)).toList()));
        }
        h.append(table());
        h.append("<h2>Recommendations</h2>\n<ul>\n");
        for (String line : markdown().lines().filter(l -> l.startsWith("- ")).toList()) {
            h.append("<li>")
                    .append(escape(line.substring(2)).replaceAll("\\*\\*(.+?)\\*\\*", "<b>$1</b>"))
                    .append("</li>\n");
        }
        h.append("</ul>\n</body></html>\n");
        return h.toString();
    }

    private String table() {
        StringBuilder h = new StringBuilder("<table id=\"summary\">\n");
        List<String> rows = markdown().lines().filter(l -> l.startsWith("| ")).toList();
        for (int i = 0; i < rows.size(); i++) {
            String tag = i == 0 ? "th" : "td";
            h.append("<tr>");
            for (String cell :
                    rows.get(i).substring(2, rows.get(i).length() - 2).split(" \\| ")) {
                h.append('<')
                        .append(tag)
                        .append('>')
                        .append(escape(cell))
                        .append("</")
                        .append(tag)
                        .append('>');
            }
            h.append("</tr>\n");
        }
        return h.append("</table>\n").toString();
    }

    /** Quality (with its interval as an error bar) against mean generated tokens, one point per budget. */
    private String chart(List<PointSummary> tier) {
        int width = 640;
        int height = 360;
        int left = 60;
        int bottom = 40;
        int top = 20;
        int right = 20;
        double maxX = Math.max(
                        1,
                        tier.stream()
                                .mapToDouble(PointSummary::meanGeneratedTokens)
                                .max()
                                .orElse(1))
                * 1.1;
        double plotW = width - left - right;
        double plotH = height - top - bottom;
        StringBuilder s = new StringBuilder();
        s.append("<svg class=\"chart\" xmlns=\"http://www.w3.org/2000/svg\" width=\"")
                .append(width)
                .append("\" height=\"")
                .append(height)
                .append("\" role=\"img\" aria-label=\"")
                .append(escape(quality))
                .append(" against mean generated tokens\">\n");
        s.append(line(left, top, left, top + plotH)).append(line(left, top + plotH, left + plotW, top + plotH));
        for (int i = 0; i <= 4; i++) {
            double y = top + plotH - plotH * i / 4;
            s.append(text(left - 8, y + 4, percent(i / 4.0), "end"));
            double x = left + plotW * i / 4;
            s.append(text(x, top + plotH + 16, fixed(maxX * i / 4, 0), "middle"));
        }
        s.append(text(left + plotW / 2, height - 4, "mean generated tokens per answer", "middle"));
        s.append(text(14, top + plotH / 2, escape(quality), "middle")
                .replace("<text ", "<text transform=\"rotate(-90 14 " + fixed(top + plotH / 2, 1) + ")\" "));
        for (PointSummary p : tier) {
            double x = left + plotW * p.meanGeneratedTokens() / maxX;
            double y = top + plotH * (1 - p.quality());
            double yLow = top + plotH * (1 - p.interval().low());
            double yHigh = top + plotH * (1 - p.interval().high());
            String colour = p.baseline() ? "#c00" : "#06c";
            s.append(line(x, yLow, x, yHigh).replace("#333", colour));
            s.append("<circle cx=\"")
                    .append(fixed(x, 1))
                    .append("\" cy=\"")
                    .append(fixed(y, 1))
                    .append("\" r=\"5\" fill=\"")
                    .append(colour)
                    .append("\"><title>")
                    .append(escape(p.point() + ": " + percent(p.quality())))
                    .append("</title></circle>\n");
            s.append(text(x + 8, y - 6, escape(p.point()), "start"));
        }
        return s.append("</svg>\n").toString();
    }

    private static String line(double x1, double y1, double x2, double y2) {
        return String.format(
                Locale.ROOT,
                "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"#333\" stroke-width=\"1.5\"/>%n",
                x1,
                y1,
                x2,
                y2);
    }

    private static String text(double x, double y, String escaped, String anchor) {
        return String.format(
                Locale.ROOT,
                "<text x=\"%.1f\" y=\"%.1f\" font-size=\"11\" text-anchor=\"%s\">%s</text>%n",
                x,
                y,
                anchor,
                escaped);
    }

    static String percent(double share) {
        return String.format(Locale.ROOT, "%.1f%%", 100 * share);
    }

    static String fixed(double value, int decimals) {
        return String.format(Locale.ROOT, "%." + decimals + "f", value);
    }

    private String money(Double value) {
        return value == null ? "n/a" : String.format(Locale.ROOT, "%.4f %s", value, currency);
    }

    private static String escape(String text) {
        return text.replace("&", "&amp;")
                .replace("<", "&lt;")
                .replace(">", "&gt;")
                .replace("\"", "&quot;");
    }
}
