#!/usr/bin/env bash
# The drop-in configuration for an existing nginx (README: "Adding wikid
# to an existing nginx"): scripts/nginx-config --snippet-only, with and
# without the fast path, and --http-snippet-only, included where the
# README says, must pass `nginx -t`; values that would break or inject
# into the configuration are refused with a message.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
tmp=$(mktemp -d /tmp/wikid-snippet-test.XXXXXX)
trap 'rm -rf "$tmp"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }
config="$root/scripts/nginx-config"

# An "existing" nginx: its own http and server blocks, wikid's parts
# included in them.
check() {  # name http-snippet-file server-snippet-file
  mkdir -p "$tmp/$1/logs"
  cat >"$tmp/$1/nginx.conf" <<CONF
pid $tmp/$1/nginx.pid;
error_log $tmp/$1/logs/error.log;
events { }
http {
    include $2;
    server {
        listen 127.0.0.1:9;
        include $3;
    }
}
CONF
  nginx -t -q -p "$tmp/$1" -c "$tmp/$1/nginx.conf" -e "$tmp/$1/logs/error.log" 2>"$tmp/$1/out" ||
    fail "$1: nginx -t refused it: $(cat "$tmp/$1/out")"
}

echo "# nothing" >"$tmp/empty.conf"
"$config" --snippet-only --socket /run/wikid/wikid.sock >"$tmp/plain.conf"
check plain "$tmp/empty.conf" "$tmp/plain.conf"
grep -q "memcached_pass" "$tmp/plain.conf" && fail "the plain snippet has the fast path"
# Request ids: nginx passes its own to wikid, and the log format for the
# http block (README "Logs") names it.
grep -q 'fastcgi_param WIKID_REQUEST_ID $request_id;' "$tmp/plain.conf" ||
  fail "nginx's request id is not passed to wikid"
check log-format "$root/nginx/wikid-log.conf" "$tmp/plain.conf"
grep -q 'request_id=$request_id' "$root/nginx/wikid-log.conf" || fail "the log format has no request id"
# Uploads: nginx admits twice wikid's limit (and the form's fields), and
# sends files from wikid's folder, internally only.
"$config" --snippet-only --socket /run/wikid/wikid.sock --max-upload-bytes 1000 \
  --file-cache /srv/wiki-files >"$tmp/files.conf"
check files "$tmp/empty.conf" "$tmp/files.conf"
grep -q "client_max_body_size 67536;" "$tmp/files.conf" || fail "the upload limit is not wikid's"
grep -q 'alias /srv/wiki-files/$wikid_file_sha;' "$tmp/files.conf" || fail "the files are not wikid's"

# Several hosts (README, "Several hosts"): one upstream of them all, in
# the http part, which the snippet passes requests to.
"$config" --snippet-only --socket /run/wikid/wikid.sock --socket 10.0.0.2:9000 >"$tmp/hosts.conf"
"$config" --http-snippet-only --socket /run/wikid/wikid.sock --socket 10.0.0.2:9000 \
  >"$tmp/hosts-http.conf"
check hosts "$tmp/hosts-http.conf" "$tmp/hosts.conf"
grep -q "fastcgi_pass wikid_hosts;" "$tmp/hosts.conf" || fail "the hosts' upstream is not used"
grep -q "server 10.0.0.2:9000;" "$tmp/hosts-http.conf" || fail "a host is missing upstream"
grep -q "server unix:/run/wikid/wikid.sock;" "$tmp/hosts-http.conf" || fail "a host is missing upstream"

"$config" --snippet-only --socket 127.0.0.1:9000 --memcached 127.0.0.1:11211 \
  --fast-path-flag /run/wikid/fast-path --cache-prefix wiki2: >"$tmp/fast.conf"
"$config" --http-snippet-only --memcached 127.0.0.1:11211 >"$tmp/fast-http.conf"
check fast "$tmp/fast-http.conf" "$tmp/fast.conf"
grep -q 'set $memcached_key "wiki2:fast:$wikid_generation:$uri";' "$tmp/fast.conf" ||
  fail "the key is not wikid's prefix and generation"
grep -q 'if (!-d "/run/wikid/fast-path")' "$tmp/fast.conf" || fail "the switch is not checked"
grep -q 'root "/run/wikid/fast-path";' "$tmp/fast.conf" || fail "the generation is not read from the switch"
grep -q 'open_file_cache off;' "$tmp/fast.conf" || fail "a cached stat could outlive the flag"
grep -q "server 127.0.0.1:11211;" "$tmp/fast-http.conf" || fail "the upstream is not the memcached"

refused() {  # what... : scripts/nginx-config must exit 2 with a message
  local out
  if out=$("$config" "$@" 2>&1 >/dev/null); then fail "accepted: $*"; fi
  [[ "$out" == "scripts/nginx-config: "* ]] || fail "no message for: $* ($out)"
}
refused --snippet-only --socket '/tmp/a;b.sock'
refused --snippet-only --socket relative.sock
refused --snippet-only --socket /tmp/w.sock --memcached 127.0.0.1:11211 --fast-path-flag relative
refused --snippet-only --socket /tmp/w.sock --memcached 127.0.0.1:11211 \
  --fast-path-flag '/tmp/$x'
refused --snippet-only --socket /tmp/w.sock --memcached 127.0.0.1:11211 \
  --fast-path-flag '/tmp/a#b'
refused --snippet-only --socket /tmp/w.sock --memcached 127.0.0.1:11211 \
  --fast-path-flag '/tmp/a(b)'
refused --snippet-only --socket /tmp/w.sock --memcached 127.0.0.1:11211 \
  --fast-path-flag '/tmp/a\b'
refused --snippet-only --socket /tmp/w.sock --memcached 127.0.0.1:11211 \
  --fast-path-flag /tmp/f --cache-prefix 'a%b'
refused --snippet-only --socket /tmp/w.sock --memcached 127.0.0.1:11211 \
  --fast-path-flag /tmp/f --cache-prefix 'a"b'
refused --snippet-only --socket /tmp/w.sock --memcached 'host;x:1' --fast-path-flag /tmp/f
refused --http-snippet-only
refused --http-snippet-only --socket /tmp/w.sock --socket '/tmp/a;b.sock'
refused --snippet-only --socket /tmp/w.sock --file-cache relative
refused --snippet-only --socket /tmp/w.sock --file-cache '/tmp/a;b'
refused --snippet-only --socket /tmp/w.sock --max-upload-bytes 10m
echo "nginx snippets: ok"
