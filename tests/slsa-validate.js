// slsa-validate.js FILE...: validate in-toto Statements (SLSA Provenance v1)
// against tests/schemas/slsa-provenance-v1.json with ajv.  Exit 0 all
// valid, 1 one is not (errors on stderr), 2 usage.
'use strict';
const fs = require('fs');
const path = require('path');
const Ajv = require('ajv');
const addFormats = require('ajv-formats');

if (process.argv.length < 3) {
	console.error('usage: node slsa-validate.js FILE...');
	process.exit(2);
}
const ajv = new Ajv({ allErrors: true, strict: true, strictRequired: false });
addFormats(ajv);
const schema = JSON.parse(fs.readFileSync(path.join(__dirname, 'schemas', 'slsa-provenance-v1.json'), 'utf8'));
const validate = ajv.compile(schema);
let rc = 0;
for (const f of process.argv.slice(2)) {
	const doc = JSON.parse(fs.readFileSync(f, 'utf8'));
	if (!validate(doc)) {
		rc = 1;
		for (const e of validate.errors)
			console.error(`${f}: ${e.instancePath || '/'} ${e.message}`);
	}
}
process.exit(rc);
