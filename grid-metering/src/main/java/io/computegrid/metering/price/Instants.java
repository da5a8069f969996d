package io.computegrid.metering.price;

import io.computegrid.metering.MeteringException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;

/** Dates as users write them: {@code 2026-01-01} (midnight UTC) or an ISO instant/offset date-time. */
public final class Instants {
    private Instants() {
    }

    public static Instant parse(String text, String field) {
        if (text == null || text.isBlank()) {
            return null;
        }
        String t = text.trim();
        try {
            if (t.length() == 10) {
                return LocalDate.parse(t).atStartOfDay(ZoneOffset.UTC).toInstant();
            }
            if (t.endsWith("Z")) {
                return Instant.parse(t);
            }
            return OffsetDateTime.parse(t).toInstant();
        } catch (DateTimeParseException e) {
            throw MeteringException.invalid(field + ": '" + (t.length() > 40 ? t.substring(0, 40) : t)
                    + "' is not a date (YYYY-MM-DD) or an ISO date-time");
        }
    }
}
