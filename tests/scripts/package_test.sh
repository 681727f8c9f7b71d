#!/usr/bin/env bash
# The Debian package (scripts/debian/package.cmake) holds what it must:
# CPack makes it from this build tree (the suite's own: a Release tree
# would double the suite's build time, and what goes where does not depend
# on the build type), and dpkg-deb -c and -I must list the binary, its man
# page, the templates and static files, the units, the nginx parts filled
# in for the package's paths, the conffiles and the maintainer scripts
# that make the wikid user. Installing it on a clean Debian is done by
# hand (README "The Debian package"), not here.
#
# usage: package_test.sh BUILD_DIR
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
build=${1:?usage: package_test.sh BUILD_DIR}
tmp=$(mktemp -d /tmp/wikid-package-test.XXXXXX)
trap 'rm -rf "$tmp"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }
command -v help2man >/dev/null || { echo "help2man is missing (scripts/deps): skipped"; exit 0; }

# Two shortcuts keep this to seconds with the test tree's large binary:
# no dpkg-shlibdeps (a minute on it; scripts/package runs it, and the
# configuration must ask for it) and no compression.
grep -q 'set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS "ON")' "$build/CPackConfig.cmake" ||
  fail "the package's library dependencies are not read from the binary"
(cd "$build" && cpack -G DEB -B "$tmp/out" -D CPACK_DEBIAN_PACKAGE_SHLIBDEPS=OFF \
  -D CPACK_DEBIAN_COMPRESSION_TYPE=none >"$tmp/cpack.log" 2>&1) ||
  fail "cpack failed: $(cat "$tmp/cpack.log")"
deb=$(ls "$tmp"/out/wikid_*.deb)
[[ "$(basename "$deb")" =~ ^wikid_[0-9.]+_[a-z0-9]+\.deb$ ]] || fail "odd name: $deb"

dpkg-deb -c "$deb" | awk '{print $1, $2, $6}' >"$tmp/contents"
has() {  # mode owner path
  grep -qx -- "$1 $2 $3" "$tmp/contents" || fail "not in the package as $1 $2: $3
$(grep -F -- "$3" "$tmp/contents" || true)"
}
has -rwxr-xr-x root/root ./usr/bin/wikid
has -rw-r--r-- root/root ./usr/share/man/man1/wikid.1.gz
has -rw-r--r-- root/root ./usr/share/wikid/templates/layout.tpl
has -rw-r--r-- root/root ./usr/share/wikid/static/style.css
has -rw-r--r-- root/root ./usr/share/wikid/static/error.html
for unit in wikid.socket wikid.service wikid-backup.service wikid-backup.timer; do
  has -rw-r--r-- root/root "./lib/systemd/system/$unit"
done
has -rw-r----- root/root ./etc/wikid/wikid.conf
has -rw-r--r-- root/root ./etc/nginx/snippets/wikid.conf
has -rw-r--r-- root/root ./etc/nginx/conf.d/wikid-log.conf
# Nothing of the build machine's (a path of the checkout, a test tree).
if grep -vE '^\S+ \S+ \./(usr/bin/wikid|usr/share/(man/man1|wikid|doc)|lib/systemd/system|etc/(wikid|nginx))' \
    "$tmp/contents" | grep -vE '/$'; then
  fail "unexpected files in the package"
fi

dpkg-deb -I "$deb" >"$tmp/info"
for field in "Package: wikid" "Architecture: $(dpkg --print-architecture)" "Section: web"; do
  grep -q "^ $field\$" "$tmp/info" || fail "no '$field' in: $(cat "$tmp/info")"
done
grep -q '^ Depends: passwd$' "$tmp/info" || fail "no Depends on passwd (useradd)"
grep -q '^ Recommends: nginx, memcached$' "$tmp/info" || fail "nginx is not recommended"
dpkg-deb -e "$deb" "$tmp/control"
diff <(sort "$tmp/control/conffiles") <(printf '%s\n' /etc/nginx/conf.d/wikid-log.conf \
  /etc/nginx/snippets/wikid.conf /etc/wikid/wikid.conf) || fail "conffiles differ"
for script in postinst prerm postrm; do
  [[ -x "$tmp/control/$script" ]] || fail "no $script"
  sh -n "$tmp/control/$script" || fail "$script does not parse"
done
grep -q 'useradd --system' "$tmp/control/postinst" || fail "postinst makes no system user"

dpkg-deb -x "$deb" "$tmp/root"
# The man page is --help's, options and all.
zcat "$tmp/root/usr/share/man/man1/wikid.1.gz" >"$tmp/wikid.1"
for text in '\-\-log\-file' '\-\-socket' 'SIGUSR1' 'wikid user create' \
    'wikid \- a wiki engine'; do
  grep -qF -- "$text" "$tmp/wikid.1" || fail "the man page lacks $text"
done
# The snippet is filled in for the package's paths, and passes nginx -t
# in a server block beside the log format in the http block.
snippet=$tmp/root/etc/nginx/snippets/wikid.conf
grep -q 'fastcgi_pass unix:/run/wikid/wikid.sock;' "$snippet" || fail "the snippet's socket"
grep -q 'alias /usr/share/wikid/static/;' "$snippet" || fail "the snippet's static files"
grep -q 'alias /var/cache/wikid/files/$wikid_file_sha;' "$snippet" || fail "the snippet's files"
grep -q '^file-cache = /var/cache/wikid/files$' "$tmp/root/etc/wikid/wikid.conf" ||
  fail "wikid.conf's file cache is not the snippet's"
grep -q "$root" "$snippet" && fail "the snippet names the build's checkout"
mkdir -p "$tmp/nginx/logs"
cat >"$tmp/nginx/nginx.conf" <<CONF
pid $tmp/nginx/nginx.pid;
error_log $tmp/nginx/logs/error.log;
events { }
http {
    include $tmp/root/etc/nginx/conf.d/wikid-log.conf;
    server {
        listen 127.0.0.1:9;
        access_log $tmp/nginx/logs/access.log wikid;
        include $snippet;
    }
}
CONF
nginx -t -q -p "$tmp/nginx" -c "$tmp/nginx/nginx.conf" -e "$tmp/nginx/logs/error.log" \
  2>"$tmp/nginx/out" || fail "nginx -t: $(cat "$tmp/nginx/out")"
echo "package: ok"
