package io.elasticmesh.auditchain;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.dataformat.csv.CsvMapper;
import com.fasterxml.jackson.dataformat.csv.CsvSchema;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Writes and reads the lines of an audit export: JSON Lines, or RFC 4180 CSV with a header line. */
public final class ExportLines {

    private static final ObjectMapper JSON = JsonMapper.builder().build();
    private static final CsvMapper CSV = new CsvMapper();
    private static final CsvSchema SCHEMA = CsvSchema.builder()
            .addColumns(ExportRow.COLUMNS, CsvSchema.ColumnType.STRING)
            .build();
    private static final TypeReference<Map<String, String>> LINE = new TypeReference<>() {};

    private ExportLines() {}

    /** One JSON object, every column a string. */
    public static String json(ExportRow row) {
        try {
            return JSON.writeValueAsString(row.columns());
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a map of strings is always JSON", e);
        }
    }

    public static String csvHeader() {
        return String.join(",", ExportRow.COLUMNS);
    }

    /** One CSV record; a field with a line break stays quoted inside the one record. */
    public static String csv(ExportRow row) {
        try {
            String line = CSV.writer(SCHEMA).writeValueAsString(row.columns());
            return line.endsWith("\n") ? line.substring(0, line.length() - 1) : line;
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a map of strings is always CSV", e);
        }
    }

    /**
     * The lines of an export, each as its columns: JSON Lines when the first character is '{', CSV with its header
     * line otherwise.
     *
     * @throws IllegalArgumentException naming the line that is neither
     */
    public static List<Map<String, String>> read(Reader reader) {
        try (BufferedReader in = new BufferedReader(reader)) {
            in.mark(1);
            int first = in.read();
            in.reset();
            return first == '{' ? readJson(in) : readCsv(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static List<Map<String, String>> readJson(BufferedReader in) throws IOException {
        List<Map<String, String>> lines = new ArrayList<>();
        String line;
        while ((line = in.readLine()) != null) {
            if (line.isBlank()) {
                continue;
            }
            try {
                lines.add(JSON.readValue(line, LINE));
            } catch (JsonProcessingException e) {
                throw new IllegalArgumentException(
                        "line " + (lines.size() + 1) + " is not a JSON object of strings: " + e.getOriginalMessage());
            }
        }
        return lines;
    }

    private static List<Map<String, String>> readCsv(Reader in) throws IOException {
        try (MappingIterator<Map<String, String>> rows =
                CSV.readerFor(LINE).with(CsvSchema.emptySchema().withHeader()).readValues(in)) {
            return rows.readAll();
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("not a CSV export: " + e.getMessage(), e);
        }
    }
}
