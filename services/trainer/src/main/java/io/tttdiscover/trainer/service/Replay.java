package io.tttdiscover.trainer.service;

import io.tttdiscover.trainer.messaging.RecordedRewards;

/**
 * What a replay run replays (stored with the run as JSON): the recorded run it reads from the {@code rewards} topic,
 * how, and from where in that run's partition.
 *
 * @param of         the recorded run's id
 * @param fromOffset start at this offset of the recorded run's partition of {@code rewards}; null: the beginning
 * @param fromTimeMs start at the first reward recorded at or after this time (epoch ms); null: the beginning
 */
public record Replay(Kind kind, String of, Long fromOffset, Long fromTimeMs) {

    public enum Kind {
        /** A new policy trained, step by step, on the recorded rewards; no prompts go out. */
        RETRAIN,
        /** The recorded candidates evaluated again by the evaluators deployed now; nothing is trained. */
        RESCORE
    }

    RecordedRewards.Start start() {
        return new RecordedRewards.Start(fromOffset, fromTimeMs);
    }
}
