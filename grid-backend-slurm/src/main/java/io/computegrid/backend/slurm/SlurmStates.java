package io.computegrid.backend.slurm;

import io.computegrid.backend.Backend.JobStatus;
import java.util.Set;

/** Slurm job states and pending reasons, mapped onto computegrid's. */
final class SlurmStates {
    /** Pending reasons after which Slurm will never start the job as submitted: we cancel it and report the reason. */
    static final Set<String> HOPELESS = Set.of("BadConstraints", "PartitionNodeLimit", "PartitionTimeLimit",
            "PartitionConfig", "InvalidAccount", "InvalidQOS", "DependencyNeverSatisfied", "QOSJobLimit",
            "AssocMaxGRESPerJob", "QOSMaxGRESPerJob", "AssocMaxNodesPerJobLimit", "QOSMaxNodePerJobLimit",
            "PartitionInactive", "InactiveLimit", "FrontEndDown");

    private SlurmStates() {
    }

    /** The base state: slurmrestd may report flags with it ("COMPLETING", "RUNNING,COMPLETING"). */
    static String base(String jobState) {
        String s = jobState == null ? "" : jobState.trim().toUpperCase();
        int comma = s.indexOf(',');
        return comma < 0 ? s : s.substring(0, comma);
    }

    static JobStatus status(String jobState) {
        return switch (base(jobState)) {
            case "PENDING", "REQUEUED", "REQUEUE_HOLD", "REQUEUE_FED", "RESV_DEL_HOLD", "CONFIGURING", "RESIZING" -> JobStatus.PENDING;
            case "RUNNING", "SUSPENDED", "COMPLETING", "STAGE_OUT", "SIGNALING", "STOPPED" -> JobStatus.RUNNING;
            case "COMPLETED" -> JobStatus.SUCCEEDED;
            case "CANCELLED", "REVOKED" -> JobStatus.CANCELLED;
            case "FAILED", "TIMEOUT", "NODE_FAIL", "PREEMPTED", "BOOT_FAIL", "DEADLINE", "OUT_OF_MEMORY", "SPECIAL_EXIT" -> JobStatus.FAILED;
            default -> JobStatus.UNKNOWN;
        };
    }

    static boolean terminal(String jobState) {
        JobStatus s = status(jobState);
        return s == JobStatus.SUCCEEDED || s == JobStatus.FAILED || s == JobStatus.CANCELLED;
    }

    /** Words for a task that ended with the job: Slurm's state and reason. */
    static String exitReason(String jobState, String reason, String cancelReason, boolean hasExitFile) {
        String base = base(jobState);
        String why = reason == null || reason.isEmpty() || "None".equals(reason) ? "" : " (" + reason + ")";
        if (cancelReason != null) {
            return cancelReason;
        }
        return switch (base) {
            case "COMPLETED" -> "exited";
            case "FAILED" -> hasExitFile ? "exited" : "slurm: FAILED" + why;
            case "CANCELLED" -> "killed: cancelled in slurm" + why;
            case "TIMEOUT" -> "killed: maxRuntime exceeded (slurm TIMEOUT)";
            case "NODE_FAIL" -> "slurm: NODE_FAIL, a node of the job failed" + why;
            case "PREEMPTED" -> "killed: preempted by slurm" + why;
            case "OUT_OF_MEMORY" -> "killed: out of memory (slurm OUT_OF_MEMORY)";
            case "BOOT_FAIL" -> "slurm: BOOT_FAIL, a node did not boot" + why;
            case "DEADLINE" -> "slurm: DEADLINE reached" + why;
            default -> "slurm: " + base + why;
        };
    }

    /**
     * Slurm's exit_code for a task without its own exit file: a wait status (code << 8 | signal) turned into
     * the shell convention, 128+signal when killed; 143 (SIGTERM) for killed states that carry no status.
     */
    static int exitCode(String jobState, int slurmExit) {
        int signal = slurmExit & 0x7f;
        int code = (slurmExit >> 8) & 0xff;
        if (signal != 0) {
            return 128 + signal;
        }
        if (code != 0) {
            return code;
        }
        return switch (base(jobState)) {
            case "COMPLETED" -> 0;
            case "CANCELLED", "TIMEOUT", "PREEMPTED", "NODE_FAIL" -> 143;
            case "OUT_OF_MEMORY" -> 137;
            default -> 1;
        };
    }
}
