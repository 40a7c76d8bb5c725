#!/bin/sh
# Install the Debian packages Gleisner builds, runs and tests with (make deps).
# Installs only what is missing; needs root (or sudo).
set -eu

pkgs="make gcc pkg-config libc6-dev libssl-dev libjq-dev libonig-dev libnftnl-dev
libmnl-dev libinih-dev bubblewrap jq git bats shellcheck mandoc util-linux uidmap
attr libcap2-bin python3 iproute2 nftables tmux libyaml-dev dnsmasq-base passt"

missing=
for p in $pkgs; do
	dpkg-query -W -f='${Status}\n' "$p" 2>/dev/null | grep -q 'install ok installed' ||
		missing="$missing $p"
done
[ -z "$missing" ] && exit 0

if [ "$(id -u)" -ne 0 ]; then
	if command -v sudo >/dev/null 2>&1; then
		as_root=sudo
	else
		echo "deps: missing:$missing" >&2
		echo "deps: hint: run 'make deps' as root" >&2
		exit 1
	fi
else
	as_root=
fi
echo "deps: installing:$missing" >&2
$as_root apt-get update -qq
# shellcheck disable=SC2086
DEBIAN_FRONTEND=noninteractive $as_root apt-get install -y -qq --no-install-recommends $missing
