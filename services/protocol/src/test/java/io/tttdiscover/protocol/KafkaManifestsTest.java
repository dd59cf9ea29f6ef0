package io.tttdiscover.protocol;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The Kubernetes manifests agree with the services: each KafkaUser of {@code k8s/kafka-users.yaml} may do exactly what
 * its service's channels do ({@code application.properties}), only the evaluator may write rewards, every topic an ACL
 * names is declared in {@code k8s/topics.yaml}, the Deployments log in with their own user, and the record limits of
 * broker and topics are those of {@link Topics}.
 */
class KafkaManifestsTest {
    private static final YAMLMapper YAML = new YAMLMapper();
    private static final List<String> SERVICES = List.of("trainer", "sampler", "evaluator");
    /** Failure strategies that write the record to a dead-letter topic. */
    private static final Set<String> DEAD_LETTERING = Set.of("dead-letter-queue", "dead-letter-or-skip");
    /**
     * Plain Kafka clients in the deployed modules (the rest is SmallRye channels), with the ACLs they need: the
     * dead-letter producer writes the dead-letter topics that {@link #aclsOfChannels} already grants; the trainer's
     * replay reads {@code rewards} without a group, which its rewards channel's Read already grants.
     */
    private static final Set<String> PLAIN_CLIENTS = Set.of(
            "services/messaging/src/main/java/io/tttdiscover/messaging/DeadLetterOrSkip.java",
            "services/trainer/src/main/java/io/tttdiscover/trainer/messaging/RecordedRewards.java");

    private static final Path ROOT = repoRoot();

    /** One allowed operation on one resource, as Strimzi's simple authorization spells it. */
    record Acl(String type, String name, String patternType, String operation) {
        @Override
        public String toString() {
            return operation + " " + type + ":" + name + (patternType.equals("literal") ? "" : "*");
        }
    }

    @Test
    void eachServiceMayDoExactlyWhatItsChannelsDo() throws IOException {
        Map<String, Set<Acl>> declared = declaredAcls();
        Map<String, Set<Acl>> expected = new TreeMap<>();
        for (String service : SERVICES) {
            expected.put(service, aclsOfChannels(properties(service)));
        }
        expected.put("keda", aclsOfScaler());
        assertEquals(expected.keySet(), declared.keySet(), "one KafkaUser per service, and KEDA's");
        expected.forEach((user, acls) -> {
            assertEquals(Set.of(), difference(acls, declared.get(user)), user + ": missing in k8s/kafka-users.yaml");
            assertEquals(Set.of(), difference(declared.get(user), acls), user + ": not used by its channels");
        });
    }

    @Test
    void onlyTheEvaluatorMayWriteRewards() throws IOException {
        Set<String> writers = new TreeSet<>();
        declaredAcls().forEach((user, acls) -> acls.stream()
                .filter(a -> a.type().equals("topic") && covers(a, Topics.REWARDS))
                .filter(a -> a.operation().equals("Write") || a.operation().equals("All"))
                .forEach(a -> writers.add(user)));
        assertEquals(Set.of("evaluator"), writers);
    }

    @Test
    void everyTopicOfAnAclIsDeclared() throws IOException {
        Set<String> declaredTopics = topicLimits().keySet();
        for (Set<Acl> acls : declaredAcls().values()) {
            for (Acl acl : acls) {
                if (acl.type().equals("topic")) {
                    assertEquals("literal", acl.patternType(), acl + ": name the topic");
                    assertTrue(declaredTopics.contains(acl.name()), acl + ": not in k8s/topics.yaml");
                }
            }
        }
    }

    @Test
    void noPlainKafkaClientOutsideTheKnownOnes() throws IOException {
        Set<String> found = new TreeSet<>();
        for (String module : List.of("trainer", "sampler", "evaluator", "messaging", "llm")) {
            Path sources = ROOT.resolve("services").resolve(module).resolve("src/main/java");
            if (!Files.isDirectory(sources)) {
                continue;
            }
            try (Stream<Path> files = Files.walk(sources)) {
                for (Path file : files.filter(f -> f.toString().endsWith(".java")).toList()) {
                    String text = Files.readString(file);
                    if (Stream.of("new KafkaConsumer", "new KafkaProducer", "Admin.create", "AdminClient.create")
                            .anyMatch(text::contains)) {
                        found.add(ROOT.relativize(file).toString().replace('\\', '/'));
                    }
                }
            }
        }
        assertEquals(PLAIN_CLIENTS, found, "a new plain Kafka client needs its ACLs in k8s/kafka-users.yaml");
    }

