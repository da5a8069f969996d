package io.computegrid.spec;

import org.snakeyaml.engine.v2.api.LoadSettings;
import tools.jackson.core.JacksonException;
import tools.jackson.core.StreamReadConstraints;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.cfg.JsonNodeFeature;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.dataformat.yaml.YAMLFactory;
import tools.jackson.dataformat.yaml.YAMLMapper;

/**
 * Reads YAML or JSON documents from untrusted sources with hard limits: size, nesting depth and
 * YAML aliases (so an alias bomb or a deeply nested document is rejected, not expanded).
 */
public final class Documents {
    public static final int MAX_BYTES = 1 << 20;
    public static final int MAX_DEPTH = 32;

    private static final StreamReadConstraints LIMITS = StreamReadConstraints.builder()
            .maxNestingDepth(MAX_DEPTH).maxDocumentLength(MAX_BYTES).maxStringLength(MAX_BYTES).build();
    // floats are read as exact decimals: 1e400 stays 1E+400 (a range error naming the field), never Infinity
    private static final ObjectMapper JSON = JsonMapper.builder(
            tools.jackson.core.json.JsonFactory.builder().streamReadConstraints(LIMITS).build())
            .enable(JsonNodeFeature.USE_BIG_DECIMAL_FOR_FLOATS).build();
    private static final LoadSettings LOAD = LoadSettings.builder().setMaxAliasesForCollections(20)
            .setAllowRecursiveKeys(false).setCodePointLimit(2 * MAX_BYTES).build();
    private static final ObjectMapper YAML = YAMLMapper.builder(YAMLFactory.builder()
            .streamReadConstraints(LIMITS).loadSettings(LOAD).build())
            .enable(JsonNodeFeature.USE_BIG_DECIMAL_FOR_FLOATS).build();

    private Documents() {
    }

    /** Parses a YAML or JSON document (JSON is YAML, but JSON goes through the faster JSON parser). */
    public static JsonNode parse(String text, String source) {
        if (text == null || text.isBlank()) {
            throw new SpecException("", source + " is empty");
        }
        if (text.length() > MAX_BYTES) {
            throw new SpecException("", source + " is larger than " + MAX_BYTES + " bytes");
        }
        String t = text.stripLeading();
        boolean json = t.startsWith("{") || t.startsWith("[");
        if (!json) {
            rejectAliases(text, source);
        }
        try {
            JsonNode node = (json ? JSON : YAML).readTree(text);
            if (node == null || node.isMissingNode() || node.isNull()) {
                throw new SpecException("", source + " is empty");
            }
            return node;
        } catch (JacksonException e) {
            throw new SpecException("", source + " is not valid " + (json ? "JSON" : "YAML") + ": " + firstLine(e));
        } catch (RuntimeException e) {
            // snakeyaml-engine reports alias limits and similar with its own exceptions
            if (e instanceof SpecException se) {
                throw se;
            }
            throw new SpecException("", source + " is not valid YAML: " + firstLine(e));
        }
    }

    /**
     * YAML aliases ({@code *name}) are refused outright: the tree reader would not expand them (it
     * yields the alias name as a string), so a spec using them would silently mean something else,
     * and an alias bomb is refused before anything is built.
     */
    private static void rejectAliases(String text, String source) {
        try {
            for (org.snakeyaml.engine.v2.events.Event e : new org.snakeyaml.engine.v2.api.lowlevel.Parse(LOAD)
                    .parseString(text)) {
                if (e instanceof org.snakeyaml.engine.v2.events.AliasEvent a) {
                    String where = a.getStartMark().map(m -> " (line " + (m.getLine() + 1) + ", column "
                            + (m.getColumn() + 1) + ")").orElse("");
                    throw new SpecException("", source + ": YAML aliases (*" + a.getAlias() + ") are not supported"
                            + where);
                }
            }
        } catch (SpecException se) {
            throw se;
        } catch (RuntimeException e) {
            throw new SpecException("", source + " is not valid YAML: " + firstLine(e));
        }
    }

    static String firstLine(Exception e) {
        String m = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        int nl = m.indexOf('\n');
        String line = nl > 0 ? m.substring(0, nl) : m;
        return line.length() > 200 ? line.substring(0, 200) + "..." : line;
    }

    public static ObjectMapper json() {
        return JSON;
    }
}
