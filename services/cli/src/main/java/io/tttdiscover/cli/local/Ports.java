package io.tttdiscover.cli.local;

import java.io.BufferedReader;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.ThreadLocalRandom;

/** Free TCP ports on the loopback interface. */
public final class Ports {
    private Ports() {
    }

    /** {@code preferred} if nothing listens there, else any free port. */
    public static int preferOrFree(int preferred) {
        return isFree(preferred) ? preferred : free();
    }

    /**
     * A free port below the kernel's ephemeral range where it can find one ({@link #EPHEMERAL_LOW}): a port the
     * kernel hands out is also what it gives the next outgoing connection, so between picking it and a service binding
     * it a Kafka client's connection could take it (a trainer once failed to start: "Port 42505 seems to be in use").
     * Falls back to a port the kernel picks.
     */
    public static int free() {
        int high = Math.min(EPHEMERAL_LOW, 65536) - 1;
        if (high - BELOW_EPHEMERAL_FROM >= 1000) {
            ThreadLocalRandom rng = ThreadLocalRandom.current();
            for (int i = 0; i < 50; i++) {
                int port = rng.nextInt(BELOW_EPHEMERAL_FROM, high + 1);
                if (isFree(port)) {
                    return port;
                }
            }
        }
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            s.setReuseAddress(true);
            return s.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException("no free port", e);
        }
    }

    /** Where {@link #free} starts looking below the ephemeral range. */
    static final int BELOW_EPHEMERAL_FROM = 20000;
    /** The low end of the kernel's ephemeral port range (Linux: ip_local_port_range), 32768 when unknown. */
    static final int EPHEMERAL_LOW = ephemeralLow();

    private static int ephemeralLow() {
        // read as a stream: Files.readString trusts the size a /proc file reports and returned "3" for "32768 60999"
        try (BufferedReader in = Files.newBufferedReader(Path.of("/proc/sys/net/ipv4/ip_local_port_range"))) {
            int low = Integer.parseInt(in.readLine().trim().split("\\s+")[0]);
            return low >= 1024 && low <= 65535 ? low : 32768;
        } catch (IOException | RuntimeException e) {
            return 32768;
        }
    }

    public static boolean isFree(int port) {
        try (ServerSocket s = new ServerSocket()) {
            s.setReuseAddress(true);
            s.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 1);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    public static boolean answers(String host, int port) {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress(host, port), 500);
            return true;
        } catch (IOException e) {
            return false;
        }
    }
}