    @Test
    void theServicesLogInAsThemselves() throws IOException {
        JsonNode kafka = kind(documents("kafka.yaml"), "Kafka").get(0).path("spec").path("kafka");
        assertEquals("simple", kafka.path("authorization").path("type").asText());
        for (JsonNode listener : kafka.path("listeners")) {
            assertEquals("scram-sha-512", listener.path("authentication").path("type").asText(),
                    "listener " + listener.path("name").asText() + " authenticates");
        }
        JsonNode shared = kind(documents("configmap.yaml"), "ConfigMap").get(0).path("data");
        assertEquals("SASL_PLAINTEXT", shared.path("KAFKA_SECURITY_PROTOCOL").asText());
        assertEquals("SCRAM-SHA-512", shared.path("KAFKA_SASL_MECHANISM").asText());
        for (String service : SERVICES) {
            JsonNode container = kind(documents(service + ".yaml"), "Deployment").get(0)
                    .path("spec").path("template").path("spec").path("containers").get(0);
            JsonNode secret = null;
            for (JsonNode env : container.path("env")) {
                if (env.path("name").asText().equals("KAFKA_SASL_JAAS_CONFIG")) {
                    secret = env.path("valueFrom").path("secretKeyRef");
                }
            }
            assertTrue(secret != null, service + " takes KAFKA_SASL_JAAS_CONFIG from a Secret");
            assertEquals(service, secret.path("name").asText(), service + " logs in as KafkaUser " + service);
            assertEquals("sasl.jaas.config", secret.path("key").asText());
        }
    }

    /**
     * In the evaluator consumer group a replica beyond the partition count of candidate-kernels gets no partition and
     * evaluates nothing (bench/evaluator-scaling/RESULTS.md: 12 and 16 replicas on 8 partitions finish a step no
     * sooner than 8): KEDA must not add such replicas.
     */
    @Test
    void kedaAddsNoEvaluatorBeyondThePartitionCount() throws IOException {
        int partitions = kind(documents("topics.yaml"), "KafkaTopic").stream()
                .filter(t -> t.path("metadata").path("name").asText().equals(Topics.CANDIDATES))
                .findFirst().orElseThrow().path("spec").path("partitions").asInt();
        for (JsonNode scaled : kind(documents("evaluator.yaml"), "ScaledObject")) {
            int max = scaled.path("spec").path("maxReplicaCount").asInt();
            assertTrue(max <= partitions, "maxReplicaCount " + max + " over the " + partitions + " partitions of "
                    + Topics.CANDIDATES);
            for (JsonNode trigger : scaled.path("spec").path("triggers")) {
                assertEquals("false", trigger.path("metadata").path("allowIdleConsumers").asText(),
                        "KEDA's own cap at the partition count");
            }
        }
    }

    @Test
    void brokerAndTopicLimitsAreThoseOfTheProtocol() throws IOException {
        JsonNode config = kind(documents("kafka.yaml"), "Kafka").get(0).path("spec").path("kafka").path("config");
        assertEquals(Topics.MAX_DEAD_LETTER_BYTES, config.path("message.max.bytes").asInt(), "the largest record");
        assertTrue(config.path("replica.fetch.max.bytes").asInt() >= config.path("message.max.bytes").asInt(),
                "followers fetch the largest record");
        Map<String, Integer> expected = Topics.LAYOUT.stream()
                .collect(Collectors.toMap(Topics.Layout::name, Topics.Layout::maxMessageBytes, (a, b) -> a,
                        TreeMap::new));
        assertEquals(expected, topicLimits());
    }

    /** The ACLs a service's Kafka channels need, from its application.properties. */
    private static Set<Acl> aclsOfChannels(Properties p) {
        Set<Acl> acls = new TreeSet<>(KafkaManifestsTest::compare);
        for (String channel : channels(p, "incoming")) {
            String prefix = "mp.messaging.incoming." + channel + ".";
            String topic = p.getProperty(prefix + "topic", channel);
            acls.add(literal("topic", topic, "Read"));
            acls.add(literal("topic", topic, "Describe"));
            String group = p.getProperty(prefix + "group.id",
                    p.getProperty("kafka.group.id", p.getProperty("quarkus.application.name")));
            int placeholder = group.indexOf("${");
            acls.add(placeholder < 0 ? literal("group", group, "Read")
                    : new Acl("group", group.substring(0, placeholder), "prefix", "Read"));
            String strategy = p.getProperty(prefix + "failure-strategy", "fail");
            if (DEAD_LETTERING.contains(strategy)) {
                // Each strategy's own default when no topic is configured.
                String deadLetters = p.getProperty(prefix + "dead-letter-queue.topic",
                        strategy.equals("dead-letter-queue") ? "dead-letter-topic-" + channel
                                : Topics.deadLetter(topic));
                acls.add(literal("topic", deadLetters, "Write"));
                acls.add(literal("topic", deadLetters, "Describe"));
            }
        }
        for (String channel : channels(p, "outgoing")) {
            String topic = p.getProperty("mp.messaging.outgoing." + channel + ".topic", channel);
            acls.add(literal("topic", topic, "Write"));
            acls.add(literal("topic", topic, "Describe"));
        }
        return acls;
    }

