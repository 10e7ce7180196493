#!/usr/bin/env bash
# Starts the broker of infra/docker/kafka.Dockerfile: a single KRaft node by default, with every
# KAFKA_<NAME> variable set as the broker setting <name>, the convention of the official image.
set -euo pipefail

properties=/opt/kafka/config/server.properties
declare -A settings=(
  [process.roles]=broker,controller
  [node.id]=1
  [listeners]=PLAINTEXT://:9092,CONTROLLER://:9093
  [advertised.listeners]=PLAINTEXT://localhost:9092
  [controller.listener.names]=CONTROLLER
  [listener.security.protocol.map]=CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT
  [controller.quorum.voters]=1@localhost:9093
  [log.dirs]=/var/lib/kafka/data
  [offsets.topic.replication.factor]=1
  [transaction.state.log.replication.factor]=1
  [transaction.state.log.min.isr]=1
  [share.coordinator.state.topic.replication.factor]=1
  [share.coordinator.state.topic.min.isr]=1
)
# The JVM's own variables, not broker settings.
not_settings=' KAFKA_HEAP_OPTS KAFKA_OPTS KAFKA_JVM_PERFORMANCE_OPTS KAFKA_GC_LOG_OPTS KAFKA_LOG4J_OPTS KAFKA_JMX_OPTS '
while IFS='=' read -r variable _; do
  [[ $variable == KAFKA_* && $not_settings != *" $variable "* ]] || continue
  name="${variable#KAFKA_}"
  name="${name,,}"
  name="${name//___/-}"
  name="${name//__/@}"
  name="${name//_/.}"
  settings[${name//@/_}]="${!variable}"
done < <(env)

: >"$properties"
for name in "${!settings[@]}"; do
  printf '%s=%s\n' "$name" "${settings[$name]}" >>"$properties"
done

classpath='/opt/kafka/libs/*'
log_dir="${settings[log.dirs]%%,*}"
if [[ ! -f "$log_dir/meta.properties" ]]; then
  # `--cluster-id=<id>`: an id starting with '-' would be read as an option after `-t`.
  java -cp "$classpath" kafka.tools.StorageTool format --cluster-id="${CLUSTER_ID:-5L6g3nShT-eMCtK--X86sw}" \
    -c "$properties" --ignore-formatted >/dev/null
fi
# shellcheck disable=SC2086 # the *_OPTS variables hold several options each
exec java ${KAFKA_HEAP_OPTS:--Xms256m -Xmx512m} -XX:+UseG1GC -XX:MaxGCPauseMillis=20 -Djava.awt.headless=true \
  -Dlog4j2.configurationFile=/opt/kafka/log4j2.properties ${KAFKA_OPTS:-} -cp "$classpath" kafka.Kafka "$properties"
