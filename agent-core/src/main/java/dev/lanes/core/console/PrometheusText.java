package dev.lanes.core.console;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Reads the samples of a page in the Prometheus text format (version 0.0.4), as {@code /lanes/metrics} serves it. */
final class PrometheusText {

    /** One sample line: metric name, labels and value. */
    static final class Sample {
        final String name;
        final Map<String, String> labels;
        final double value;

        Sample(String name, Map<String, String> labels, double value) {
            this.name = name;
            this.labels = labels;
            this.value = value;
        }

        String label(String key) {
            String v = labels.get(key);
            return v == null ? "" : v;
        }

        /** Name and labels: the same series on two scrapes has the same key. */
        String key() {
            return name + labels;
        }
    }

    private PrometheusText() {
    }

    /** The samples; comments, blank and unreadable lines are skipped. */
    static List<Sample> parse(String page) {
        List<Sample> out = new ArrayList<Sample>();
        for (String line : page.split("\n")) {
            if (line.isEmpty() || line.charAt(0) == '#') {
                continue;
            }
            Sample s = sample(line);
            if (s != null) {
                out.add(s);
            }
        }
        return out;
    }

    private static Sample sample(String line) {
        int brace = line.indexOf('{');
        int space = line.indexOf(' ');
        if (space < 0) {
            return null;
        }
        Map<String, String> labels = Collections.emptyMap();
        String name;
        int rest;
        if (brace >= 0 && brace < space) {
            name = line.substring(0, brace);
            labels = new LinkedHashMap<String, String>();
            rest = labels(line, brace + 1, labels);
            if (rest < 0) {
                return null;
            }
        } else {
            name = line.substring(0, space);
            rest = space;
        }
        String[] tail = line.substring(rest).trim().split(" ");
        try {
            return new Sample(name, labels, Double.parseDouble(tail[0]));
        } catch (NumberFormatException e) {
            return null;
        }
    }

    /** Reads {@code k="v",...}} from {@code i}; the index after the closing brace, or -1. */
    private static int labels(String line, int i, Map<String, String> into) {
        while (i < line.length()) {
            char c = line.charAt(i);
            if (c == '}') {
                return i + 1;
            }
            if (c == ',' || c == ' ') {
                i++;
                continue;
            }
            int eq = line.indexOf("=\"", i);
            if (eq < 0) {
                return -1;
            }
            String key = line.substring(i, eq);
            StringBuilder value = new StringBuilder();
            int j = eq + 2;
            for (; j < line.length() && line.charAt(j) != '"'; j++) {
                char v = line.charAt(j);
                if (v == '\\' && j + 1 < line.length()) {
                    char e = line.charAt(++j);
                    value.append(e == 'n' ? '\n' : e);
                } else {
                    value.append(v);
                }
            }
            into.put(key, value.toString());
            i = j + 1;
        }
        return -1;
    }
}
