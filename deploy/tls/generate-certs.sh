#!/bin/sh
# One-shot job (alpine): a private CA and the certificates for mTLS between Temporal's frontend
# and every client of it in docker-compose.yml — the server (frontend and internode), the worker,
# the API, the Web UI and the admin-tools jobs. Written to the temporal-tls volume once; a second
# run finds them and does nothing. The CA's key is deleted after signing, so nothing on the
# volume can mint another client certificate: to add one, remove the volume and run again.
# Production: use your own PKI and mount its files at the same paths instead.
set -eu
DIR="${CERT_DIR:-/certs}"
DAYS="${CERT_DAYS:-825}"
if [ -s "${DIR}/ca.pem" ] && [ -s "${DIR}/server.pem" ]; then
  echo "certificates present in ${DIR}"
  exit 0
fi
command -v openssl >/dev/null 2>&1 || apk add --no-cache openssl >/dev/null
umask 077
mkdir -p "${DIR}"
cd "${DIR}"
openssl req -x509 -newkey rsa:3072 -nodes -days "${DAYS}" -subj "/CN=refundflow-temporal-ca" \
  -keyout ca.key -out ca.pem
sign() {
  name="$1"; cn="$2"; ext="$3"
  openssl req -newkey rsa:2048 -nodes -subj "/CN=${cn}" -keyout "${name}.key" -out "${name}.csr"
  printf '%s\n' "${ext}" > "${name}.ext"
  openssl x509 -req -in "${name}.csr" -CA ca.pem -CAkey ca.key -CAcreateserial -days "${DAYS}" \
    -extfile "${name}.ext" -out "${name}.pem"
  rm -f "${name}.csr" "${name}.ext"
}
# The server name every client verifies is "temporal" (TEMPORAL_TLS_SERVER_NAME).
sign server temporal "subjectAltName=DNS:temporal,DNS:localhost,IP:127.0.0.1
extendedKeyUsage=serverAuth,clientAuth"
for client in worker api ui admin; do
  sign "${client}" "refundflow-${client}" "extendedKeyUsage=clientAuth"
done
rm -f ca.key ca.srl
# The containers run as their images' own users (node, temporal); the volume is theirs alone.
chmod 0644 ./*.pem ./*.key
echo "certificates written to ${DIR}"
