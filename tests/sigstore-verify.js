// sigstore-verify.js BUNDLE PUBKEY.pem: verify a Sigstore bundle with
// @sigstore/verify (sigstore-js) against a self-managed public key, no
// transparency log, no timestamps.  Exit 0 verified, 1 rejected, 2 usage.
'use strict';
const fs = require('fs');
const { Verifier, toTrustMaterial, toSignedEntity } = require('@sigstore/verify');
const { bundleFromJSON } = require('@sigstore/bundle');

if (process.argv.length !== 4) {
	console.error('usage: node sigstore-verify.js BUNDLE PUBKEY.pem');
	process.exit(2);
}
const [bundlePath, pubPath] = process.argv.slice(2);
try {
	const json = JSON.parse(fs.readFileSync(bundlePath, 'utf8'));
	const pem = fs.readFileSync(pubPath, 'utf8');
	const hint = json.verificationMaterial.publicKey.hint;
	const root = {
		mediaType: 'application/vnd.dev.sigstore.trustedroot+json;version=0.1',
		tlogs: [], certificateAuthorities: [], ctlogs: [], timestampAuthorities: [],
	};
	const trust = toTrustMaterial(root, { [hint]: { rawBytes: pem } });
	const verifier = new Verifier(trust, { tlogThreshold: 0, ctlogThreshold: 0, timestampThreshold: 0 });
	verifier.verify(toSignedEntity(bundleFromJSON(json)));
	console.log('sigstore-js: verified');
} catch (e) {
	console.error('sigstore-js: ' + (e.code ? e.code + ': ' : '') + e.message);
	process.exit(1);
}
