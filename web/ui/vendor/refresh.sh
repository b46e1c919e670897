#!/bin/sh
# refresh.sh re-vendors the browser libraries the web interface embeds, from
# the npm registry. Only maintainers run it (it needs npm); `go build` and
# `go run` use the committed files and need no Node.
set -eu
cd "$(dirname "$0")"
LEAFLET=1.9.4
WORLD_ATLAS=2.0.2
TOPOJSON_CLIENT=3.1.0
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
for p in leaflet@$LEAFLET world-atlas@$WORLD_ATLAS topojson-client@$TOPOJSON_CLIENT; do
	(cd "$tmp" && npm pack --silent "$p" >/dev/null)
done
for t in "$tmp"/*.tgz; do
	d="$tmp/$(basename "$t" .tgz)"
	mkdir -p "$d" && tar -xzf "$t" -C "$d"
done
cp "$tmp"/leaflet-$LEAFLET/package/dist/leaflet.js leaflet.js
cp "$tmp"/leaflet-$LEAFLET/package/dist/leaflet.css leaflet.css
cp "$tmp"/leaflet-$LEAFLET/package/LICENSE LICENSE.leaflet
cp "$tmp"/topojson-client-$TOPOJSON_CLIENT/package/dist/topojson-client.min.js topojson-client.min.js
cp "$tmp"/topojson-client-$TOPOJSON_CLIENT/package/LICENSE LICENSE.topojson-client
# Natural Earth country outlines at 1:50m, as TopoJSON (public domain data;
# the package is ISC).
cp "$tmp"/world-atlas-$WORLD_ATLAS/package/countries-50m.json countries-50m.json
cp "$tmp"/world-atlas-$WORLD_ATLAS/package/LICENSE LICENSE.world-atlas
cat > VERSIONS <<V
leaflet $LEAFLET
topojson-client $TOPOJSON_CLIENT
world-atlas $WORLD_ATLAS (countries-50m.json; Natural Earth)
V
ls -l
