package io.computegrid.agent;

import io.computegrid.agentapi.AgentApi;
import io.computegrid.agentapi.AgentApi.Command;
import io.computegrid.agentapi.AgentApi.PollReply;
import io.computegrid.agentapi.AgentApi.PollRequest;
import io.computegrid.agentapi.AgentApi.TaskKey;
import io.computegrid.backend.BackendException;
import io.computegrid.backend.LaunchRequest;
import io.computegrid.backend.TaskLaunch;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The command long poll: each poll acknowledges what the last one brought and waits up to 20 s for new commands.
 * A command is carried out at most once (by id, and a launch at most once per job attempt), so a command
 * delivered again after a lost acknowledgement or a server restart changes nothing.
 */
final class CommandLoop {
    private static final long WAIT_MILLIS = AgentApi.MAX_WAIT_MILLIS;
    private final Agent agent;
    private final List<Long> acks = new ArrayList<>();
    private final Set<Long> done = lru(10_000);
    private final Set<String> launched = lru(10_000);
    private final Set<String> cancelled = lru(10_000);

    CommandLoop(Agent agent) {
        this.agent = agent;
    }

    private static <T> Set<T> lru(int max) {
        return Collections.newSetFromMap(new LinkedHashMap<T, Boolean>() {
            @Override
            protected boolean removeEldestEntry(Map.Entry<T, Boolean> eldest) {
                return size() > max;
            }
        });
    }

    void run() {
        Backoff wait = new Backoff(200, agent.retryCap());
        while (!agent.stopping()) {
            try {
                List<Long> sending = List.copyOf(acks);
                PollReply reply = agent.link().post(AgentApi.POLL, new PollRequest(sending, WAIT_MILLIS),
                        PollReply.class, Duration.ofMillis(WAIT_MILLIS + 5_000));
                acks.removeAll(sending);
                wait.reset();
                for (Command c : reply.commands()) {
                    if (agent.stopping()) {
                        return;
                    }
                    execute(c);
                }
            } catch (ServerLink.Unreachable e) {
                if (!wait.pause()) {
                    return;
                }
            } catch (ServerLink.Refused e) {
                if (!SyncLoop.handleRefusal(agent, e) || !wait.pause()) {
                    return;
                }
            } catch (RuntimeException e) {
                agent.say("command poll failed: " + e);
                if (!wait.pause()) {
                    return;
                }
            }
        }
    }

    private void execute(Command c) {
        String attempt = c.jobId() + "/" + c.attempt();
        if (!done.contains(c.id())) {
            if (AgentApi.LAUNCH.equals(c.type()) && c.launch() != null) {
                if (!cancelled.contains(attempt) && launched.add(attempt)) {
                    launch(c);
                }
            } else if (AgentApi.CANCEL.equals(c.type())) {
                cancelled.add(attempt);
                agent.backend().cancel(c.jobId(), c.attempt(), agent.table().handle(c.jobId(), c.attempt()), c.reason());
            }
            done.add(c.id());
        }
        acks.add(c.id());
    }

    private void launch(Command c) {
        LaunchRequest r = c.launch().toRequest(c.jobId(), c.attempt(), agent.work().logDir(c.jobId(), c.attempt()),
                agent.work().checkpointDir(c.jobId()));
        List<Integer> indices = r.tasks().stream().map(TaskLaunch::index).toList();
        for (int i : indices) {
            agent.shipper().follow(new TaskKey(c.jobId(), c.attempt(), i), r.logDir().resolve("task-" + i + ".log"));
        }
        for (int tries = 1; ; tries++) {
            try {
                agent.backend().launch(r);
                return;
            } catch (BackendException e) {
                // a card or port still held by a task that is being stopped frees up within the kill grace
                if (!e.retryable() || tries >= 5 || !new Backoff(1_000, 1_000).pause()) {
                    agent.say("job " + c.jobId() + " attempt " + c.attempt() + " cannot start: " + e.getMessage());
                    agent.table().failedToStart(c.jobId(), c.attempt(), indices, 127, "failed to start on agent "
                            + agent.options().name() + ": " + e.getMessage());
                    return;
                }
            }
        }
    }
}
