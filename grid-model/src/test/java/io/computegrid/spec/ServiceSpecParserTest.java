package io.computegrid.spec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.computegrid.model.AcceleratorCatalog;
import io.computegrid.model.ServiceSpec;
import java.time.Duration;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** The service spec wire format: what it accepts, its defaults, and the field each bad input names. */
class ServiceSpecParserTest {
    final ServiceSpecParser parser = new ServiceSpecParser(AcceleratorCatalog.defaults());

    static final String OK = """
            kind: service
            name: chat
            tenant: acme
            priority: high
            resources: {accelerator: nvidia-a100, count: 1, cpu: 2, memory: 2Gi}
            command: ["grid", "model-server"]
            env: {MODEL: tiny}
            replicas: {min: 0, max: 4, initial: 2}
            autoscaling: {targetInFlight: 4, stableWindow: 60s, panicWindow: 6s, panicThreshold: 2.0, scaleToZeroAfter: 90s}
            readiness: {path: /healthz, timeout: 500ms}
            requestTimeout: 30s
            coldStartTimeout: 2m
            maxBufferedRequests: 50
            maxRequestBody: 8Mi
            public: true
            """;

    @Test
    void aFullSpecParses() {
        ServiceSpec s = parser.parse(OK, "test");
        assertThat(s.name()).isEqualTo("chat");
        assertThat(s.tenant()).isEqualTo("acme");
        assertThat(s.priority()).isEqualTo("high");
        assertThat(s.resources().milliCards()).isEqualTo(1000);
        assertThat(s.resources().cpuMilli()).isEqualTo(2000);
        assertThat(s.command()).containsExactly("grid", "model-server");
        assertThat(s.env()).containsEntry("MODEL", "tiny");
        assertThat(s.replicas()).isEqualTo(new ServiceSpec.Replicas(0, 4, 2));
        assertThat(s.autoscaling().scaleToZeroAfter()).isEqualTo(Duration.ofSeconds(90));
        assertThat(s.autoscaling().panicWindow()).isEqualTo(Duration.ofSeconds(6));
        assertThat(s.readiness().timeout()).isEqualTo(Duration.ofMillis(500));
        assertThat(s.requestTimeout()).isEqualTo(Duration.ofSeconds(30));
        assertThat(s.coldStartTimeout()).isEqualTo(Duration.ofMinutes(2));
        assertThat(s.maxBufferedRequests()).isEqualTo(50);
        assertThat(s.maxRequestBytes()).isEqualTo(8L << 20);
        assertThat(s.isPublic()).isTrue();
    }

    @Test
    void defaultsAreThoseOfTheDocs() {
        ServiceSpec s = parser.parse("""
                name: tiny
                resources: {accelerator: nvidia-a100, count: 1}
                command: [serve]
                """, "test");
        assertThat(s.priority()).isEqualTo("normal");
        assertThat(s.replicas()).isEqualTo(new ServiceSpec.Replicas(0, 1, 1));
        assertThat(s.autoscaling()).isEqualTo(ServiceSpec.Autoscaling.defaults());
        assertThat(s.autoscaling().stableWindow()).isEqualTo(Duration.ofSeconds(60));
        assertThat(s.autoscaling().panicWindow()).isEqualTo(Duration.ofSeconds(6));
        assertThat(s.autoscaling().panicThreshold()).isEqualTo(2.0);
        assertThat(s.readiness()).isEqualTo(new ServiceSpec.Readiness("/healthz", Duration.ofSeconds(1)));
        assertThat(s.isPublic()).isFalse();
        assertThat(s.maxBufferedRequests()).isEqualTo(100);
        assertThat(s.maxRequestBytes()).isEqualTo(4L << 20);
        // initial follows min when min is above one
        assertThat(parser.parse(OK.replace("initial: 2", "").replace("min: 0", "min: 3"), "t").replicas().initial())
                .isEqualTo(3);
    }

