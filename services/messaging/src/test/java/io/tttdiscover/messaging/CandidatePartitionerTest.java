package io.tttdiscover.messaging;

import io.tttdiscover.protocol.event.CandidateEvent;
import org.apache.kafka.common.Cluster;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.utils.Utils;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class CandidatePartitionerTest {

    @Test
    void aGroupCoversConsecutivePartitionsOncePerRound() {
        for (String prompt : List.of("run-1a2b3c4d-s0-g0", "run-1a2b3c4d-s0-g1", "run-ffffffff-s17-g3")) {
            Set<Integer> seen = new HashSet<>();
            for (int sample = 0; sample < 8; sample++) {
                seen.add(CandidatePartitioner.partitionOf(CandidateEvent.idOf(prompt, sample), 8));
            }
            assertEquals(8, seen.size(), "8 samples of " + prompt + " on 8 distinct partitions");
            int first = CandidatePartitioner.partitionOf(CandidateEvent.idOf(prompt, 0), 8);
            assertEquals((first + 3) % 8, CandidatePartitioner.partitionOf(CandidateEvent.idOf(prompt, 3), 8));
        }
    }

    @Test
    void twoReplicasOfFourPartitionsGetEqualSharesOfEveryStep() {
        // 200 steps of 2 groups x 8 on 8 partitions: the first replica holds partitions 0-3, the second 4-7.
        int uneven = 0;
        for (int step = 0; step < 200; step++) {
            int first = 0;
            for (int g = 0; g < 2; g++) {
                for (int s = 0; s < 8; s++) {
                    String id = CandidateEvent.idOf("run-0badcafe-s" + step + "-g" + g, s);
                    first += CandidatePartitioner.partitionOf(id, 8) < 4 ? 1 : 0;
                }
            }
            assertEquals(8, first, "step " + step);
            int hashedFirst = 0;
            for (int g = 0; g < 2; g++) {
                for (int s = 0; s < 8; s++) {
                    byte[] key = CandidateEvent.idOf("run-0badcafe-s" + step + "-g" + g, s)
                            .getBytes(StandardCharsets.UTF_8);
                    hashedFirst += Utils.toPositive(Utils.murmur2(key)) % 8 < 4 ? 1 : 0;
                }
            }
            uneven += hashedFirst != 8 ? 1 : 0;
        }
        // What the default would have done: most steps uneven (the reason this partitioner exists).
        assertTrue(uneven > 100, "whole-key hashing split " + uneven + " of 200 steps unevenly");
    }

    @Test
    void otherKeysAreHashedWholeAndNoKeyGoesToPartitionZero() {
        for (String key : List.of("hand-made", "no-number-x", "trailing-", "-5", "big-12345678901", "x")) {
            int expected = Utils.toPositive(Utils.murmur2(key.getBytes(StandardCharsets.UTF_8))) % 6;
            assertEquals(expected, CandidatePartitioner.partitionOf(key, 6), key);
        }
        assertEquals(0, CandidatePartitioner.partitionOf(null, 6));
        assertEquals(0, CandidatePartitioner.partitionOf("run-a-s0-g0-5", 1));
        assertThrows(IllegalArgumentException.class, () -> CandidatePartitioner.partitionOf("a-1", 0));
    }

    @Test
    void asAKafkaPartitionerItReadsThePartitionCountFromTheCluster() {
        Node node = new Node(0, "localhost", 9092);
        List<PartitionInfo> infos = new ArrayList<>();
        for (int p = 0; p < 3; p++) {
            infos.add(new PartitionInfo("candidate-kernels", p, node, new Node[] {node}, new Node[] {node}));
        }
        Cluster cluster = new Cluster("c", List.of(node), infos, Set.of(), Set.of());
        try (CandidatePartitioner partitioner = new CandidatePartitioner()) {
            Set<Integer> seen = new HashSet<>();
            for (int s = 0; s < 3; s++) {
                String key = CandidateEvent.idOf("run-1-s0-g0", s);
                seen.add(partitioner.partition("candidate-kernels", key, key.getBytes(StandardCharsets.UTF_8),
                        null, null, cluster));
            }
            assertEquals(Set.of(0, 1, 2), seen);
        }
    }
}
