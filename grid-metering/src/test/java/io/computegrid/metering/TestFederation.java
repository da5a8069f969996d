package io.computegrid.metering;

import io.computegrid.config.FederationConfig;
import io.computegrid.config.FederationConfigParser;
import io.computegrid.metering.usage.UsageInterval;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicLong;

/** A small federation with round prices: 36/card-hour on changsha's A100s is 0.01 per card-second. */
final class TestFederation {
    static final String YAML = """
            currency: CNY
            centers:
              - name: changsha
                provider: hunan-telecom
                pools:
                  - {name: a100, accelerator: nvidia-a100, nodes: 2, pricePerCardHour: 36}
              - name: edge
                pools:
                  - {name: e310, accelerator: ascend-310, nodes: 4, pricePerCardHour: 3.6}
            tenants:
              - name: acme
                quota: {nvidia-a100: 8}
            metering:
              platformFee: 0.1
            """;
    static final Instant T0 = Instant.parse("2026-03-01T00:00:00Z");

    private TestFederation() {
    }

    static FederationConfig config() {
        return FederationConfigParser.parse(YAML, "test federation");
    }

    /** A settable clock starting at T0. */
    static final class ManualClock implements io.computegrid.model.Clock {
        final AtomicLong millis = new AtomicLong(T0.toEpochMilli());

        @Override
        public long nowMillis() {
            return millis.get();
        }

        Instant now() {
            return Instant.ofEpochMilli(millis.get());
        }

        void set(Instant t) {
            millis.set(t.toEpochMilli());
        }
    }

    static UsageInterval a100(String tenant, long job, int task, Instant from, Instant to) {
        return new UsageInterval(job + "/0/" + task + "/" + from.toEpochMilli(), job, 0, task, tenant, "changsha",
                "a100", "nvidia-a100", 1000, 1000, 1024, from, to, false);
    }
}
