package io.tttdiscover.llm.http;

import java.nio.charset.StandardCharsets;

/** A status and body, whatever the status. */
public record HttpReply(int status, byte[] body) {
    public String text() {
        return new String(body, StandardCharsets.UTF_8);
    }

    public boolean ok() {
        return status >= 200 && status < 300;
    }
}
