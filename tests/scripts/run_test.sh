#!/usr/bin/env bash
# scripts/run end to end, as a newcomer uses it: started from another
# directory on a free port, it serves a wiki where a page can be created
# and read; a taken port is refused with a clear message; SIGTERM stops
# wikid and nginx and leaves nothing behind. With WIKID_BINARY set (ctest
# sets it) it serves with that wikid (--wikid) instead of building one.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
tmp=$(mktemp -d /tmp/wikid-run-test.XXXXXX)
run_pid=""
cleanup() {
  [[ -n "$run_pid" ]] && kill -TERM "$run_pid" 2>/dev/null && wait "$run_pid" 2>/dev/null
  rm -rf "$tmp"
}
trap cleanup EXIT
fail() { echo "FAIL: $*" >&2; [[ -f "$tmp/out" ]] && cat "$tmp/out" >&2; exit 1; }

wikid_args=()
[[ -n "${WIKID_BINARY:-}" ]] && wikid_args=(--wikid "$WIKID_BINARY")

port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
cd "$tmp"  # any current directory must do
"$root/scripts/run" "${wikid_args[@]}" --port "$port" --data "$tmp/data" --workers 2 >"$tmp/out" 2>&1 &
run_pid=$!
url="http://127.0.0.1:$port/"
for _ in $(seq 600); do  # the first run builds wikid: allow minutes
  grep -q "serving $url" "$tmp/out" 2>/dev/null && break
  kill -0 "$run_pid" 2>/dev/null || fail "scripts/run exited early"
  sleep 0.5
done
grep -q "serving $url" "$tmp/out" || fail "no URL printed"
# The private memcached is sized for the machine, and says so. It listens
# on a unix socket only its owner (the user wikid and nginx run as) may
# use: no other local process can read the cache or plant pages in it.
grep -qE "memcached on /[^ ]+\.sock \(up to [0-9]+ MB\)" "$tmp/out" ||
  fail "no memcached socket and size printed: $(cat "$tmp/out")"
cache_socket=$(grep -oE "memcached on /[^ ]+\.sock" "$tmp/out" | sed 's/^memcached on //')
[[ -S "$cache_socket" ]] || fail "no memcached socket at $cache_socket"
[[ $(stat -c '%a %u' "$cache_socket") == "600 $(id -u)" ]] ||
  fail "the memcached socket is not private: $(stat -c '%a %U' "$cache_socket")"
set +e
"$root/scripts/run" --cache-mb 3 >"$tmp/small" 2>&1
small_status=$?
set -e
[[ $small_status == 2 ]] && grep -q -- "--cache-mb must be" "$tmp/small" ||
  fail "--cache-mb 3 was not refused: $small_status $(cat "$tmp/small")"
set +e
"$root/scripts/run" --wikid "$tmp/no-such-wikid" >"$tmp/nowikid" 2>&1
nowikid_status=$?
set -e
[[ $nowikid_status == 2 ]] && grep -q "is not an executable file" "$tmp/nowikid" ||
  fail "a missing --wikid was not refused: $nowikid_status $(cat "$tmp/nowikid")"

# A new wiki's front page welcomes and says how to start; the terminal
# says how to make the first admin, with a link on this port that works.
status=$(curl -s -o "$tmp/front" -w '%{http_code}' "$url")
[[ "$status" == 200 ]] || fail "empty wiki front page: $status"
grep -q 'href="/_edit/Main_Page"' "$tmp/front" || fail "no offer to write the front page"
grep -q 'This wiki has no admin yet' "$tmp/out" || fail "no word on the first admin"
setup=$(grep -oE "${url}_setup\?token=[A-Za-z0-9_-]{43}" "$tmp/out" | head -n 1)
[[ -n "$setup" ]] || fail "no setup link on port $port printed"
[[ $(curl -s -o /dev/null -w '%{http_code}' "$setup") == 200 ]] || fail "the setup link does not work"
grep -q 'building wikid' "$tmp/out" || [[ -n "${WIKID_BINARY:-}" ]] || fail "the build was silent"

