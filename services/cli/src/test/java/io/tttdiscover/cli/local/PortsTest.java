package io.tttdiscover.cli.local;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PortsTest {

    @Test
    void aFreePortIsBindableAndBelowTheKernelsEphemeralRange() throws IOException {
        for (int i = 0; i < 20; i++) {
            int port = Ports.free();
            assertTrue(port >= Ports.BELOW_EPHEMERAL_FROM && port < Ports.EPHEMERAL_LOW,
                    "port " + port + " is not in [" + Ports.BELOW_EPHEMERAL_FROM + ", " + Ports.EPHEMERAL_LOW + ")");
            try (ServerSocket s = new ServerSocket()) {
                s.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 1);
                assertFalse(Ports.isFree(port), "a port something listens on is not free");
            }
        }
    }
}
