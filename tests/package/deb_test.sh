#!/usr/bin/env bash
# ctest package.deb: builds the Debian package of this build with CPack and checks it without
# installing it: its control data (name, dependencies found by dpkg-shlibdeps, the conffile,
# maintainer scripts that parse), its files (binary, web client, unit, conf, docs, nginx
# example), that the conf lists every flag of `rotonde serve`, that `systemd-analyze verify`
# finds nothing in the unit and rates its exposure OK; then unpacks it and runs the unpacked
# binary with the unpacked conf, which must find the unpacked web client by itself.
# scripts/package-check does the real thing: dpkg -i, the service's user, nginx in front.
#
#   tests/package/deb_test.sh BUILD_DIR
set -euo pipefail

build=$(cd "$1" && pwd)
source_dir=$(cd "$(dirname "$0")/../.." && pwd)
work=$(mktemp -d)
server=""
cleanup() {
  if [[ -n "$server" ]]; then kill -KILL "$server" 2>/dev/null || true; fi
  rm -rf "$work"
}
trap cleanup EXIT
fail() {
  echo "package.deb: $*" >&2
  exit 1
}
started=$SECONDS

# The package, into the work directory (CPack's staging too).
cpack --config "$build/CPackConfig.cmake" -B "$work/out" >"$work/cpack.log" 2>&1 ||
  { cat "$work/cpack.log"; fail "cpack failed"; }
