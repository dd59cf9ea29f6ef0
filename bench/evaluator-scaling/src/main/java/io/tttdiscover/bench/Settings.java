package io.tttdiscover.bench;

/**
 * Time is scaled down 10x: evaluations of 1-60 s take 0.1-6 s here, and so do the timeouts that race them
 * (the evaluator's session.timeout.ms 15 s becomes 1.5 s, a share group's 30 s record lock 3 s, and so on).
 */
public final class Settings {
    public static final int SCALE = 10;
    /** Consumer group: the evaluator's session.timeout.ms / heartbeat.interval.ms, scaled. */
    public static final int GROUP_SESSION_MS = 15_000 / SCALE;
    public static final int GROUP_HEARTBEAT_MS = 3_000 / SCALE;
    /** SmallRye's throttled commit commits every auto.commit.interval.ms (5 s), scaled. */
    public static final int GROUP_COMMIT_EVERY_MS = 5_000 / SCALE;
    /** Share group: the broker's default record lock (30 s), session timeout (45 s), heartbeat (5 s), scaled. */
    public static final int SHARE_LOCK_MS = 30_000 / SCALE;
    public static final int SHARE_SESSION_MS = 45_000 / SCALE;
    public static final int SHARE_HEARTBEAT_MS = 5_000 / SCALE;

    private Settings() {
    }
}
