package io.computegrid.backend.slurm;

import io.computegrid.backend.Backend.JobStatus;
import io.computegrid.backend.BackendException;
import io.computegrid.backend.DiscoveredNode;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import tools.jackson.databind.JsonNode;

/**
 * A Slurm center's nodes as computegrid sees them: the partition's nodes with their GPU gres, and the cards
 * Slurm runs for others ({@code gres_used} minus the cards of our own running jobs).
 */
final class SlurmDiscovery {
    private final String center;
    private final SlurmSettings settings;
    private final SlurmRestClient rest;

    SlurmDiscovery(String center, SlurmSettings settings, SlurmRestClient rest) {
        this.center = center;
        this.settings = settings;
        this.rest = rest;
    }

    List<DiscoveredNode> discover() throws BackendException {
        JsonNode part = partition();
        List<String> members = Hostlist.expand(part.path("nodes").asString(""));
        Map<String, Integer> ours = new HashMap<>();
        for (JsonNode j : rest.jobs()) {
            Matcher m = SlurmBackend.COMMENT.matcher(j.path("comment").asString(""));
            if (!m.find() || !m.group(1).equals(center.replaceAll("\\s", "_")) || SlurmStates.status(j.path("job_state").asString("")) != JobStatus.RUNNING) {
                continue;
            }
            List<String> names = Hostlist.expand(j.path("nodes").asString(""));
            JsonNode detail = j.path("gres_detail");
            int perNode = Gres.count(j.path("tres_per_node").asString("").replace("gres:", ""), "gpu");
            for (int i = 0; i < names.size(); i++) {
                int n = detail.size() == names.size() ? Gres.count(detail.get(i).asString(""), "gpu") : perNode;
                ours.merge(names.get(i), n, Integer::sum);
            }
        }
        List<DiscoveredNode> out = new ArrayList<>();
        for (JsonNode n : rest.get("/nodes").path("nodes")) {
            String name = n.path("name").asString("");
            if (!members.contains(name)) {
                continue;
            }
            String gres = n.path("gres").asString("");
            int cards = Gres.count(gres, "gpu");
            int used = Gres.count(n.path("gres_used").asString(""), "gpu");
            int foreign = Math.max(0, Math.min(cards, used - ours.getOrDefault(name, 0)));
            out.add(new DiscoveredNode(name, settings.partition(), model(Gres.type(gres, "gpu")), cards,
                    n.path("cpus").asInt(0) * 1000, n.path("real_memory").asLong(0), foreign, nodeUp(n)));
        }
        return out;
    }

    private String model(String gresType) {
        if (gresType == null || gresType.isEmpty()) {
            return settings.accelerator();
        }
        return gresType.contains("-") ? gresType.toLowerCase() : "nvidia-" + gresType.toLowerCase();
    }

    static boolean nodeUp(JsonNode n) {
        String state = n.path("state").asString("").toLowerCase();
        if (state.contains("down") || state.contains("fail") || state.contains("drain") || state.contains("unknown")
                || state.contains("future")) {
            return false;
        }
        for (JsonNode f : n.path("state_flags")) {
            String flag = f.asString("").toUpperCase();
            if (flag.startsWith("DRAIN") || flag.equals("NOT_RESPONDING") || flag.equals("FAIL") || flag.startsWith("POWER")
                    || flag.equals("MAINTENANCE") || flag.equals("REBOOT_REQUESTED")) {
                return false;
            }
        }
        return true;
    }

    JsonNode partition() throws BackendException {
        JsonNode reply;
        try {
            reply = rest.get("/partition/" + settings.partition());
        } catch (SlurmRestClient.SlurmError e) {
            throw new BackendException("center " + center + " (slurm): partition '" + settings.partition()
                    + "' does not exist in the cluster (" + e.errors + ")", false, e);
        }
        JsonNode parts = reply.path("partitions");
        if (parts.isEmpty()) {
            throw new BackendException("center " + center + " (slurm): partition '" + settings.partition() + "' does not exist in the cluster", false);
        }
        return parts.get(0);
    }
}
