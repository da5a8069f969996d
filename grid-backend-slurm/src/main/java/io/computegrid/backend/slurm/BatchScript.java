package io.computegrid.backend.slurm;

import java.util.List;

/**
 * The batch script of a gang: one {@code srun} step starts every task through a fixed wrapper that sets the
 * per-task GRID_* variables from Slurm's (SLURM_PROCID, SLURM_LOCALID, SLURM_STEP_GPUS, ...), sends the task's
 * output to {@code $GRID_LOG_DIR/task-N.log} and records its exit code in {@code .task-N.exit}. The user's
 * argv is only ever passed as single-quoted words, never interpolated into shell code.
 */
final class BatchScript {
    /** Runs as {@code bash -c WRAPPER grid-task ARGV...} on every task. Constant: it never contains user input. */
    static final String WRAPPER = String.join("\n",
            "export GRID_TASK_INDEX=\"$SLURM_PROCID\" GRID_NODE=\"${SLURMD_NODENAME:-$(hostname)}\"",
            "export GRID_MASTER_ADDR=\"${SLURM_LAUNCH_NODE_IPADDR:-127.0.0.1}\" GRID_MASTER_PORT=$((20000 + SLURM_JOB_ID % 20000))",
            "g=\"${SLURM_STEP_GPUS:-${SLURM_JOB_GPUS:-}}\"",
            "c=\"${GRID_CARDS_PER_TASK:-0}\"",
            "if [ \"$c\" -gt 0 ] && [ -n \"$g\" ]; then",
            "  IFS=, read -ra all <<<\"$g\"",
            "  sel=(\"${all[@]:$(( ${SLURM_LOCALID:-0} * c )):$c}\")",
            "  g=$(IFS=,; echo \"${sel[*]}\")",
            "else g=''; fi",
            "export GRID_ACCELERATORS=\"$g\"",
            "if [ -n \"${GRID_VISIBLE_DEVICES_ENV:-}\" ]; then export \"$GRID_VISIBLE_DEVICES_ENV=$g\"; fi",
            "unset GRID_VISIBLE_DEVICES_ENV GRID_CARDS_PER_TASK",
            "n=\"$GRID_TASK_INDEX\"",
            ": >>\"$GRID_LOG_DIR/.started\"",
            "\"$@\" >>\"$GRID_LOG_DIR/task-$n.log\" 2>&1 </dev/null",
            "rc=$?",
            "echo \"$rc\" >\"$GRID_LOG_DIR/.task-$n.exit.tmp\" && mv -f \"$GRID_LOG_DIR/.task-$n.exit.tmp\" \"$GRID_LOG_DIR/.task-$n.exit\"",
            "exit \"$rc\"");

    private BatchScript() {
    }

    static String render(long jobId, int attempt, String center, int tasks, List<String> command) {
        StringBuilder sb = new StringBuilder();
        sb.append("#!/bin/bash\n");
        sb.append("# computegrid job ").append(jobId).append(" attempt ").append(attempt)
                .append(" (center ").append(safeComment(center)).append(")\n");
        sb.append("GRID_TASK_WRAPPER=").append(quote(WRAPPER)).append('\n');
        sb.append("rm -f \"$GRID_LOG_DIR\"/.task-*.exit \"$GRID_LOG_DIR\"/.task-*.exit.tmp \"$GRID_LOG_DIR\"/.started\n");
        // srun needs slurmctld to create the step: while it cannot (an outage) and no task has started, try again
        sb.append("for try in $(seq 1 40); do\n");
        sb.append("  srun --export=ALL --ntasks=").append(tasks).append(" --kill-on-bad-exit=0 /bin/bash -c \"$GRID_TASK_WRAPPER\" grid-task");
        for (String arg : command) {
            sb.append(' ').append(quote(arg));
        }
        sb.append('\n');
        sb.append("  rc=$?\n");
        sb.append("  if [ \"$rc\" = 0 ] || [ -e \"$GRID_LOG_DIR/.started\" ]; then exit \"$rc\"; fi\n");
        sb.append("  echo \"computegrid: srun could not start the tasks (exit $rc); retrying in 3 s\" >&2; sleep 3\n");
        sb.append("done\n");
        sb.append("exit \"$rc\"\n");
        return sb.toString();
    }

    /** One shell word: single quotes, with each embedded quote written as '\''. Safe for any string (no NUL in Java args). */
    static String quote(String s) {
        if (s.indexOf('\0') >= 0) {
            throw new IllegalArgumentException("command arguments cannot contain NUL");
        }
        return "'" + s.replace("'", "'\\''") + "'";
    }

    private static String safeComment(String s) {
        return s.replaceAll("[^A-Za-z0-9_.-]", "_");
    }
}
