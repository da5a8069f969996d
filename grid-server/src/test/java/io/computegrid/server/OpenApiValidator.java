package io.computegrid.server;

import io.swagger.parser.OpenAPIParser;
import io.swagger.v3.oas.models.OpenAPI;
import io.swagger.v3.oas.models.media.ComposedSchema;
import io.swagger.v3.oas.models.media.Schema;
import io.swagger.v3.parser.core.models.SwaggerParseResult;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import tools.jackson.databind.JsonNode;

/**
 * Checks real responses against the hand-kept OpenAPI file: the subset of JSON Schema the file
 * uses (type, required, properties, items, $ref, nullable, enum, oneOf).
 */
final class OpenApiValidator {
    final OpenAPI api;

    OpenApiValidator(String json) {
        SwaggerParseResult r = new OpenAPIParser().readContents(json, null, null);
        if (r.getOpenAPI() == null || (r.getMessages() != null && !r.getMessages().isEmpty())) {
            throw new AssertionError("openapi.json does not parse: " + r.getMessages());
        }
        this.api = r.getOpenAPI();
    }

    /** The schema of a response: path template, method, status. */
    @SuppressWarnings("rawtypes")
    Schema responseSchema(String path, String method, int status) {
        var item = api.getPaths().get(path);
        if (item == null) {
            throw new AssertionError("openapi.json has no path " + path);
        }
        var op = switch (method) {
            case "GET" -> item.getGet();
            case "POST" -> item.getPost();
            case "PUT" -> item.getPut();
            case "DELETE" -> item.getDelete();
            default -> throw new IllegalArgumentException(method);
        };
        if (op == null) {
            throw new AssertionError("openapi.json has no " + method + " " + path);
        }
        var resp = op.getResponses().get(Integer.toString(status));
        if (resp == null) {
            throw new AssertionError("openapi.json documents no " + status + " for " + method + " " + path);
        }
        if (resp.getContent() == null) {
            return null;
        }
        return resp.getContent().values().iterator().next().getSchema();
    }

    List<String> validate(JsonNode value, @SuppressWarnings("rawtypes") Schema schema) {
        List<String> errors = new ArrayList<>();
        check(value, schema, "$", errors);
        return errors;
    }

    @SuppressWarnings({"rawtypes", "unchecked"})
    private void check(JsonNode v, Schema s, String at, List<String> errors) {
        if (s == null) {
            return;
        }
        if (s.get$ref() != null) {
            String name = s.get$ref().substring(s.get$ref().lastIndexOf('/') + 1);
            check(v, api.getComponents().getSchemas().get(name), at, errors);
            return;
        }
        if (v == null || v.isNull()) {
            if (!Boolean.TRUE.equals(s.getNullable())) {
                errors.add(at + ": null but not nullable");
            }
            return;
        }
        if (s instanceof ComposedSchema c && c.getOneOf() != null) {
            for (Schema alt : c.getOneOf()) {
                List<String> e = new ArrayList<>();
                check(v, alt, at, e);
                if (e.isEmpty()) {
                    return;
                }
            }
            errors.add(at + ": matches none of oneOf");
            return;
        }
        String type = s.getType();
        if (type != null) {
            boolean ok = switch (type) {
                case "object" -> v.isObject();
                case "array" -> v.isArray();
                case "string" -> v.isString();
                case "integer" -> v.isIntegralNumber();
                case "number" -> v.isNumber();
                case "boolean" -> v.isBoolean();
                default -> true;
            };
            if (!ok) {
                errors.add(at + ": expected " + type + " but got " + v.getNodeType());
                return;
            }
        }
        if (s.getEnum() != null && !s.getEnum().isEmpty() && v.isString()
                && !s.getEnum().contains(v.asString())) {
            errors.add(at + ": '" + v.asString() + "' not in " + s.getEnum());
        }
        if (v.isObject()) {
            List<String> required = s.getRequired();
            if (required != null) {
                for (String r : required) {
                    if (!v.has(r)) {
                        errors.add(at + ": missing required " + r);
                    }
                }
            }
            Map<String, Schema> props = s.getProperties();
            if (props != null) {
                for (Map.Entry<String, Schema> p : props.entrySet()) {
                    if (v.has(p.getKey())) {
                        check(v.get(p.getKey()), p.getValue(), at + "." + p.getKey(), errors);
                    }
                }
            }
        }
        if (v.isArray() && s.getItems() != null) {
            for (int i = 0; i < v.size(); i++) {
                check(v.get(i), s.getItems(), at + "[" + i + "]", errors);
            }
        }
    }
}
