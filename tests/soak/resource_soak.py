#!/usr/bin/python3
"""The resource soak (issue 23): a mixed load on a running wiki for some
minutes while the RSS and open file descriptors of every process of the
stack are sampled; fails if either grows after warm-up, or if any request
gets an answer other than 200, 303 or 409 (a conflict between the threads'
saves), or a login that wikid said was busy never gets through. Prints the
answers per kind of request, and each 5xx with the route and wikid's words.

Started by scripts/soak --minutes N, which starts the stack (scripts/run)
and makes the account this script logs in with. The load, from four
threads: anonymous page views (most), saves and previews from a logged-in
session, searches, JSON API reads, and a fresh login every two seconds
per thread. wikid answers 503 with Retry-After to logins past what its
password-hash slots allow at once (model/accounts/hash_slots.h): that is
its back-pressure, not a failure, so such a login is tried again after the
wait it names, as a person would, and counted as "login busy"; on a loaded
machine hashes take longer and this happens more often. Any other 5xx fails.

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
        return self.request_with_headers(path, data, headers)[:2]

    def request_with_headers(self, path, data=None, headers=None):
        body = None if data is None else urllib.parse.urlencode(data).encode()
        req = urllib.request.Request(self.url + path, data=body, headers=headers or {})
        try:
            with self.opener.open(req, timeout=60) as response:
                return (response.status, response.read().decode("utf-8", "replace"),
                        response.headers)
        except urllib.error.HTTPError as error:
            return error.code, error.read().decode("utf-8", "replace"), error.headers

    def token(self, path):
        status, html = self.request(path)
        match = re.search(r'name="csrf" value="([^"]+)"', html)
        return match.group(1) if match else ""

    def log_in(self, user, password):
        """The login's status, its page, and its Retry-After (or None)."""
        token = self.token("/_login")
        status, html, headers = self.request_with_headers(
            "/_login", {"name": user, "password": password, "csrf": token})
        return status, html, headers.get("Retry-After")

    def log_in_surely(self, user, password, busy=None):
        """Logs in, trying again after the wait wikid names while it is busy
        hashing others (each such answer counted in `busy`, a one-element
        list). Returns the last status and page; gives up after 100 busy
        answers, which no soak should see."""
        for _ in range(100):
            status, html, retry_after = self.log_in(user, password)
            if status != 503 or retry_after is None:
                return status, html
            if busy is not None:
                busy[0] += 1
            time.sleep(int(retry_after))  # the back-off wikid asked for
        return status, html

    def save(self, name, text):
        status, html = self.request("/_edit/" + name)
        token = re.search(r'name="csrf" value="([^"]+)"', html)
        base = re.search(r'name="base_rev" value="(\d+)"', html)
        return self.request("/_edit/" + name, {
            "text": text, "summary": "soak", "csrf": token.group(1) if token else "",
            "base_rev": base.group(1) if base else "0"})


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def error_words(html):
    """The message of one of wikid's error pages, or the page's start."""
    match = (re.search(r'class="error"[^>]*>(.*?)</', html, re.S) or
             re.search(r"<main[^>]*>(.*?)</main>", html, re.S))
    text = re.sub(r"<[^>]+>", "", match.group(1) if match else html)
    return " ".join(text.split())[:200]


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
    if editor.log_in_surely(args.user, args.password)[0] != 303:
        sys.exit("resource_soak: cannot log in as " + args.user)
    rng = random.Random(1)
    for i in range(PAGES):
        if editor.save("Soak_%d" % i, page_text(rng))[0] != 303:
            sys.exit("resource_soak: cannot create Soak_%d" % i)

    stop = time.monotonic() + args.minutes * 60
    statuses = collections.Counter()   # (kind of request, status) -> answers
    failures = []                      # each 5xx: kind, path, status, wikid's words
    busy_logins = [0]                  # logins wikid asked to retry later
    lock = threading.Lock()

    def count(kind, path, status, html):
        with lock:
            statuses[(kind, status)] += 1
            if status >= 500:
                failures.append("%s %s answered %d: %s" % (kind, path, status, error_words(html)))

    def load(seed):
        try:
            load_until_stop(seed)
        except Exception as error:  # a dead load thread is a failed soak
            with lock:
                failures.append("load thread %d died: %r" % (seed, error))

    def load_until_stop(seed):
        rng = random.Random(seed)
        reader = Session(args.url)
        writer = Session(args.url)
        if writer.log_in_surely(args.user, args.password, busy_logins)[0] != 303:
            with lock:
                failures.append("a writer could not log in")
            return
        next_login = time.monotonic()
        while time.monotonic() < stop:
            roll = rng.random()
            page = "Soak_%d" % rng.randrange(PAGES)
            if time.monotonic() >= next_login:
                next_login = time.monotonic() + 2
                status, html = Session(args.url).log_in_surely(
                    args.user, args.password, busy_logins)
                count("login", "/_login", status, html)
            elif roll < 0.63:
                count("view", "/" + page, *reader.request("/" + page))
            elif roll < 0.74:
                count("save", "/_edit/" + page, *writer.save(page, page_text(rng)))
            elif roll < 0.85:
                count("preview", "/_edit/" + page, *writer.request("/_edit/" + page, {
                    "text": page_text(rng), "base_rev": "1", "action": "preview",
                    "csrf": writer.token("/_edit/" + page)}))
            elif roll < 0.93:
                path = "/_search?q=" + rng.choice(WORDS)
                count("search", path, *reader.request(path))
            else:
                count("api", "/_api/page/" + page, *reader.request("/_api/page/" + page))

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
    unexpected = sum(n for (_, s), n in statuses.items() if s not in (200, 303, 409))
    if unexpected:
        grew.append("%d answers other than 200, 303 and 409" % unexpected)
    print("resource_soak: %d requests in %.1f minutes" % (total, args.minutes))
    for kind in sorted({k for k, _ in statuses}):
        print("resource_soak:   %-8s %s" % (kind, ", ".join(
            "%d x %d" % (n, s) for (k, s), n in sorted(statuses.items()) if k == kind)))
    print("resource_soak: %d logins answered busy (503, Retry-After) and tried again"
          % busy_logins[0])
    if failures:
        print("resource_soak: %d answers of 5xx; the first ten:" % len(failures))
        for failure in failures[:10]:
            print("resource_soak:   " + failure)
    if grew:
        print("resource_soak: " + "; ".join(grew))
    sys.exit(1 if failures or grew else 0)


if __name__ == "__main__":
    main()
