package io.tttdiscover.cli.report;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.errors.WakeupException;

import java.time.Duration;
import java.util.function.Consumer;

/** A topic read on a daemon thread, from a start position until closed, each record handed to a sink. */
final class TopicFollower implements AutoCloseable {
    private final TopicReader reader;
    private final Thread thread;
    private volatile boolean running = true;

    TopicFollower(String bootstrap, String topic, TopicReader.Start start, String threadName,
                  Consumer<ConsumerRecord<String, String>> sink) {
        reader = new TopicReader(bootstrap, topic, start);
        thread = new Thread(() -> {
            try {
                while (running) {
                    reader.poll(Duration.ofMillis(500), sink);
                }
            } catch (WakeupException stopping) {
                // close() woke the poll up.
            } finally {
                reader.close();
            }
        }, threadName);
        thread.setDaemon(true);
        thread.start();
    }

    @Override
    public void close() {
        running = false;
        reader.wakeup();
        try {
            thread.join(5000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
