package io.tttdiscover.messaging;

import io.smallrye.common.annotation.Identifier;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.infrastructure.Infrastructure;
import io.smallrye.reactive.messaging.kafka.IncomingKafkaRecord;
import io.smallrye.reactive.messaging.kafka.KafkaConnectorIncomingConfiguration;
import io.smallrye.reactive.messaging.kafka.KafkaConsumer;
import io.smallrye.reactive.messaging.kafka.fault.KafkaFailureHandler;
import io.tttdiscover.protocol.Topics;
import io.vertx.mutiny.core.Vertx;
import jakarta.enterprise.context.ApplicationScoped;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.eclipse.microprofile.reactive.messaging.Metadata;
import org.jboss.logging.Logger;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.function.BiConsumer;

/**
 * The failure strategy {@value #NAME}: a nacked record goes to the channel's {@code dead-letter-queue.topic} as the
 * consumed bytes (key and value as they were read, so the channel deserializes with {@code ByteArrayDeserializer}),
 * with SmallRye's dead-letter headers ({@value Topics#DEAD_LETTER_REASON_HEADER} and the others) and the record's own.
 * Then the record is acknowledged, so its offset is committed, even when the dead-letter write failed: that failure
 * is logged and the channel goes on. (SmallRye's {@code dead-letter-queue} strategy stops the channel there, and a
 * restarted consumer reads the same record and stops again.) The producer takes
 * {@code dead-letter-queue.max.request.size}, default {@link Topics#MAX_DEAD_LETTER_BYTES}.
 */
@ApplicationScoped
@Identifier(DeadLetterOrSkip.NAME)
public class DeadLetterOrSkip implements KafkaFailureHandler.Factory {
    public static final String NAME = "dead-letter-or-skip";
    private static final Logger LOG = Logger.getLogger(DeadLetterOrSkip.class);
    /** A reason longer than this is cut, so the headers stay within {@link Topics#DEAD_LETTER_HEADROOM_BYTES}. */
    private static final int MAX_REASON_CHARS = 4096;

    @Override
    public KafkaFailureHandler create(KafkaConnectorIncomingConfiguration config, Vertx vertx,
                                      KafkaConsumer<?, ?> consumer, BiConsumer<Throwable, Boolean> reportFailure) {
        String channel = config.getChannel();
        String topic = config.getDeadLetterQueueTopic()
                .orElseGet(() -> Topics.deadLetter(config.getTopic().orElse(channel)));
        Map<String, Object> producerConfig = new HashMap<>();
        consumer.configuration().forEach((key, value) -> {
            if (key.equals(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG) || key.startsWith("security.")
                    || key.startsWith("sasl.") || key.startsWith("ssl.")) {
                producerConfig.put(key, value);
            }
        });
        producerConfig.put(ProducerConfig.CLIENT_ID_CONFIG, "dead-letter-" + channel);
        producerConfig.put(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, config.config()
                .getOptionalValue("dead-letter-queue.max.request.size", Integer.class)
                .orElse(Topics.MAX_DEAD_LETTER_BYTES));
        KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(producerConfig, new ByteArraySerializer(),
                new ByteArraySerializer());
        return new Handler(channel, topic, producer);
    }

    private record Handler(String channel, String topic, KafkaProducer<byte[], byte[]> producer)
            implements KafkaFailureHandler {

        @Override
        public <K, V> Uni<Void> handle(IncomingKafkaRecord<K, V> record, Throwable reason, Metadata metadata) {
            ProducerRecord<byte[], byte[]> dead = new ProducerRecord<>(topic, bytes(record.getKey()),
                    bytes(record.getPayload()));
            header(dead, "dead-letter-exception-class-name", reason.getClass().getName());
            header(dead, Topics.DEAD_LETTER_REASON_HEADER, message(reason));
            if (reason.getCause() != null) {
                header(dead, "dead-letter-cause-class-name", reason.getCause().getClass().getName());
                header(dead, "dead-letter-cause", message(reason.getCause()));
            }
            header(dead, "dead-letter-topic", record.getTopic());
            header(dead, "dead-letter-partition", Integer.toString(record.getPartition()));
            header(dead, "dead-letter-offset", Long.toString(record.getOffset()));
            record.getHeaders().forEach(h -> dead.headers().add(h));
            String where = record.getTopic() + "-" + record.getPartition() + "@" + record.getOffset();
            // send() may block on metadata: off the event loop.
            return Uni.createFrom().<Void>emitter(written -> producer.send(dead, (ignored, failure) -> {
                        if (failure == null) {
                            LOG.warnf("channel %s: %s dead-lettered to %s: %s", channel, where, topic,
                                    message(reason));
                        } else {
                            LOG.errorf(failure, "channel %s: %s could not be dead-lettered to %s either; skipped "
                                    + "(%s)", channel, where, topic, message(reason));
                        }
                        written.complete(null);
                    }))
                    .runSubscriptionOn(Infrastructure.getDefaultWorkerPool())
                    .onFailure().recoverWithItem(failure -> {
                        LOG.errorf(failure, "channel %s: %s could not be dead-lettered; skipped", channel, where);
                        return null;
                    })
                    .chain(() -> Uni.createFrom().completionStage(record.ack()))
                    .emitOn(record::runOnMessageContext);
        }

        @Override
        public void terminate() {
            producer.close(Duration.ofSeconds(5));
        }

        private static byte[] bytes(Object o) {
            if (o == null || o instanceof byte[]) {
                return (byte[]) o;
            }
            return o.toString().getBytes(StandardCharsets.UTF_8);
        }

        private static void header(ProducerRecord<byte[], byte[]> record, String name, String value) {
            record.headers().add(name, value.getBytes(StandardCharsets.UTF_8));
        }

        private static String message(Throwable t) {
            String text = t.getMessage() == null ? t.toString() : t.getMessage();
            return text.length() <= MAX_REASON_CHARS ? text : text.substring(0, MAX_REASON_CHARS) + "...";
        }
    }
}
