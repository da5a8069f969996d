package io.computegrid.backend.local;

import java.nio.file.Path;

/**
 * A control plane that dies in the middle of a launch ({@link LocalBackendGateTest}): it launches one task whose
 * command writes a marker file, prints the handle its recorder was given, and never returns from recording it.
 */
public final class GatedLaunchMain {
    private GatedLaunchMain() {
    }

    public static void main(String[] args) throws Exception {
        Path root = Path.of(args[0]);
        LocalBackend b = new LocalBackend("cloud", new Recorder(), LocalBackendLaunchTest.FAST);
        b.launch(Jobs.job(90, root).command("sh", "-c", "echo ran > " + root.resolve("marker")).build(), handle -> {
            System.out.println(handle);
            System.out.flush();
            try {
                Thread.sleep(Long.MAX_VALUE); // killed here, with the handle not yet durable
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
    }
}