debs=("$work"/out/rotonde_*.deb)
[[ ${#debs[@]} -eq 1 && -f ${debs[0]} ]] || fail "no one rotonde_*.deb in $work/out: $(ls "$work/out")"
deb=${debs[0]}
echo "built $(basename "$deb") ($(du -k "$deb" | cut -f1) KiB) in $((SECONDS - started)) s"

# Control data.
dpkg-deb -I "$deb" >"$work/info"
field() { dpkg-deb -f "$deb" "$1"; }
[[ $(field Package) == rotonde ]] || fail "Package: $(field Package)"
[[ $(field Architecture) == "$(dpkg --print-architecture)" ]] || fail "Architecture: $(field Architecture)"
depends=$(field Depends)
echo "Depends: $depends"
for needed in adduser libc6 libsodium libcurl libicu libprotobuf libssl libstdc++6; do
  [[ ",$depends" == *", $needed"* || ",$depends" == *",$needed"* ]] || fail "Depends lacks $needed: $depends"
done
mkdir "$work/control"
dpkg-deb -e "$deb" "$work/control"
[[ $(cat "$work/control/conffiles") == /etc/rotonde/rotonde.conf ]] ||
  fail "conffiles: $(cat "$work/control/conffiles")"
for script in postinst prerm postrm; do
  [[ -x $work/control/$script ]] || fail "no executable $script"
  sh -n "$work/control/$script" || fail "$script does not parse"
done

# Files.
dpkg-deb -c "$deb" >"$work/contents"
has() {
  grep -qE "^$1 +[0-9]+ [0-9-]+ [0-9:]+ \./$2\$" "$work/contents" ||
    fail "no $2 ($1) in the package:
$(cat "$work/contents")"
}
has '-rwxr-xr-x root/root' usr/bin/rotonde
has '-rw-r--r-- root/root' usr/share/rotonde/web-client/index.html
has '-rw-r--r-- root/root' usr/share/rotonde/web-client/js/app.js
has '-rw-r--r-- root/root' lib/systemd/system/rotonde.service
has '-rw-r----- root/root' etc/rotonde/rotonde.conf
has '-rw-r--r-- root/root' usr/share/doc/rotonde/operations.md
has '-rw-r--r-- root/root' usr/share/doc/rotonde/examples/nginx-rotonde.conf
if grep -q 'web-client/README.md' "$work/contents"; then fail "the web client's README is in the package"; fi
echo "$(grep -c '^-' "$work/contents") files"

dpkg-deb -x "$deb" "$work/root"
root=$work/root
conf=$root/etc/rotonde/rotonde.conf
cmp -s "$root/usr/share/doc/rotonde/examples/nginx-rotonde.conf" \
  "$source_dir/packaging/nginx-rotonde.conf" || fail "the nginx example differs from packaging/"
# docs/operations.md shows that example as it is, less its comments and blank lines.
example=$(grep -vE '^[[:space:]]*(#|$)' "$source_dir/packaging/nginx-rotonde.conf")
shown=$(awk '/^```nginx$/ { on = 1; next } /^```$/ { on = 0 } on' "$source_dir/docs/operations.md" |
  grep -vE '^[[:space:]]*$')
[[ "$example" == "$shown" ]] || fail "docs/operations.md's nginx site is not packaging/nginx-rotonde.conf:
$(diff <(echo "$shown") <(echo "$example"))"
# Stripped: no debug sections in the shipped binary.
if readelf -S "$root/usr/bin/rotonde" | grep -q '\.debug_info'; then fail "usr/bin/rotonde is not stripped"; fi

# The conf names every flag of `rotonde serve` (set or commented out with its default).
flags=$("$root/usr/bin/rotonde" serve --help | grep -oE '^  --[a-z-]+' | sed 's/^  --//' | grep -vx help)
[[ -n "$flags" ]] || fail "no flags in rotonde serve --help"
for flag in $flags; do
  name=ROTONDE_$(tr 'a-z-' 'A-Z_' <<<"$flag")
  grep -qE "^#?$name=" "$conf" || fail "rotonde.conf does not list $name (--$flag)"
done
echo "rotonde.conf lists all $(wc -w <<<"$flags") flags of rotonde serve"

# The unit: `systemd-analyze verify` reports nothing. It checks that ExecStart's binary
# exists, so the copy checked runs the unpacked one; nothing else is changed.
unit=$work/rotonde.service
sed "s|^ExecStart=/usr/bin/rotonde |ExecStart=$root/usr/bin/rotonde |" \
  "$root/lib/systemd/system/rotonde.service" >"$unit"
grep -q "^ExecStart=$root/usr/bin/rotonde serve\$" "$unit" || fail "ExecStart is not /usr/bin/rotonde serve"
verify=$(systemd-analyze verify "$unit" 2>&1) || fail "systemd-analyze verify: $verify"
[[ -z "$verify" ]] || fail "systemd-analyze verify: $verify"
echo "systemd-analyze verify: clean"
for setting in 'User=rotonde' 'ProtectSystem=strict' 'StateDirectory=rotonde' 'NoNewPrivileges=yes' \
  'Restart=on-failure' 'KillSignal=SIGTERM' 'CapabilityBoundingSet=' 'PrivateTmp=yes' \
  'SystemCallFilter=@system-service' 'RestrictAddressFamilies=AF_INET AF_INET6 AF_UNIX' \
  'EnvironmentFile=/etc/rotonde/rotonde.conf'; do
  grep -qx "$setting" "$unit" || fail "the unit lacks $setting"
done
if grep -qE '^(ReadWritePaths|DynamicUser)=' "$unit"; then fail "the unit writes beyond its state directory"; fi
# Exposure 0-10, where systemd rates below 2 "OK"; the threshold is in tenths.
security=$(systemd-analyze security --offline=yes --threshold=20 "$unit" 2>&1) ||
  fail "systemd-analyze security: over 2.0: $(tail -1 <<<"$security")"
echo "systemd-analyze security: $(grep -o 'Overall exposure level.*' <<<"$security")"

# The unpacked binary with the unpacked conf, from a directory without a web-client: it
# finds the web client installed beside it.
mkdir "$work/cwd"
(
  cd "$work/cwd"
  set -a
  # shellcheck disable=SC1090
  . "$conf"
  set +a
  export ROTONDE_DATA=$work/data ROTONDE_LISTEN=127.0.0.1:0 ROTONDE_DEMO=1
  unset ROTONDE_WEB
  exec "$root/usr/bin/rotonde" serve >"$work/serve.out" 2>&1
) &
server=$!
port=""
for _ in $(seq 1 600); do
  port=$(grep -oE '^listening on http://127\.0\.0\.1:[0-9]+' "$work/serve.out" 2>/dev/null | grep -oE '[0-9]+$' || true)
  [[ -n "$port" ]] && break
  kill -0 "$server" 2>/dev/null || fail "serve ended: $(cat "$work/serve.out")"
  sleep 0.1
done
[[ -n "$port" ]] || fail "serve did not listen: $(cat "$work/serve.out")"
url=http://127.0.0.1:$port
curl -fsS "$url/readyz" >/dev/null || fail "/readyz: $(cat "$work/serve.out")"
curl -fsS "$url/" | grep -q '<html' || fail "the web client is not served at /"
curl -fsS "$url/js/app.js" >/dev/null || fail "the web client's app.js is not served"
# The conf trusts 127.0.0.1 as the proxy: its X-Forwarded-Proto makes the cookie Secure.
headers=$(curl -fsS -D - -o /dev/null -H 'Content-Type: application/json' \
  -H 'X-Forwarded-Proto: https' -H 'X-Forwarded-For: 203.0.113.9' \
  -d '{"login":"anna","password":"rotonde-demo"}' "$url/api/v1/session") || fail "demo sign-in"
grep -qi '^set-cookie: rotonde_session=.*; Secure' <<<"$headers" || fail "no Secure cookie: $headers"
grep -q 'http POST /api/v1/session 200 .* 203\.0\.113\.9$' "$work/serve.out" ||
  fail "the log does not name the forwarded client: $(cat "$work/serve.out")"
kill -TERM "$server"
status=0
wait "$server" || status=$?
server=""
[[ $status -eq 0 ]] || fail "serve exited $status after SIGTERM: $(cat "$work/serve.out")"
echo "the unpacked server served the demo and its web client on $url, exit 0 after SIGTERM"
echo "package.deb: ok in $((SECONDS - started)) s"
