#!/bin/sh
# Install the node packages the CycloneDX schema test of tests/gl-sbom.bats
# uses (from the npm registry) into tests/node_modules.
set -eu
cd "$(dirname "$0")"
npm install --no-save --no-audit --no-fund --no-package-lock \
    ajv@8 ajv-formats@3 ajv-formats-draft2019@1.6.1 @cyclonedx/cyclonedx-library@10.3.0
