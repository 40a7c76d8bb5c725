// Validate CycloneDX JSON files against the CycloneDX JSON schemas:
// node cdx-validate.js SCHEMA_DIR FILE...
// SCHEMA_DIR holds either the official upstream files (bom-1.5.schema.json,
// spdx.schema.json, jsf-0.82.schema.json, as @cyclonedx/cdxgen ships them
// in data/) or the relaxed copies of @cyclonedx/cyclonedx-library
// (res/schema/bom-1.5.SNAPSHOT.schema.json ...).  The specVersion of each
// file picks the schema.
'use strict';
const fs = require('fs');
const path = require('path');
const Ajv = require('ajv');
const addFormats = require('ajv-formats');
const add2019 = require('ajv-formats-draft2019');

const dir = process.argv[2];
const load = (f) => JSON.parse(fs.readFileSync(path.join(dir, f), 'utf8'));
const upstream = fs.existsSync(path.join(dir, 'bom-1.5.schema.json'));
const sfx = upstream ? '' : '.SNAPSHOT';
let bad = 0;
for (const file of process.argv.slice(3)) {
	const doc = JSON.parse(fs.readFileSync(file, 'utf8'));
	const ajv = new Ajv({ strict: false, allErrors: true });
	addFormats(ajv);
	add2019(ajv, { formats: ['idn-email'] });
	ajv.addFormat('iri-reference', true);
	ajv.addSchema(load(`spdx${sfx}.schema.json`),
	    `http://cyclonedx.org/schema/spdx${sfx}.schema.json`);
	ajv.addSchema(load(`jsf-0.82${sfx}.schema.json`),
	    `http://cyclonedx.org/schema/jsf-0.82${sfx}.schema.json`);
	const validate = ajv.compile(load(`bom-${doc.specVersion}${sfx}.schema.json`));
	if (!validate(doc)) {
		console.log(`${file}: ${ajv.errorsText(validate.errors)}`);
		bad = 1;
	} else {
		console.log(`${file}: valid CycloneDX ${doc.specVersion}${upstream ? ' (official schema)' : ''}`);
	}
}
process.exit(bad);
