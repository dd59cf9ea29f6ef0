package io.tttdiscover.cli.report;

import io.tttdiscover.protocol.Topics;
import io.tttdiscover.protocol.event.CheckpointEvent;
import io.tttdiscover.protocol.event.EventCodec;
import io.tttdiscover.protocol.event.MalformedEventException;
import org.apache.kafka.clients.consumer.ConsumerRecord;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.TreeMap;

/**
 * One run's checkpoints still on the compacted {@code checkpoints} topic, by policy version. Compaction may have
 * removed older versions; the latest always survives.
 */
public final class CheckpointLog {
    private CheckpointLog() {
    }

    public static List<CheckpointEvent> read(String bootstrap, String runId) {
        TreeMap<Long, CheckpointEvent> byVersion = new TreeMap<>();
        for (ConsumerRecord<String, String> r : TopicReader.readToEnd(bootstrap, Topics.CHECKPOINTS,
                TopicReader.Start.BEGINNING)) {
            if (!runId.equals(r.key()) || r.value() == null) {
                continue;
            }
            try {
                CheckpointEvent e = EventCodec.checkpoint(r.value());
                byVersion.put(e.policyVersion(), e);
            } catch (MalformedEventException skipped) {
                // Not this reader's business: the sampler dead-letters it.
            }
        }
        List<CheckpointEvent> out = new ArrayList<>(byVersion.values());
        out.sort(Comparator.comparingLong(CheckpointEvent::policyVersion));
        return out;
    }
}
