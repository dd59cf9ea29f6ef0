package io.tttdiscover.bench;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.FeatureUpdate;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.UpdateFeaturesOptions;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.GroupState;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.common.test.KafkaClusterTestKit;
import org.apache.kafka.common.test.TestKitNodes;

import java.io.File;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One step of 64 candidates with uneven evaluation times, evaluated by R replicas of one worker each, under a
 * consumer group (read-ahead 128 and 1) and a share group, on a real single-node KRaft broker in this JVM.
 * Args: [output file] [quick]. See bench/evaluator-scaling/README.md.
 */
public final class EvaluatorScalingBenchmark {
    static final int PARTITIONS = 8;
    static final int CANDIDATES = 64;
    static final long SEED = 20261113L;
    static final int[] REPLICAS = {1, 2, 4, 8, 12, 16};

    enum Mode {
        GROUP_128("consumer group, read-ahead 128, 8 partitions", "group", 128, PARTITIONS),
        GROUP_1("consumer group, read-ahead 1, 8 partitions", "group", 1, PARTITIONS),
        SHARE_8("share group, 8 partitions", "share", 1, PARTITIONS),
        SHARE_1("share group, 1 partition", "share", 1, 1);

        final String label;
        final String kind;
        final int readAhead;
        /** Share groups share a partition between members only when members outnumber partitions. */
        final int partitions;

        Mode(String label, String kind, int readAhead, int partitions) {
            this.label = label;
            this.kind = kind;
            this.readAhead = readAhead;
            this.partitions = partitions;
        }
    }

    enum Scenario { STEADY, ADD_REPLICAS, KILL_REPLICA }

    private final String bootstrap;
    private final Admin admin;
    private final KafkaProducer<String, String> producer;
    private final AtomicInteger runs = new AtomicInteger();

