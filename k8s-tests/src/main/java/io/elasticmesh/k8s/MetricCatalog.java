package io.elasticmesh.k8s;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The metrics the mesh documents: the table between {@code <!-- metrics:begin -->} and {@code <!-- metrics:end -->}
 * in k8s/README.md, one row per metric: {@code | `name` | type | labels | emitted by | meaning |}. The dashboard and
 * the alerts may read only these, so the services, the docs and the monitoring agree on one list.
 */
public final class MetricCatalog {

    public enum Type {
        COUNTER,
        GAUGE,
        HISTOGRAM
    }

    private static final Pattern ROW =
            Pattern.compile("^\\|\\s*`([a-zA-Z_:][a-zA-Z0-9_:]*)`\\s*\\|\\s*(\\w+)\\s*\\|", Pattern.MULTILINE);

    private final Map<String, Type> metrics;

    private MetricCatalog(Map<String, Type> metrics) {
        this.metrics = metrics;
    }

    public static MetricCatalog parse(String markdown) {
        int begin = markdown.indexOf("<!-- metrics:begin -->");
        int end = markdown.indexOf("<!-- metrics:end -->");
        if (begin < 0 || end < begin) {
            throw new IllegalArgumentException("no <!-- metrics:begin --> ... <!-- metrics:end --> table");
        }
        Map<String, Type> metrics = new LinkedHashMap<>();
        Matcher row = ROW.matcher(markdown.substring(begin, end));
        while (row.find()) {
            metrics.put(row.group(1), Type.valueOf(row.group(2).toUpperCase()));
        }
        return new MetricCatalog(metrics);
    }

    public Map<String, Type> metrics() {
        return metrics;
    }

    /** Whether a series name is documented: a metric itself, or a histogram's _bucket, _sum or _count series. */
    public boolean documents(String series) {
        if (metrics.containsKey(series)) {
            return metrics.get(series) != Type.HISTOGRAM;
        }
        for (String suffix : new String[] {"_bucket", "_sum", "_count"}) {
            if (series.endsWith(suffix)) {
                String base = series.substring(0, series.length() - suffix.length());
                return metrics.get(base) == Type.HISTOGRAM;
            }
        }
        return false;
    }
}
