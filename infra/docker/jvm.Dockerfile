# JVM image of a Quarkus service (trainer or sampler) from its fast-jar.
# Build from the repository root after ./mvnw -B package -DskipTests:
#   docker build -f infra/docker/jvm.Dockerfile --build-arg SERVICE=trainer -t ttt-discover/trainer .
FROM eclipse-temurin:17-jre

ARG SERVICE
ENV LANGUAGE=en_US:en \
    DISCOVER_PROBLEMS_DIR=/deployments/problems \
    JAVA_OPTS="-XX:MaxRAMPercentage=75 -XX:+ExitOnOutOfMemoryError"

WORKDIR /deployments
# Fast-jar layout, dependencies first so they stay cached across code changes.
COPY --chown=185 services/${SERVICE}/target/quarkus-app/lib/ /deployments/lib/
COPY --chown=185 services/${SERVICE}/target/quarkus-app/*.jar /deployments/
COPY --chown=185 services/${SERVICE}/target/quarkus-app/app/ /deployments/app/
COPY --chown=185 services/${SERVICE}/target/quarkus-app/quarkus/ /deployments/quarkus/
# Problem packs are data every service reads (prompts, program spaces, cases).
COPY --chown=185 problems/ /deployments/problems/

USER 185
EXPOSE 8080
ENTRYPOINT ["sh", "-c", "exec java $JAVA_OPTS -jar /deployments/quarkus-run.jar"]