    static Stream<Arguments> bad() {
        return Stream.of(
                Arguments.of("unknown field", OK + "gpus: 2\n", "gpus: unknown field"),
                Arguments.of("a job kind", OK.replace("kind: service", "kind: job"), "kind: must be service"),
                Arguments.of("no command", OK.replace("command: [\"grid\", \"model-server\"]\n", ""), "command: is required"),
                Arguments.of("no resources", OK.replace("resources: {accelerator: nvidia-a100, count: 1, cpu: 2, memory: 2Gi}\n", ""),
                        "resources: is required"),
                Arguments.of("unknown model", OK.replace("nvidia-a100", "nvidia-z9"), "resources.accelerator: unknown accelerator model"),
                Arguments.of("bad name", OK.replace("name: chat", "name: ../x"), "name: '../x' is invalid"),
                Arguments.of("platform env", OK.replace("MODEL: tiny", "GRID_PORT: 1"), "env.GRID_PORT"),
                Arguments.of("min above max", OK.replace("min: 0", "min: 5"), "replicas.min: must not be above max"),
                Arguments.of("initial above max", OK.replace("initial: 2", "initial: 9"), "replicas.initial: must be between"),
                Arguments.of("too many replicas", OK.replace("max: 4", "max: 1000"), "replicas.max: must be between 1 and 64"),
                Arguments.of("zero max", OK.replace("max: 4", "max: 0"), "replicas.max: must be between 1 and 64"),
                Arguments.of("replicas unknown", OK.replace("initial: 2", "initial: 2, desired: 3"), "replicas.desired: unknown field"),
                Arguments.of("zero target", OK.replace("targetInFlight: 4", "targetInFlight: 0"), "autoscaling.targetInFlight"),
                Arguments.of("panic longer than stable", OK.replace("panicWindow: 6s", "panicWindow: 2m"),
                        "autoscaling.panicWindow: must not be longer than stableWindow"),
                Arguments.of("panic threshold below one", OK.replace("panicThreshold: 2.0", "panicThreshold: 0.5"),
                        "autoscaling.panicThreshold"),
                Arguments.of("window not a duration", OK.replace("stableWindow: 60s", "stableWindow: soon"),
                        "autoscaling.stableWindow: 'soon' is not a duration"),
                Arguments.of("window too long", OK.replace("stableWindow: 60s", "stableWindow: 2h"),
                        "autoscaling.stableWindow: must be between"),
                Arguments.of("readiness path", OK.replace("path: /healthz", "path: healthz"), "readiness.path: must start with /"),
                Arguments.of("readiness timeout", OK.replace("timeout: 500ms", "timeout: 5m"), "readiness.timeout: must be at most 1m"),
                Arguments.of("negative buffer", OK.replace("maxBufferedRequests: 50", "maxBufferedRequests: -1"),
                        "maxBufferedRequests: must be between 0 and 10000"),
                Arguments.of("body too large", OK.replace("maxRequestBody: 8Mi", "maxRequestBody: 1Gi"), "maxRequestBody: must be at most"),
                Arguments.of("public not boolean", OK.replace("public: true", "public: maybe"), "public: must be true or false"),
                Arguments.of("request timeout", OK.replace("requestTimeout: 30s", "requestTimeout: 3h"), "requestTimeout: must be between"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("bad")
    void badInputNamesTheField(String what, String yaml, String message) {
        assertThatThrownBy(() -> parser.parse(yaml, "test")).as(what).isInstanceOf(SpecException.class)
                .hasMessageContaining(message);
    }

    @Test
    void sharedFieldsFailAsInAJobSpec() {
        JobSpecParser jobs = new JobSpecParser(AcceleratorCatalog.defaults());
        String job = "name: j\nresources: {accelerator: nvidia-a100, count: 1.5}\ncommand: [x]\n";
        String service = "name: j\nresources: {accelerator: nvidia-a100, count: 1.5}\ncommand: [x]\n";
        assertThatThrownBy(() -> jobs.parse(job, "t")).hasMessage(
                catchMessage(() -> parser.parse(service, "t")));
    }

    private static String catchMessage(Runnable r) {
        try {
            r.run();
        } catch (SpecException e) {
            return e.getMessage();
        }
        throw new AssertionError("no error");
    }
}
