#!/usr/bin/python3
"""The resource soak (issue 23): a mixed load on a running wiki for some
minutes while the RSS and open file descriptors of every process of the
stack are sampled; fails if either grows after warm-up, or if any request
gets an answer other than 200, 303 or 409 (a conflict between the threads'
saves).

Started by scripts/soak --minutes N, which starts the stack (scripts/run)
and makes the account this script logs in with. The load, from four
threads: anonymous page views (most), saves and previews from a logged-in
session, searches, JSON API reads, and a fresh login every two seconds
per thread (wikid answers 503 to logins past what its password-hash
slots allow at once: a flood is not a soak).

usage: resource_soak.py --url URL --root-pid PID --user NAME --password PW
                        --minutes N
"""

import argparse
import collections
import http.cookiejar
import os
import random
import re
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request

PAGES = 200
WORDS = ["alpha", "beta", "gamma", "delta", "wiki", "page", "soak", "river", "stone", "light"]


class Session:
    """One browser: cookies, and the form token the wiki gave it."""

    def __init__(self, url):
        self.url = url.rstrip("/")
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()),
            NoRedirect())

    def request(self, path, data=None, headers=None):
        body = None if data is None else urllib.parse.urlencode(data).encode()
        req = urllib.request.Request(self.url + path, data=body, headers=headers or {})
        try:
            with self.opener.open(req, timeout=60) as response:
                return response.status, response.read().decode("utf-8", "replace")
        except urllib.error.HTTPError as error:
            return error.code, error.read().decode("utf-8", "replace")

    def token(self, path):
        status, html = self.request(path)
        match = re.search(r'name="csrf" value="([^"]+)"', html)
        return match.group(1) if match else ""

    def log_in(self, user, password):
        token = self.token("/_login")
        return self.request("/_login", {"name": user, "password": password, "csrf": token})[0]

    def log_in_surely(self, user, password):
        """Logs in, trying again while wikid is busy hashing others."""
        status = 0
        for _ in range(100):
            status = self.log_in(user, password)
            if status != 503:
                return status
            time.sleep(0.1)  # wikid said busy: back off, then try again
        return status

    def save(self, name, text):
        status, html = self.request("/_edit/" + name)
        token = re.search(r'name="csrf" value="([^"]+)"', html)
        base = re.search(r'name="base_rev" value="(\d+)"', html)
        return self.request("/_edit/" + name, {
            "text": text, "summary": "soak", "csrf": token.group(1) if token else "",
            "base_rev": base.group(1) if base else "0"})[0]


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def page_text(rng):
    words = " ".join(rng.choice(WORDS) for _ in range(rng.randint(50, 400)))
    return "# Soak\n\n%s\n\nSee [[Soak %d]].\n" % (words, rng.randint(0, PAGES - 1))


def children(pid):
    try:
        with open("/proc/%d/task/%d/children" % (pid, pid)) as f:
            return [int(p) for p in f.read().split()]
    except OSError:
        return []


def tree(pid):
    out = [pid]
    for child in children(pid):
        out.extend(tree(child))
    return out


