# The evaluator: the Quarkus service plus the Python side its problem harnesses need (CUDA, PyTorch, Triton).
# One container per GPU; it also runs on a CPU-only host (candidates then target "cpu").
# Build from the repository root after ./mvnw -B package -DskipTests:
#   docker build -f infra/docker/evaluator.Dockerfile -t ttt-discover/evaluator .
FROM nvidia/cuda:12.4.1-cudnn-runtime-ubuntu22.04

ARG TORCH_VERSION=2.5.1
ENV DEBIAN_FRONTEND=noninteractive \
    PIP_NO_CACHE_DIR=1 \
    DISCOVER_PROBLEMS_DIR=/deployments/problems \
    JAVA_OPTS="-XX:MaxRAMPercentage=25 -XX:+ExitOnOutOfMemoryError"

# The harness runs /usr/bin/python3 (as on a Debian host); torch wheels for CUDA 12.4 bring Triton along.
RUN apt-get update \
 && apt-get install -y --no-install-recommends openjdk-17-jre-headless python3 python3-pip ca-certificates \
 && python3 -m pip install --index-url https://download.pytorch.org/whl/cu124 "torch==${TORCH_VERSION}" \
 && python3 -m pip install numpy pyyaml \
 && apt-get purge -y python3-pip && apt-get autoremove -y && rm -rf /var/lib/apt/lists/*

RUN useradd --uid 185 --create-home evaluator
WORKDIR /deployments
COPY --chown=185 services/evaluator/target/quarkus-app/lib/ /deployments/lib/
COPY --chown=185 services/evaluator/target/quarkus-app/*.jar /deployments/
COPY --chown=185 services/evaluator/target/quarkus-app/app/ /deployments/app/
COPY --chown=185 services/evaluator/target/quarkus-app/quarkus/ /deployments/quarkus/
COPY --chown=185 problems/ /deployments/problems/

USER 185
EXPOSE 8080
ENTRYPOINT ["sh", "-c", "exec java $JAVA_OPTS -jar /deployments/quarkus-run.jar"]