    private EvaluatorScalingBenchmark(String bootstrap) {
        this.bootstrap = bootstrap;
        this.admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap));
        this.producer = new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ProducerConfig.LINGER_MS_CONFIG, 0), new StringSerializer(), new StringSerializer());
    }

    /** Evaluation times, 1-60 s heavy-tailed (Pareto, shape 1.1, from 1 s, capped at 60 s), scaled down 10x, in ms. */
    static long[] evaluationMs() {
        Random random = new Random(SEED);
        long[] ms = new long[CANDIDATES];
        for (int i = 0; i < CANDIDATES; i++) {
            double seconds = Math.min(60.0, 1.0 / Math.pow(1.0 - random.nextDouble(), 1.0 / 1.1));
            ms[i] = Math.round(seconds * 1000.0 / Settings.SCALE);
        }
        return ms;
    }

    static String candidateId(int i) {
        return String.format(Locale.ROOT, "c%02d", i);
    }

    /** Which replica did what, when; duplicates counted. */
    static final class Ledger implements Events {
        final Map<String, Long> firstFinish = new ConcurrentHashMap<>();
        final Map<String, String> inFlight = new ConcurrentHashMap<>();
        final Map<String, List<Long>> starts = new ConcurrentHashMap<>();
        final AtomicInteger evaluations = new AtomicInteger();
        final Map<String, Long> firstStartBy = new ConcurrentHashMap<>();
        /** Every event, for target/trace/ (a run's timeline). */
        final java.util.Queue<String> trace = new java.util.concurrent.ConcurrentLinkedQueue<>();

        @Override
        public void started(String replica, String candidate, long atMs) {
            inFlight.put(replica, candidate);
            starts.computeIfAbsent(candidate, c -> new java.util.concurrent.CopyOnWriteArrayList<>()).add(atMs);
            firstStartBy.putIfAbsent(replica, atMs);
            trace.add(atMs + " " + replica + " started " + candidate);
        }

        @Override
        public void finished(String replica, String candidate, long atMs) {
            inFlight.remove(replica, candidate);
            evaluations.incrementAndGet();
            firstFinish.putIfAbsent(candidate, atMs);
            trace.add(atMs + " " + replica + " finished " + candidate);
        }
    }

    record Result(Mode mode, Scenario scenario, int replicas, long latencyMs, long idealMs, int evaluations,
                  long pausedMs, String note) {
    }

    Result run(Mode mode, Scenario scenario, int replicas, long[] evalMs) throws Exception {
        int n = runs.incrementAndGet();
        String topic = "candidates-" + n;
        String group = "evaluator-" + n;
        admin.createTopics(List.of(new NewTopic(topic, mode.partitions, (short) 1))).all().get();
        if (mode.kind.equals("share")) {
            admin.incrementalAlterConfigs(Map.of(new ConfigResource(ConfigResource.Type.GROUP, group), List.of(
                    new AlterConfigOp(new ConfigEntry("share.auto.offset.reset", "earliest"),
                            AlterConfigOp.OpType.SET)))).all().get();
        }
        Ledger ledger = new Ledger();
        AtomicLong renewals = new AtomicLong();
        List<Replica> fleet = new ArrayList<>();
        ChildReplica victim = null;
        for (int i = 0; i < replicas; i++) {
            if (scenario == Scenario.KILL_REPLICA && i == 0) {
                victim = new ChildReplica(mode.kind, bootstrap, topic, group, "r0", mode.readAhead, ledger);
                fleet.add(victim);
            } else {
                fleet.add(replica(mode, "r" + i, topic, group, ledger, renewals));
            }
        }
        awaitStable(mode, group, fleet);

        long t0 = System.currentTimeMillis();
        for (int i = 0; i < CANDIDATES; i++) {
            producer.send(new ProducerRecord<>(topic, candidateId(i), Long.toString(evalMs[i])));
        }
        producer.flush();

        java.util.function.Supplier<String> note = () -> "";
        if (scenario == Scenario.ADD_REPLICAS) {
            sleepUntil(t0 + 2000);
            long joinAt = System.currentTimeMillis();
            List<String> added = new ArrayList<>();
            for (int i = replicas; i < replicas * 2; i++) {
                fleet.add(replica(mode, "r" + i, topic, group, ledger, renewals));
                added.add("r" + i);
            }
            note = () -> "added " + added.size() + " at 2.0 s; first work on a new replica "
                    + firstWork(ledger, added, joinAt) + " after joining";
        } else if (scenario == Scenario.KILL_REPLICA) {
            sleepUntil(t0 + 2000);
            String inFlight;
            while ((inFlight = ledger.inFlight.get("r0")) == null && System.currentTimeMillis() < t0 + 30_000) {
                Thread.sleep(10);
            }
            long killedAt = System.currentTimeMillis();
            String held = inFlight;
            int startsBefore = held == null ? 0 : ledger.starts.get(held).size();
            victim.kill();
            note = () -> "killed r0 at " + secs(killedAt - t0) + " s mid-" + held + "; " + held + " restarted "
                    + redelivery(ledger, held, startsBefore, killedAt) + " later";
        }
        long deadline = System.currentTimeMillis() + 300_000;
        while (ledger.firstFinish.size() < CANDIDATES && System.currentTimeMillis() < deadline) {
            Thread.sleep(5);
        }
        long last = ledger.firstFinish.values().stream().mapToLong(Long::longValue).max().orElse(t0);
        long paused = fleet.stream().mapToLong(Replica::rebalancePausedMs).max().orElse(0);
        closeAll(fleet);
        Path traceFile = Path.of("target/trace/" + n + "-" + mode + "-" + scenario + "-R" + replicas + ".txt");
        Files.createDirectories(traceFile.getParent());
        Files.write(traceFile, ledger.trace.stream().map(l -> {
            String[] f = l.split(" ", 2);
            return (Long.parseLong(f[0]) - t0) + " " + f[1];
        }).sorted(java.util.Comparator.comparingLong(l -> Long.parseLong(l.split(" ")[0]))).toList());
        String text = note.get();
        if (ledger.firstFinish.size() < CANDIDATES) {
            text += " INCOMPLETE: " + ledger.firstFinish.size() + " of " + CANDIDATES;
        }
        if (renewals.get() > 0) {
            text += (text.isEmpty() ? "" : "; ") + renewals.get() + " lock renewals";
        }
        int effective = scenario == Scenario.ADD_REPLICAS ? replicas * 2 : replicas;
        return new Result(mode, scenario, replicas, last - t0, ideal(evalMs, effective), ledger.evaluations.get(),
                paused, text);
    }

    /** How long after joining one of the added replicas started its first evaluation. */
    private static String firstWork(Ledger ledger, List<String> added, long joinAt) {
        long first = added.stream().map(ledger.firstStartBy::get).filter(java.util.Objects::nonNull)
                .mapToLong(Long::longValue).min().orElse(-1);
        return first < 0 ? "never" : secs(first - joinAt) + " s";
    }

    /** How long after the kill the candidate the killed replica held started again elsewhere. */
    private static String redelivery(Ledger ledger, String held, int startsBefore, long killedAt) {
        if (held == null) {
            return "n/a";
        }
        List<Long> s = ledger.starts.get(held);
        return s.size() > startsBefore ? secs(s.get(startsBefore) - killedAt) + " s" : "never";
    }

    private Replica replica(Mode mode, String name, String topic, String group, Ledger ledger, AtomicLong renewals) {
        return mode.kind.equals("share")
                ? new ShareReplica(name, bootstrap, topic, group, ledger, renewals)
                : new GroupReplica(name, bootstrap, topic, group, mode.readAhead, ledger);
    }

    /** Every replica has joined and the group is stable: the step starts on a warm fleet. */
    private void awaitStable(Mode mode, String group, List<Replica> fleet) throws Exception {
        long deadline = System.currentTimeMillis() + 60_000;
        while (System.currentTimeMillis() < deadline) {
            if (fleet.stream().allMatch(Replica::ready)) {
                GroupState state;
                int members;
                try {
                    if (mode.kind.equals("share")) {
                        var d = admin.describeShareGroups(List.of(group)).describedGroups().get(group).get();
                        state = d.groupState();
                        members = d.members().size();
                    } else {
                        var d = admin.describeConsumerGroups(List.of(group)).describedGroups().get(group).get();
                        state = d.groupState();
                        members = d.members().size();
                    }
                } catch (java.util.concurrent.ExecutionException e) {
                    // Not created yet: no member has reached the coordinator.
                    state = GroupState.UNKNOWN;
                    members = 0;
                }
                if (state == GroupState.STABLE && members == fleet.size()) {
                    Thread.sleep(500);
                    return;
                }
            }
            Thread.sleep(50);
        }
        throw new IllegalStateException("group " + group + " did not become stable with " + fleet.size() + " members");
    }

    private static void closeAll(List<Replica> fleet) throws InterruptedException {
        List<Thread> closing = fleet.stream().map(r -> new Thread(r::close)).toList();
        closing.forEach(Thread::start);
        for (Thread t : closing) {
            t.join(20_000);
        }
    }

    /** The best any scheduler could do: all work spread evenly, but never less than the longest evaluation. */
    static long ideal(long[] evalMs, int replicas) {
        long sum = 0;
        long max = 0;
        for (long ms : evalMs) {
            sum += ms;
            max = Math.max(max, ms);
        }
        return Math.max((sum + replicas - 1) / replicas, max);
    }

    static String secs(long ms) {
        return String.format(Locale.ROOT, "%.1f", ms / 1000.0);
    }

    private static void sleepUntil(long atMs) throws InterruptedException {
        long wait = atMs - System.currentTimeMillis();
        if (wait > 0) {
            Thread.sleep(wait);
        }
    }

    /** The product's 4.1.1 KafkaShareConsumer, in its own class loader, against this 4.2 broker. */
    private String probeProductClient(Path clientJar) throws Exception {
        String topic = "probe";
        String group = "probe-share";
        admin.createTopics(List.of(new NewTopic(topic, 1, (short) 1))).all().get();
        admin.incrementalAlterConfigs(Map.of(new ConfigResource(ConfigResource.Type.GROUP, group), List.of(
                new AlterConfigOp(new ConfigEntry("share.auto.offset.reset", "earliest"),
                        AlterConfigOp.OpType.SET)))).all().get();
        for (int i = 0; i < 5; i++) {
            producer.send(new ProducerRecord<>(topic, "k" + i, "v" + i));
        }
        producer.flush();
        List<URL> urls = new ArrayList<>(List.of(clientJar.toUri().toURL(),
                EvaluatorScalingBenchmark.class.getProtectionDomain().getCodeSource().getLocation()));
        for (String entry : System.getProperty("java.class.path").split(File.pathSeparator)) {
            if (entry.contains("slf4j")) {
                urls.add(Path.of(entry).toUri().toURL());
            }
        }
        ClassLoader previous = Thread.currentThread().getContextClassLoader();
        try (URLClassLoader loader = new URLClassLoader(urls.toArray(URL[]::new),
                ClassLoader.getPlatformClassLoader())) {
            // The client loads its plugins (JmxReporter, deserializers) through the context class loader.
            Thread.currentThread().setContextClassLoader(loader);
            return (String) loader.loadClass(ProductClientProbe.class.getName())
                    .getMethod("probe", String.class, String.class, String.class, int.class)
                    .invoke(null, bootstrap, topic, group, 5);
        } finally {
            Thread.currentThread().setContextClassLoader(previous);
        }
    }

    /**
     * The share group's record lock: the broker default (30 s, scaled) renewed while an evaluation runs longer, or
     * (long-lock) one lock twice as long as the longest evaluation (130 s scaled), so never renewed.
     */
    static int shareLockMs(boolean longLock) {
        return longLock ? 130_000 / Settings.SCALE : Settings.SHARE_LOCK_MS;
    }

    static KafkaClusterTestKit startBroker(boolean longLock) throws Exception {
        KafkaClusterTestKit kit = new KafkaClusterTestKit.Builder(new TestKitNodes.Builder()
                .setBootstrapMetadataVersion(org.apache.kafka.server.common.MetadataVersion.latestProduction())
                .setCombined(true).setNumBrokerNodes(1).setNumControllerNodes(1).build())
                .setConfigProp("offsets.topic.replication.factor", "1")
                .setConfigProp("offsets.topic.num.partitions", "4")
                .setConfigProp("transaction.state.log.replication.factor", "1")
                .setConfigProp("group.initial.rebalance.delay.ms", "0")
                .setConfigProp("group.min.session.timeout.ms", "500")
                .setConfigProp("share.coordinator.state.topic.replication.factor", "1")
                .setConfigProp("share.coordinator.state.topic.min.isr", "1")
                .setConfigProp("share.coordinator.state.topic.num.partitions", "4")
                .setConfigProp("group.share.min.record.lock.duration.ms", "1000")
                .setConfigProp("group.share.max.record.lock.duration.ms", "120000")
                .setConfigProp("group.share.record.lock.duration.ms", Integer.toString(shareLockMs(longLock)))
                .setConfigProp("group.share.min.session.timeout.ms", "1000")
                .setConfigProp("group.share.session.timeout.ms", Integer.toString(Settings.SHARE_SESSION_MS))
                .setConfigProp("group.share.min.heartbeat.interval.ms", "100")
                .setConfigProp("group.share.heartbeat.interval.ms", Integer.toString(Settings.SHARE_HEARTBEAT_MS))
                .build();
        kit.format();
        kit.startup();
        kit.waitForReadyBrokers();
        return kit;
    }

    public static void main(String[] args) throws Exception {
        Path out = Path.of(args.length > 0 ? args[0] : "target/results.md");
        List<String> flags = List.of(args).subList(Math.min(1, args.length), args.length);
        boolean quick = flags.contains("quick");
        boolean longLock = flags.contains("long-lock");
        List<Mode> modes = longLock ? List.of(Mode.SHARE_1) : List.of(Mode.values());
        long[] evalMs = evaluationMs();
        StringBuilder md = new StringBuilder();
        try (KafkaClusterTestKit kit = startBroker(longLock)) {
            EvaluatorScalingBenchmark bench = new EvaluatorScalingBenchmark(kit.bootstrapServers());
            try (Admin admin = bench.admin) {
                // Formatted at the production metadata version only: turn share groups on as an operator would.
                admin.updateFeatures(Map.of("share.version", new FeatureUpdate((short) 1,
                        FeatureUpdate.UpgradeType.UPGRADE)), new UpdateFeaturesOptions()).all().get();
                var features = admin.describeFeatures().featureMetadata().get();
                md.append("Broker: Kafka ").append(org.apache.kafka.common.utils.AppInfoParser.getVersion())
                        .append(" (KRaft, one node, in the benchmark's JVM); finalized features: ")
                        .append(features.finalizedFeatures()).append("\n\n");
                Path productClient = Files.list(Path.of("target/product-client")).findFirst().orElseThrow();
                md.append("Product client probe: ").append(bench.probeProductClient(productClient)).append("\n\n");
                flush(out, md);
                long sum = 0;
                long max = 0;
                for (long ms : evalMs) {
                    sum += ms;
                    max = Math.max(max, ms);
                }
                md.append("Share group record lock: ").append(secs(shareLockMs(longLock))).append(" s")
                        .append(longLock ? " (longer than any evaluation: never renewed)" : " (renewed at half)")
                        .append("\n\n");
                md.append("Workload: ").append(CANDIDATES).append(" candidates, seed ").append(SEED)
                        .append(", evaluation times scaled 10x down: sum ").append(secs(sum)).append(" s, max ")
                        .append(secs(max)).append(" s, median ").append(secs(median(evalMs))).append(" s\n\n");
                md.append("| R | mode | step latency s | ideal s | efficiency | evaluations | note |\n");
                md.append("|---|---|---|---|---|---|---|\n");
                int[] rs = quick ? new int[] {4} : REPLICAS;
                for (int r : rs) {
                    for (Mode mode : modes) {
                        row(md, bench.run(mode, Scenario.STEADY, r, evalMs));
                        flush(out, md);
                    }
                }
                md.append("\n| scenario | mode | step latency s | ideal s | evaluations | longest rebalance pause s | note |\n");
                md.append("|---|---|---|---|---|---|---|\n");
                for (Scenario s : List.of(Scenario.ADD_REPLICAS, Scenario.KILL_REPLICA)) {
                    for (Mode mode : modes) {
                        Result res = bench.run(mode, s, 4, evalMs);
                        md.append(String.format(Locale.ROOT, "| %s (R=4) | %s | %s | %s | %d | %s | %s |\n",
                                s == Scenario.ADD_REPLICAS ? "4 -> 8 replicas" : "kill 1 of 4",
                                mode.label, secs(res.latencyMs()), secs(res.idealMs()), res.evaluations(),
                                secs(res.pausedMs()), res.note()));
                        flush(out, md);
                    }
                }
            }
            bench.producer.close();
        }
        System.out.println(md);
        System.exit(0);
    }

    private static void row(StringBuilder md, Result r) {
        md.append(String.format(Locale.ROOT, "| %d | %s | %s | %s | %.0f%% | %d | %s |\n", r.replicas(),
                r.mode().label, secs(r.latencyMs()), secs(r.idealMs()), 100.0 * r.idealMs() / r.latencyMs(),
                r.evaluations(), r.note()));
        System.out.print(md.substring(md.lastIndexOf("| " + r.replicas() + " |")));
    }

    private static long median(long[] ms) {
        long[] sorted = ms.clone();
        java.util.Arrays.sort(sorted);
        return sorted[sorted.length / 2];
    }

    private static void flush(Path out, StringBuilder md) throws java.io.IOException {
        Files.createDirectories(out.toAbsolutePath().getParent());
        Files.writeString(out, md);
    }
}