def sample(root_pid):
    """RSS (KiB) and open fds, summed per program name, over the tree."""
    rss = collections.Counter()
    fds = collections.Counter()
    for pid in tree(root_pid)[1:]:  # not scripts/run's own shell
        try:
            with open("/proc/%d/comm" % pid) as f:
                name = f.read().strip()
            if name in ("sleep", "bash", "cat"):
                continue
            with open("/proc/%d/status" % pid) as f:
                for line in f:
                    if line.startswith("VmRSS:"):
                        rss[name] += int(line.split()[1])
            fds[name] += len(os.listdir("/proc/%d/fd" % pid))
        except OSError:
            continue  # it ended between the listing and the read
    return rss, fds


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--url", required=True)
    parser.add_argument("--root-pid", type=int, required=True)
    parser.add_argument("--user", required=True)
    parser.add_argument("--password", required=True)
    parser.add_argument("--minutes", type=float, required=True)
    args = parser.parse_args()

    editor = Session(args.url)
    if editor.log_in_surely(args.user, args.password) != 303:
        sys.exit("resource_soak: cannot log in as " + args.user)
    rng = random.Random(1)
    for i in range(PAGES):
        if editor.save("Soak_%d" % i, page_text(rng)) != 303:
            sys.exit("resource_soak: cannot create Soak_%d" % i)

    stop = time.monotonic() + args.minutes * 60
    statuses = collections.Counter()
    failures = []
    lock = threading.Lock()

    def load(seed):
        rng = random.Random(seed)
        reader = Session(args.url)
        writer = Session(args.url)
        if writer.log_in_surely(args.user, args.password) != 303:
            with lock:
                failures.append("a writer could not log in")
            return
        next_login = time.monotonic()
        while time.monotonic() < stop:
            roll = rng.random()
            page = "Soak_%d" % rng.randrange(PAGES)
            if time.monotonic() >= next_login:
                next_login = time.monotonic() + 2
                status = Session(args.url).log_in(args.user, args.password)
            elif roll < 0.63:
                status = reader.request("/" + page)[0]
            elif roll < 0.74:
                status = writer.save(page, page_text(rng))
            elif roll < 0.85:
                status = writer.request("/_edit/" + page, {
                    "text": page_text(rng), "base_rev": "1", "action": "preview",
                    "csrf": writer.token("/_edit/" + page)})[0]
            elif roll < 0.93:
                status = reader.request("/_search?q=" + rng.choice(WORDS))[0]
            else:
                status = reader.request("/_api/page/" + page)[0]
            with lock:
                statuses[status] += 1
                if status >= 500:
                    failures.append("%s answered %d" % (page, status))

    threads = [threading.Thread(target=load, args=(seed,)) for seed in range(4)]
    for thread in threads:
        thread.start()
    samples = []
    while time.monotonic() < stop:
        samples.append(sample(args.root_pid))
        time.sleep(5)  # the sampling interval, not a wait for a condition
    for thread in threads:
        thread.join()

    # After warm-up (the first fifth, at least a minute's samples): the
    # mean of the first third of what is left against that of the last.
    # memcached's RSS grows by design as it fills; its fds must not.
    warm = max(12, len(samples) // 5)
    rest = samples[warm:]
    if len(rest) < 6:
        sys.exit("resource_soak: too short to judge; give it --minutes 3 or more")
    third = len(rest) // 3
    grew = []
    for kind, index, slack_abs, slack_rel in (("RSS KiB", 0, 8192, 0.15), ("fds", 1, 10, 0.0)):
        names = set().union(*(s[index].keys() for s in rest))
        for name in sorted(names):
            if kind == "RSS KiB" and name == "memcached":
                continue
            early = sum(s[index][name] for s in rest[:third]) / third
            late = sum(s[index][name] for s in rest[-third:]) / third
            print("resource_soak: %-10s %-8s %10.0f -> %10.0f" % (name, kind, early, late))
            if late > early * (1 + slack_rel) + slack_abs:
                grew.append("%s %s grew from %.0f to %.0f" % (name, kind, early, late))
    total = sum(statuses.values())
    unexpected = sum(n for s, n in statuses.items() if s not in (200, 303, 409))
    if unexpected:
        grew.append("%d answers other than 200, 303 and 409" % unexpected)
    print("resource_soak: %d requests in %.1f minutes: %s" % (
        total, args.minutes, ", ".join("%d x %d" % (n, s) for s, n in sorted(statuses.items()))))
    if failures:
        print("resource_soak: %d answers of 5xx, first: %s" % (len(failures), failures[0]))
    if grew:
        print("resource_soak: " + "; ".join(grew))
    sys.exit(1 if failures or grew else 0)


if __name__ == "__main__":
    main()
