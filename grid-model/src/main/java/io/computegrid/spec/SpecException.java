package io.computegrid.spec;

/** Invalid input: the message names the field (as a path like {@code resources.count}) and is shown to users. */
public class SpecException extends IllegalArgumentException {
    private final String field;

    public SpecException(String field, String message) {
        super(field == null || field.isEmpty() ? message : field + ": " + message);
        this.field = field;
    }

    public String field() {
        return field;
    }
}
