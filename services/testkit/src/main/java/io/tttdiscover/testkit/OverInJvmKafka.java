package io.tttdiscover.testkit;

import io.quarkus.test.junit.QuarkusTestProfile;

import java.util.List;

/**
 * {@code @TestProfile(OverInJvmKafka.class)}: the app's own Kafka channels against the in-JVM broker, without the
 * module's global test resources (the in-memory channels of its unit tests).
 */
public class OverInJvmKafka implements QuarkusTestProfile {

    @Override
    public List<TestResourceEntry> testResources() {
        return List.of(new TestResourceEntry(InJvmKafkaResource.class));
    }

    @Override
    public boolean disableGlobalTestResources() {
        return true;
    }
}
