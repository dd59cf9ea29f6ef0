package io.tttdiscover.llm.http;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.Semaphore;

/** One POST at a time per permit: the JDK client with a bound on requests in flight to one model server. */
public final class JsonPost {
    private final HttpClient client;
    private final Semaphore permits;

    public JsonPost(Duration connectTimeout, int maxConcurrency) {
        this.client = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(connectTimeout)
                .build();
        this.permits = new Semaphore(maxConcurrency, true);
    }

    /** A single attempt; I/O failures (refused, reset, timed out) surface as IOException for the caller to retry. */
    public HttpReply post(URI uri, Map<String, String> headers, String contentType, byte[] body, Duration timeout)
            throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(uri)
                .timeout(timeout)
                .header("Content-Type", contentType)
                .POST(HttpRequest.BodyPublishers.ofByteArray(body));
        headers.forEach(request::header);
        permits.acquire();
        try {
            HttpResponse<byte[]> response = client.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
            return new HttpReply(response.statusCode(), response.body());
        } finally {
            permits.release();
        }
    }
}
