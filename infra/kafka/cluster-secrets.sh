#!/bin/sh
# Development secrets for infra/docker-compose.cluster.yml, made once by its kafka-secrets service
# with keytool (the apache/kafka image has a JRE, no openssl):
#   ca.pem                  the CA every broker certificate is signed by (KAFKA_SSL_CA_FILE)
#   <broker>.p12            a PKCS12 keystore per broker; its certificate names the broker's host
#                           name on the compose network and localhost
#   store.password          the keystores' password (the image reads it from this file)
#   broker_jaas.conf        the brokers' SASL logins: `admin` over PLAIN between brokers, SCRAM for clients
#   admin.properties        a client configuration for Kafka's tools, as `admin`
#   outbox.password         the password of the pipeline's SCRAM user `outbox` (KAFKA_SASL_PASSWORD_FILE)
# Files already there are kept: delete the folder to make new ones.
set -eu
dir=${SECRETS_DIR:-/etc/kafka/secrets}
brokers=${BROKERS:-kafka-1 kafka-2 kafka-3}
days=825

if [ -f "$dir/outbox.password" ]; then
  echo "Kafka cluster secrets already in $dir"
  exit 0
fi
mkdir -p "$dir"
cd "$dir"

secret() { head -c 18 /dev/urandom | base64 | tr -d '/+=\n'; }
store=$(secret)
admin=$(secret)
printf %s "$store" > store.password
printf %s "$(secret)" > outbox.password

keytool -genkeypair -alias ca -keyalg RSA -keysize 2048 -validity "$days" -dname "CN=outbox development CA" \
  -ext bc:c -keystore ca.p12 -storetype PKCS12 -storepass "$store"
keytool -exportcert -rfc -alias ca -keystore ca.p12 -storepass "$store" -file ca.pem

for broker in $brokers; do
  keytool -genkeypair -alias broker -keyalg RSA -keysize 2048 -validity "$days" -dname "CN=$broker" \
    -keystore "$broker.p12" -storetype PKCS12 -storepass "$store"
  keytool -certreq -alias broker -keystore "$broker.p12" -storepass "$store" -file "$broker.csr"
  keytool -gencert -rfc -alias ca -keystore ca.p12 -storepass "$store" -infile "$broker.csr" -outfile "$broker.pem" \
    -validity "$days" -ext "SAN=dns:$broker,dns:localhost,ip:127.0.0.1" -ext "EKU=serverAuth,clientAuth"
  # The signed certificate goes in after the CA, so the keystore holds the whole chain.
  keytool -importcert -noprompt -alias ca -file ca.pem -keystore "$broker.p12" -storepass "$store"
  keytool -importcert -alias broker -file "$broker.pem" -keystore "$broker.p12" -storepass "$store"
  rm "$broker.csr" "$broker.pem"
done

cat > broker_jaas.conf <<EOF
KafkaServer {
  org.apache.kafka.common.security.plain.PlainLoginModule required
    username="admin" password="$admin" user_admin="$admin";
  org.apache.kafka.common.security.scram.ScramLoginModule required;
};
EOF

cat > admin.properties <<EOF
security.protocol=SASL_SSL
sasl.mechanism=PLAIN
sasl.jaas.config=org.apache.kafka.common.security.plain.PlainLoginModule required username="admin" password="$admin";
ssl.truststore.type=PEM
ssl.truststore.location=$dir/ca.pem
EOF

# No more certificates are signed: the CA's key goes. The brokers run as the image's own user and
# the pipeline on the host reads ca.pem and outbox.password.
rm ca.p12
chmod 755 .
chmod 644 ./*
echo "Kafka cluster secrets written to $dir"
