// Validate CycloneDX JSON files against the schemas shipped by
// @cyclonedx/cyclonedx-library: node cdx-validate.js SCHEMA_DIR FILE...
// The specVersion of each file picks bom-<v>.SNAPSHOT.schema.json.
'use strict';
const fs = require('fs');
const path = require('path');
const Ajv = require('ajv');
const addFormats = require('ajv-formats');
const add2019 = require('ajv-formats-draft2019');

const dir = process.argv[2];
const load = (f) => JSON.parse(fs.readFileSync(path.join(dir, f), 'utf8'));
let bad = 0;
for (const file of process.argv.slice(3)) {
	const doc = JSON.parse(fs.readFileSync(file, 'utf8'));
	const ajv = new Ajv({ strict: false, allErrors: true });
	addFormats(ajv);
	add2019(ajv, { formats: ['idn-email'] });
	ajv.addFormat('iri-reference', true);
	ajv.addSchema(load('spdx.SNAPSHOT.schema.json'),
	    'http://cyclonedx.org/schema/spdx.SNAPSHOT.schema.json');
	ajv.addSchema(load('jsf-0.82.SNAPSHOT.schema.json'),
	    'http://cyclonedx.org/schema/jsf-0.82.SNAPSHOT.schema.json');
	const validate = ajv.compile(load(`bom-${doc.specVersion}.SNAPSHOT.schema.json`));
	if (!validate(doc)) {
		console.log(`${file}: ${ajv.errorsText(validate.errors)}`);
		bad = 1;
	} else {
		console.log(`${file}: valid CycloneDX ${doc.specVersion}`);
	}
}
process.exit(bad);