    /** What KEDA's Kafka scaler reads: the trigger's topic and consumer group, described. */
    private static Set<Acl> aclsOfScaler() throws IOException {
        Set<Acl> acls = new TreeSet<>(KafkaManifestsTest::compare);
        for (JsonNode scaled : kind(documents("evaluator.yaml"), "ScaledObject")) {
            for (JsonNode trigger : scaled.path("spec").path("triggers")) {
                if (trigger.path("type").asText().equals("kafka")) {
                    acls.add(literal("topic", trigger.path("metadata").path("topic").asText(), "Describe"));
                    acls.add(literal("group", trigger.path("metadata").path("consumerGroup").asText(), "Describe"));
                }
            }
        }
        return acls;
    }

    /** The channels of one direction that the Kafka connector serves (the %test overrides are not the product). */
    private static Set<String> channels(Properties p, String direction) {
        String prefix = "mp.messaging." + direction + ".";
        return p.stringPropertyNames().stream()
                .filter(k -> k.startsWith(prefix) && k.endsWith(".connector"))
                .filter(k -> p.getProperty(k).equals("smallrye-kafka"))
                .map(k -> k.substring(prefix.length(), k.length() - ".connector".length()))
                .collect(Collectors.toCollection(TreeSet::new));
    }

    private static Map<String, Set<Acl>> declaredAcls() throws IOException {
        Map<String, Set<Acl>> users = new TreeMap<>();
        for (JsonNode user : kind(documents("kafka-users.yaml"), "KafkaUser")) {
            String name = user.path("metadata").path("name").asText();
            JsonNode spec = user.path("spec");
            assertEquals("scram-sha-512", spec.path("authentication").path("type").asText(), name);
            assertEquals("simple", spec.path("authorization").path("type").asText(), name);
            Set<Acl> acls = new TreeSet<>(KafkaManifestsTest::compare);
            for (JsonNode acl : spec.path("authorization").path("acls")) {
                JsonNode resource = acl.path("resource");
                List<String> operations = new ArrayList<>();
                acl.path("operations").forEach(o -> operations.add(o.asText()));
                if (acl.has("operation")) {
                    operations.add(acl.path("operation").asText());
                }
                for (String operation : operations) {
                    assertTrue(acls.add(new Acl(resource.path("type").asText(), resource.path("name").asText(),
                            resource.path("patternType").asText("literal"), operation)), name + ": twice");
                }
            }
            assertTrue(users.put(name, acls) == null, "KafkaUser " + name + " twice");
        }
        return users;
    }

    /** Each KafkaTopic of k8s/topics.yaml with its max.message.bytes. */
    private static Map<String, Integer> topicLimits() throws IOException {
        Map<String, Integer> topics = new TreeMap<>();
        for (JsonNode topic : kind(documents("topics.yaml"), "KafkaTopic")) {
            topics.put(topic.path("metadata").path("name").asText(),
                    topic.path("spec").path("config").path("max.message.bytes").asInt());
        }
        return topics;
    }

    /** Whether an ACL's resource name covers this name (literal, prefix, or the wildcard). */
    private static boolean covers(Acl acl, String name) {
        return acl.name().equals("*") || acl.name().equals(name)
                || (acl.patternType().equals("prefix") && name.startsWith(acl.name()));
    }

    private static Acl literal(String type, String name, String operation) {
        return new Acl(type, name, "literal", operation);
    }

    private static int compare(Acl a, Acl b) {
        return a.toString().compareTo(b.toString());
    }

    private static Set<Acl> difference(Set<Acl> a, Set<Acl> b) {
        Set<Acl> rest = new TreeSet<>(KafkaManifestsTest::compare);
        rest.addAll(a);
        rest.removeAll(b);
        return rest;
    }

    private static Properties properties(String service) throws IOException {
        Properties p = new Properties();
        try (Reader r = Files.newBufferedReader(
                ROOT.resolve("services").resolve(service).resolve("src/main/resources/application.properties"))) {
            p.load(r);
        }
        return p;
    }

    private static List<JsonNode> documents(String k8sFile) throws IOException {
        try (var docs = YAML.readerFor(JsonNode.class).<JsonNode>readValues(ROOT.resolve("k8s").resolve(k8sFile)
                .toFile())) {
            return docs.readAll().stream().filter(d -> d != null && !d.isNull() && !d.isMissingNode()).toList();
        }
    }

    private static List<JsonNode> kind(List<JsonNode> documents, String kind) {
        List<JsonNode> found = documents.stream().filter(d -> d.path("kind").asText().equals(kind)).toList();
        assertTrue(!found.isEmpty(), "no " + kind);
        return found;
    }

    /** The repository root: the first directory up from the working directory that holds k8s/ and services/. */
    private static Path repoRoot() {
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            if (Files.isDirectory(dir.resolve("k8s")) && Files.isDirectory(dir.resolve("services"))) {
                return dir;
            }
        }
        throw new IllegalStateException("no k8s/ above " + Path.of("").toAbsolutePath());
    }
}
