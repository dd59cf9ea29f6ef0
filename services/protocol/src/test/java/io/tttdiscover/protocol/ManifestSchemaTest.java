package io.tttdiscover.protocol;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.introspect.Annotated;
import com.fasterxml.jackson.databind.introspect.JacksonAnnotationIntrospector;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.openshift.api.model.monitoring.v1.PodMonitor;
import io.strimzi.api.kafka.model.kafka.Kafka;
import io.strimzi.api.kafka.model.nodepool.KafkaNodePool;
import io.strimzi.api.kafka.model.topic.KafkaTopic;
import io.strimzi.api.kafka.model.user.KafkaUser;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Every manifest under {@code k8s/} is read into the typed API model of its kind, strictly: a field the kind does not
 * have (a misspelt key), a value of the wrong type or an unknown kind fails the build. The models are fabric8's
 * (generated from the Kubernetes OpenAPI schemas, and the Prometheus Operator's CRDs) and Strimzi's own. Their unknown-
 * field catch-all is switched off here, which is what makes the check strict. KEDA publishes no model or schema on
 * Maven Central: its two kinds are checked for apiVersion, kind and metadata.name only.
 */
class ManifestSchemaTest {
    private static final Path K8S = Path.of("../../k8s");

    private static final Map<String, Class<?>> MODELS = Map.ofEntries(
            Map.entry("v1/Namespace", Namespace.class),
            Map.entry("v1/ConfigMap", ConfigMap.class),
            Map.entry("v1/Secret", Secret.class),
            Map.entry("v1/Service", Service.class),
            Map.entry("apps/v1/Deployment", Deployment.class),
            Map.entry("apps/v1/StatefulSet", StatefulSet.class),
            Map.entry("monitoring.coreos.com/v1/PodMonitor", PodMonitor.class),
            Map.entry("kafka.strimzi.io/v1beta2/Kafka", Kafka.class),
            Map.entry("kafka.strimzi.io/v1beta2/KafkaNodePool", KafkaNodePool.class),
            Map.entry("kafka.strimzi.io/v1beta2/KafkaTopic", KafkaTopic.class),
            Map.entry("kafka.strimzi.io/v1beta2/KafkaUser", KafkaUser.class));
    private static final Set<String> WITHOUT_SCHEMA = Set.of("keda.sh/v1alpha1/ScaledObject",
            "keda.sh/v1alpha1/TriggerAuthentication");
    /** Not Kubernetes objects: kustomize's own files (checked below) and Prometheus's configuration. */
    private static final Set<String> NOT_MANIFESTS = Set.of("kustomization.yaml", "prometheus-scrape.yml");

    /** Reads YAML strictly: no catch-all for unknown fields (fabric8's and Strimzi's models have one). */
    static final ObjectMapper STRICT = YAMLMapper.builder()
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .annotationIntrospector(new JacksonAnnotationIntrospector() {
                @Override
                public Boolean hasAnySetter(Annotated a) {
                    return Boolean.FALSE;
                }
            }).build();

    @Test
    void everyManifestMatchesTheSchemaOfItsKind() throws IOException {
        List<Path> files = yamlFiles();
        assertTrue(files.size() >= 12, "manifests found under " + K8S + ": " + files);
        int checked = 0;
        for (Path f : files) {
            if (NOT_MANIFESTS.contains(f.getFileName().toString())) {
                continue;
            }
            for (String problem : problems(f.toString(), Files.readString(f))) {
                throw new AssertionError(problem);
            }
            checked++;
        }
        assertTrue(checked >= 11, "manifest files checked: " + checked);
    }

    @Test
    void aMisspeltFieldAWrongTypeOrAnUnknownKindFails() throws IOException {
        String trainer = Files.readString(K8S.resolve("trainer.yaml"));
        assertEquals(List.of(), problems("trainer.yaml", trainer));
        assertFails(trainer.replace("replicas: 1", "replcas: 1"), "replcas");
        assertFails(trainer.replace("periodSeconds: 5", "periodSeconds: five"), "periodSeconds");
        assertFails(trainer.replace("kind: Deployment", "kind: Deploymnet"), "Deploymnet");
        String topics = Files.readString(K8S.resolve("topics.yaml"));
        assertFails(topics.replaceFirst("partitions:", "partitons:"), "partitons");
        String monitor = Files.readString(K8S.resolve("monitoring/podmonitor.yaml"));
        assertFails(monitor.replace("podMetricsEndpoints:", "podMetricEndpoints:"), "podMetricEndpoints");
    }

    @Test
    void eachKustomizationListsItsFolderExactly() throws IOException {
        for (Path dir : List.of(K8S, K8S.resolve("monitoring"))) {
            JsonNode k = STRICT.readTree(dir.resolve("kustomization.yaml").toFile());
            Set<String> listed = new TreeSet<>();
            k.path("resources").forEach(r -> listed.add(r.asText()));
            k.path("configMapGenerator").forEach(g -> g.path("files").forEach(f -> listed.add(f.asText())));
            Set<String> present;
            try (Stream<Path> s = Files.list(dir)) {
                present = s.filter(Files::isRegularFile).map(p -> p.getFileName().toString())
                        .filter(n -> !NOT_MANIFESTS.contains(n)).collect(Collectors.toCollection(TreeSet::new));
            }
            assertEquals(present, listed, dir + "/kustomization.yaml lists every file beside it, and only those");
        }
    }

    private static void assertFails(String yaml, String naming) {
        List<String> problems = problems("edited", yaml);
        assertTrue(problems.stream().anyMatch(p -> p.contains(naming)), "a problem naming " + naming + ": "
                + problems);
    }

    /** What is wrong with each document of a manifest file; empty when nothing is. */
    static List<String> problems(String name, String yaml) {
        List<String> out = new ArrayList<>();
        try (MappingIterator<JsonNode> docs = STRICT.readerFor(JsonNode.class).readValues(yaml)) {
            int i = 0;
            while (docs.hasNext()) {
                JsonNode doc = docs.next();
                i++;
                if (doc == null || doc.isNull() || doc.isEmpty()) {
                    continue;
                }
                String kind = doc.path("apiVersion").asText() + "/" + doc.path("kind").asText();
                String where = name + " document " + i + " (" + kind + " " + doc.path("metadata").path("name")
                        .asText() + ")";
                if (doc.path("metadata").path("name").asText().isBlank()) {
                    out.add(where + ": no metadata.name");
                }
                Class<?> model = MODELS.get(kind);
                if (model == null) {
                    if (!WITHOUT_SCHEMA.contains(kind)) {
                        out.add(where + ": unknown apiVersion/kind " + kind);
                    }
                    continue;
                }
                try {
                    STRICT.treeToValue(doc, model);
                } catch (IOException | IllegalArgumentException e) {
                    out.add(where + ": " + e.getMessage().lines().findFirst().orElse("") + " at "
                            + pathOf(e));
                }
            }
        } catch (IOException e) {
            out.add(name + ": not YAML: " + e.getMessage());
        }
        return out;
    }

    private static String pathOf(Exception e) {
        if (e instanceof com.fasterxml.jackson.databind.JsonMappingException m) {
            return m.getPath().stream().map(r -> r.getFieldName() != null ? r.getFieldName() : "[" + r.getIndex() + "]")
                    .collect(Collectors.joining("."));
        }
        return "?";
    }

    private static List<Path> yamlFiles() throws IOException {
        try (Stream<Path> s = Files.walk(K8S)) {
            return s.filter(p -> p.toString().endsWith(".yaml") || p.toString().endsWith(".yml")).sorted().toList();
        }
    }
}
