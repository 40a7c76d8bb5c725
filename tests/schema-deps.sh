#!/bin/sh
# Install the node packages the tests use (from the npm registry) into
# tests/node_modules: ajv and the CycloneDX schemas (gl-sbom.bats), cdxgen
# (make bench, and the official schemas it ships), sigstore-js
# (interop.bats: third parties verify our bundles).
set -eu
cd "$(dirname "$0")"
npm install --no-save --no-audit --no-fund --no-package-lock \
    ajv@8 ajv-formats@3 ajv-formats-draft2019@1.6.1 @cyclonedx/cyclonedx-library@10.3.0 \
    @cyclonedx/cdxgen@12.8.4 @sigstore/verify@4.1.3 @sigstore/bundle@4.0.0
