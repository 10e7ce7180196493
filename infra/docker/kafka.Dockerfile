# A single-node Apache Kafka broker (KRaft) from the very jars the project runs locally: Kafka
# 4.1.1 and its dependencies from Maven Central (infra/kafka/pom.xml), on Debian's OpenJDK 17.
# Configured like the official apache/kafka image, so the compose file works with either:
# every KAFKA_<NAME> variable is the broker setting <name> (`_` → `.`, `__` → `_`, `___` → `-`).
# Built from the repository root:
#   docker build -f infra/docker/kafka.Dockerfile -t outbox-relay/kafka:4.1.1 .

ARG BASE_IMAGE=debian:bookworm-slim
# PEM certificates Maven must trust beside Debian's (a TLS-inspecting proxy's CA); build stage only.
ARG EXTRA_CA_CERTS=""

FROM ${BASE_IMAGE} AS jars
ARG EXTRA_CA_CERTS
# Debian's slim images leave out man pages, and OpenJDK's postinst needs the directory. The extra
# certificates go in before Java, whose trust store is made from the system's when it is installed.
RUN mkdir -p /usr/share/man/man1 \
    && apt-get update -q \
    && DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends ca-certificates >/dev/null \
    && if [ -n "$EXTRA_CA_CERTS" ]; then \
         printf '%s\n' "$EXTRA_CA_CERTS" | awk '/BEGIN CERTIFICATE/ { n++ } n { print > ("/usr/local/share/ca-certificates/build-extra-" n ".crt") }' \
         && update-ca-certificates >/dev/null; \
       fi \
    && DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends maven >/dev/null \
    && rm -rf /var/lib/apt/lists/*
COPY infra/kafka/pom.xml /build/pom.xml
RUN mvn -q -B -f /build/pom.xml dependency:copy-dependencies -DoutputDirectory=/opt/kafka/libs \
    && rm -rf /root/.m2

FROM ${BASE_IMAGE}
RUN mkdir -p /usr/share/man/man1 \
    && apt-get update -q \
    && DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends openjdk-17-jre-headless >/dev/null \
    && rm -rf /var/lib/apt/lists/* /usr/share/doc/* /usr/share/man/* \
    && useradd --uid 1000 --user-group --create-home --shell /bin/bash appuser \
    && mkdir -p /var/lib/kafka/data /opt/kafka/config \
    && chown appuser:appuser /var/lib/kafka/data /opt/kafka/config
COPY --from=jars /opt/kafka/libs /opt/kafka/libs
COPY infra/kafka/log4j2.properties /opt/kafka/log4j2.properties
COPY infra/docker/kafka-run.sh /opt/kafka/run
USER appuser
EXPOSE 9092
CMD ["/opt/kafka/run"]
