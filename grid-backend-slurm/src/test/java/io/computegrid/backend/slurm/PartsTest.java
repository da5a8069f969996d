package io.computegrid.backend.slurm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.computegrid.backend.Backend.JobStatus;
import io.computegrid.model.BackendSpec;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.CharRange;
import net.jqwik.api.constraints.Chars;
import net.jqwik.api.constraints.StringLength;
import org.junit.jupiter.api.Test;

/** The pure parts: host lists, gres strings, states, settings, tokens and shell quoting. */
class PartsTest {
    @Test
    void hostlistsExpand() {
        assertThat(Hostlist.expand("gtan[1-3,7]")).containsExactly("gtan1", "gtan2", "gtan3", "gtan7");
        assertThat(Hostlist.expand("a[01-02]b,login")).containsExactly("a01b", "a02b", "login");
        assertThat(Hostlist.expand("r[1-2]n[1-2]")).containsExactly("r1n1", "r1n2", "r2n1", "r2n2");
        assertThat(Hostlist.expand("")).isEmpty();
    }

    @Test
    void gresStringsAreRead() {
        assertThat(Gres.count("gpu:8", "gpu")).isEqualTo(8);
        assertThat(Gres.count("gpu:a100:4(S:0-1),gpu:v100:2,npu:4", "gpu")).isEqualTo(6);
        assertThat(Gres.count("gpu:4(IDX:0,2-3),npu:0", "gpu")).isEqualTo(4);
        assertThat(Gres.type("gpu:a100:4(S:0-1)", "gpu")).isEqualTo("a100");
        assertThat(Gres.type("gpu:8", "gpu")).isNull();
        assertThat(Gres.count("(null)", "gpu")).isZero();
    }

    @Test
    void statesMap() {
        assertThat(SlurmStates.status("PENDING")).isEqualTo(JobStatus.PENDING);
        assertThat(SlurmStates.status("RUNNING")).isEqualTo(JobStatus.RUNNING);
        assertThat(SlurmStates.status("COMPLETING")).isEqualTo(JobStatus.RUNNING);
        assertThat(SlurmStates.status("COMPLETED")).isEqualTo(JobStatus.SUCCEEDED);
        assertThat(SlurmStates.status("NODE_FAIL")).isEqualTo(JobStatus.FAILED);
        assertThat(SlurmStates.status("CANCELLED")).isEqualTo(JobStatus.CANCELLED);
        assertThat(SlurmStates.status("WHAT")).isEqualTo(JobStatus.UNKNOWN);
        assertThat(SlurmStates.exitCode("FAILED", 3 << 8)).isEqualTo(3);
        assertThat(SlurmStates.exitCode("CANCELLED", 9)).isEqualTo(137);
        assertThat(SlurmStates.exitCode("TIMEOUT", 0)).isEqualTo(143);
        assertThat(SlurmStates.exitReason("TIMEOUT", "TimeLimit", null, false)).contains("maxRuntime");
        assertThat(SlurmStates.exitReason("FAILED", "NonZeroExitCode", null, false)).isEqualTo("slurm: FAILED (NonZeroExitCode)");
    }

    @Test
    void settingsAreValidatedWithOneLineReasons() {
        Map<String, String> ok = Map.of("url", "http://127.0.0.1:6820/", "user", "alice", "jwtKeyFile", "/k", "partition", "batch");
        SlurmSettings s = SlurmSettings.from("hpc", new BackendSpec("slurm", ok));
        assertThat(s.base()).isEqualTo("http://127.0.0.1:6820/slurm/v0.0.38");
        assertThat(s.pollInterval().toMillis()).isEqualTo(1000);
        assertThatThrownBy(() -> SlurmSettings.from("hpc", new BackendSpec("slurm", Map.of("url", "x"))))
                .hasMessageContaining("center hpc: backend slurm: url 'x'");
        assertThatThrownBy(() -> SlurmSettings.from("hpc", new BackendSpec("slurm", Map.of("url", "http://h:1", "user", "a"))))
                .hasMessageContaining("setting 'partition' is required");
        var bad = new java.util.HashMap<>(ok);
        bad.put("user", "al ice");
        assertThatThrownBy(() -> SlurmSettings.from("hpc", new BackendSpec("slurm", bad))).hasMessageContaining("user 'al ice'");
        bad.put("user", "alice");
        bad.put("partiton", "x");
        assertThatThrownBy(() -> SlurmSettings.from("hpc", new BackendSpec("slurm", bad))).hasMessageContaining("unknown setting 'partiton'");
    }

    @Test
    void tokensCarryTheClaimsSlurmWants() {
        String t = Jwt.mint("0123456789abcdef0123456789abcdef".getBytes(StandardCharsets.US_ASCII), "alice", 100, 3700);
        String[] parts = t.split("\\.");
        assertThat(parts).hasSize(3);
        assertThat(new String(Base64.getUrlDecoder().decode(parts[0]), StandardCharsets.UTF_8)).isEqualTo("{\"alg\":\"HS256\",\"typ\":\"JWT\"}");
        assertThat(new String(Base64.getUrlDecoder().decode(parts[1]), StandardCharsets.UTF_8))
                .isEqualTo("{\"exp\":3700,\"iat\":100,\"sun\":\"alice\"}");
        // RFC 7515 HS256 over the same input with the same key gives the same signature every time
        assertThat(Jwt.mint("0123456789abcdef0123456789abcdef".getBytes(StandardCharsets.US_ASCII), "alice", 100, 3700)).isEqualTo(t);
    }

    @Test
    void theScriptHoldsNoUnquotedUserText() {
        String script = BatchScript.render(7, 2, "hpc a", 3, List.of("echo", "$(rm -rf /)", "a'b"));
        assertThat(script).contains("--ntasks=3").contains(" 'echo' '$(rm -rf /)' 'a'\\''b'").contains("center hpc_a");
    }

    /** Any argument, once quoted, reaches the program unchanged through bash. */
    @Property(tries = 60)
    void quotingRoundTripsThroughBash(@ForAll @StringLength(max = 40) @Chars({'\'', '"', '$', '`', '\\', '\n', ' ', ';', '*', '!', '&', '|', '(', ')'})
                                      @CharRange(from = 'a', to = 'z') @CharRange(from = 0x4e00, to = 0x4e10) String arg) throws Exception {
        Process p = new ProcessBuilder("/bin/bash", "-c", "printf '%s' " + BatchScript.quote(arg)).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        p.waitFor();
        assertThat(out).isEqualTo(arg);
    }
}
