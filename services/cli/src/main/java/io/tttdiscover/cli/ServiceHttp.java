package io.tttdiscover.cli;

import java.net.http.HttpClient;
import java.time.Duration;

/**
 * The JDK HTTP client the CLI (and its tests) use to talk to the services' REST and /q endpoints.
 *
 * <p>Pinned to HTTP/1.1. The JDK client's default is HTTP/2, which on plain http means an h2c upgrade on the first
 * request of a connection; Quarkus accepts it, and CI once read a 2 MB /q/metrics answer through such a connection as
 * HTTP/2 frames ("Frame type(55) length(2260256) exceeds MAX_FRAME_SIZE(16384)"). The services gain nothing from
 * HTTP/2 on a loopback or in-cluster link, so nothing here asks for it.
 */
public final class ServiceHttp {
    private ServiceHttp() {
    }

    /** A client that speaks HTTP/1.1 only and gives up connecting after {@code connectTimeout}. */
    public static HttpClient client(Duration connectTimeout) {
        return HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(connectTimeout).build();
    }
}
