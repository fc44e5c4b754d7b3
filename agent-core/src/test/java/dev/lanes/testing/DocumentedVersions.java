package dev.lanes.testing;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The table of versions a page of docs/ says a linkage check covers: the Markdown table right
 * after the line {@code <!-- linkage-checked ... -->}, whose first column names a plugin (or a
 * line) and whose second lists versions separated by commas.
 */
public final class DocumentedVersions {

    static final String MARKER = "<!-- linkage-checked";

    private DocumentedVersions() {
    }

    /** The first column (without backticks) mapped to the cells after it, in order. */
    public static Map<String, List<String>> rows(Path page) throws IOException {
        List<String> lines = Files.readAllLines(page, StandardCharsets.UTF_8);
        int start = -1;
        for (int i = 0; i < lines.size(); i++) {
            if (lines.get(i).trim().startsWith(MARKER)) {
                start = i + 1;
                break;
            }
        }
        if (start < 0) {
            throw new AssertionError(page + " has no line starting with " + MARKER);
        }
        Map<String, List<String>> rows = new LinkedHashMap<>();
        for (int i = start + 2; i < lines.size() && lines.get(i).trim().startsWith("|"); i++) {
            String[] cells = lines.get(i).trim().split("\\|");
            List<String> values = new ArrayList<>();
            for (int c = 2; c < cells.length; c++) {
                values.add(cells[c].trim());
            }
            rows.put(cells[1].trim().replace("`", ""), values);
        }
        return rows;
    }

    /** For a table of plugin and versions: each plugin's versions, split at the commas. */
    public static Map<String, List<String>> read(Path page) throws IOException {
        Map<String, List<String>> versions = new LinkedHashMap<>();
        for (Map.Entry<String, List<String>> row : rows(page).entrySet()) {
            List<String> list = new ArrayList<>();
            for (String v : row.getValue().get(0).split(",")) {
                list.add(v.trim());
            }
            versions.put(row.getKey(), list);
        }
        return versions;
    }
}