# A newcomer signs up (only logged-in users edit by default), then writes
# the front page.
edit=$(curl -s -o /dev/null -w '%{http_code} %{redirect_url}' "${url}_edit/Main_Page")
[[ "$edit" == "303 ${url}_login?next=/_edit/Main_Page" ]] || fail "anonymous edit form: $edit"
form_token() {  # the csrf field of the form at $1, keeping the cookies
  curl -s -b "$tmp/cookies" -c "$tmp/cookies" "$1" | sed -n 's/.*name="csrf" value="\([^"]*\)".*/\1/p' | head -n 1
}
token=$(form_token "${url}_signup")
[[ -n "$token" ]] || fail "no CSRF token in the signup form"
status=$(curl -s -o /dev/null -w '%{http_code}' -b "$tmp/cookies" -c "$tmp/cookies" "${url}_signup" \
  --data-urlencode "csrf=$token" --data-urlencode "name=newcomer" \
  --data-urlencode "password=run-test-password" --data-urlencode "password2=run-test-password")
[[ "$status" == 303 ]] || fail "signup answered $status"
token=$(form_token "${url}_edit/Main_Page")
[[ -n "$token" ]] || fail "no CSRF token in the edit form"
status=$(curl -s -o /dev/null -w '%{http_code}' -b "$tmp/cookies" "${url}_edit/Main_Page" \
  --data-urlencode "csrf=$token" --data-urlencode "base_rev=0" \
  --data-urlencode "text=Hello from **run_test**")
[[ "$status" == 303 ]] || fail "save answered $status"
curl -s "${url}_history/Main_Page" | grep -q 'href="/_user/newcomer"' || fail "the revision does not name its author"
curl -s "$url" | grep -q '<strong>run_test</strong>' || fail "the saved page is not shown"
curl -s "${url}_history/Main_Page" | grep -q 'Main_Page?rev=1' || fail "no history"
# Feeds link to the port the wiki is served on (its --public-url).
curl -s "${url}_recent.atom" | grep -q "href=\"${url}_diff/Main_Page" || fail "the feed does not link to port $port"
curl -s -o /dev/null -w '%{http_code}' "${url}_static/style.css" | grep -q 200 || fail "no stylesheet"
# The stylesheet is compressed for a browser that asks, and only then.
curl -s -D - -o /dev/null -H 'Accept-Encoding: gzip' "${url}_static/style.css" |
  grep -qi '^content-encoding: gzip' || fail "the stylesheet is not compressed when asked"
curl -s -D - -o /dev/null "${url}_static/style.css" | grep -qi '^content-encoding:' &&
  fail "the stylesheet is compressed though not asked"
[[ $(curl -s --compressed "${url}_static/style.css" | md5sum) == $(md5sum <"$root/views/static/style.css") ]] ||
  fail "the compressed stylesheet is not the file"
# The private memcached shares renderings between the workers: a view
# comes whole from it, through wikid (hit) or, once the fast path serves,
# through nginx (nginx). Which one depends on how soon the fast path is
# back after start-up, so either counts.
# Views until one is a hit, for up to a minute: a loaded machine's slow
# memcached answer counts as a miss and rests the client for a moment.
hit=0
for _ in $(seq 600); do
  curl -s -D - -o /dev/null "$url" | grep -qiE '^x-cache: (hit|nginx)' && { hit=1; break; }
  sleep 0.1
done
(( hit )) || fail "no cache hit with the default memcached"

# The same port again is refused, plainly.
if "$root/scripts/run" "${wikid_args[@]}" --port "$port" --data "$tmp/data2" >"$tmp/second" 2>&1; then
  fail "a second scripts/run on a taken port succeeded"
fi
grep -q "port $port is already in use" "$tmp/second" || fail "unclear taken-port message: $(cat "$tmp/second")"

# SIGTERM stops everything it started.
children=$(pgrep -P "$run_pid" | tr '\n' ' ')
kill -TERM "$run_pid"
wait "$run_pid" || fail "scripts/run exited non-zero after SIGTERM"
run_pid=""
for pid in $children; do
  for _ in $(seq 600); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done  # a minute
  kill -0 "$pid" 2>/dev/null && fail "process $pid outlived scripts/run"
done
(exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null && fail "port $port still answers"
[[ -e "$tmp/data/run/wikid.sock" ]] && fail "socket left behind"
echo "scripts/run: ok"
