package io.tttdiscover.bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/** A {@link ReplicaMain} started as a child JVM; its events come back over its stdout. */
public final class ChildReplica implements Replica {
    private final String name;
    private final Process process;
    private volatile boolean ready;

    public ChildReplica(String mode, String bootstrap, String topic, String group, String name, int readAhead,
                        Events events) throws IOException {
        this.name = name;
        List<String> cmd = new ArrayList<>(List.of(
                ProcessHandle.current().info().command().orElse("java"), "-Xmx256m", "-XX:TieredStopAtLevel=1",
                "-cp", System.getProperty("java.class.path"), ReplicaMain.class.getName(),
                mode, bootstrap, topic, group, name, Integer.toString(readAhead)));
        process = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.DISCARD).start();
        Thread reader = new Thread(() -> {
            try (BufferedReader in = new BufferedReader(
                    new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = in.readLine()) != null) {
                    String[] f = line.split(" ");
                    if (line.equals("READY")) {
                        ready = true;
                    } else if (f.length == 5 && f[0].equals("EV")) {
                        long at = Long.parseLong(f[4]);
                        if (f[1].equals("started")) {
                            events.started(f[2], f[3], at);
                        } else {
                            events.finished(f[2], f[3], at);
                        }
                    }
                }
            } catch (IOException ignored) {
                // The child was killed: its stdout ends.
            }
        }, name + "-stdout");
        reader.setDaemon(true);
        reader.start();
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public boolean ready() {
        return ready;
    }

    /** SIGKILL: no close, no leave-group, no acknowledgement; the broker finds out by timeouts. */
    public void kill() {
        process.destroyForcibly();
    }

    @Override
    public void close() {
        process.destroyForcibly();
    }
}
