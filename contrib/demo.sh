#!/bin/sh
# make demo: record a real build of this project inside the jail, then
# verify and inspect the attestation.
set -eu

top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
sh contrib/deps.sh
make -s all
bin=$top/build
export GLEISNER_PROFILE_PATH="$top/profiles"

demo=$(mktemp -d "${TMPDIR:-/tmp}/gleisner-demo.XXXXXX")
chmod 755 "$demo"
# the project's sources, not its build outputs
git ls-files -z 2>/dev/null | tar --null -T - -cf - | tar -xf - -C "$demo" ||
	cp -R Makefile cmd lib man profiles tests contrib "$demo/"
# the deliberately broken lockfiles of gl-sbom's tests would make the
# session's SBOM an error; the demo's project pins what the rest pins
rm -rf "$demo/tests/fixtures/gl-sbom"
# a git repository, so that the attestation names its commit
git -C "$demo" init -q && git -C "$demo" add -A &&
	git -C "$demo" -c user.name=demo -c user.email=demo@localhost commit -qm "demo import" ||
	echo "demo: warning: no git repository; the attestation will name no commit" >&2
echo "demo: project copied to $demo" >&2

echo "demo: gleisner record -- make -j2 (inside the jail)" >&2
"$bin/gleisner" record -d "$demo" -- make -j2
for f in "$demo"/.gleisner/attestation-*.json; do att=$f; done
for f in "$demo"/.gleisner/audit-*.jsonl; do log=$f; done

cfg=${XDG_CONFIG_HOME:-$HOME/.config}/gleisner
echo "demo: gleisner verify" >&2
"$bin/gleisner" verify --public-key "$cfg/keys/local.pub.pem" --check-files "$att"
echo "demo: gleisner inspect" >&2
"$bin/gleisner" inspect "$att"
echo
echo "attestation: $att"
echo "audit log:   $log"
for f in "$demo"/.gleisner/sbom-*.cdx.json; do echo "sbom:        $f"; done
for f in "$demo"/.gleisner/bundle-*.sigstore.json; do echo "bundle:      $f"; done
