#!/usr/bin/python3
"""The parts of scripts/security-scan that are easier in Python than in
bash (issue 23). Files are read from and written to OUT, one value each.

log-in: on a freshly started wiki, logs in as the scan's account, saves
  the pages the scanners work on, and writes the session cookie and
  wapiti's JSON cookie file.

sqlmap-inputs: after wapiti's scan, writes what sqlmap's runs start from:
  the session's form token, the edited page's revision, a new API token,
  and an anonymous browser's login cookie and token.

session-ok: says (exit 0 or 1) whether the session is still logged in, so
  a scan that lost it part way does not pass as an authenticated one.

report: reads every sqlmap log and wapiti's JSON report, makes one line of
  each finding and compares them with the allow-list. Prints the findings
  that are not on it and exits 1, or a summary and exits 0; a scanner that
  did not finish fails too (exit 2), since its silence proves nothing.

wapiti ARGS: runs wapiti with ARGS, mended so that its -x works.

--self-test: checks the report's reading against planted scanner output.

usage: security_scan.py log-in --url URL --user NAME --password PW --out OUT
       security_scan.py sqlmap-inputs --url URL --user NAME --out OUT
       security_scan.py session-ok --url URL --out OUT
       security_scan.py report --sqlmap DIR --wapiti FILE [--wapiti-log FILE]
                               --allow-list FILE [--problem TEXT]...
       security_scan.py wapiti ARGS...
       security_scan.py --self-test
"""

import argparse
import http.cookiejar
import json
import os
import re
import sys
import time
import urllib.error
import urllib.parse
import urllib.request

# The pages the scan saves, so that history, diffs, backlinks and search
# have something to show. Scan_Target is the one sqlmap edits.
PAGES = {
    "Scan_Home": "# Scan home\n\nLinks to [[Scan Target]], [[Scan Notes]] and [[Not Yet Written]].\n",
    "Scan_Target": "# Target\n\nThe page sqlmap and wapiti save to. Back to [[Scan Home]].\n",
    "Scan_Notes": "# Notes\n\n* one\n* two\n\n| a | b |\n|---|---|\n| 1 | 2 |\n\n[[Scan Target#Target]]\n",
}


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


class Session:
    """One browser: its cookies, as tests/soak/resource_soak.py's."""

    def __init__(self, url, cookie=None):
        self.url = url.rstrip("/")
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(self.jar), NoRedirect())
        self.headers = {"Cookie": cookie} if cookie else {}  # NAME=VALUE

    def request(self, path, data=None):
        body = None if data is None else urllib.parse.urlencode(data).encode()
        req = urllib.request.Request(self.url + path, data=body, headers=self.headers)
        try:
            with self.opener.open(req, timeout=60) as response:
                return response.status, response.read().decode("utf-8", "replace")
        except urllib.error.HTTPError as error:
            return error.code, error.read().decode("utf-8", "replace")

    def cookie(self, name):
        return next((c.value for c in self.jar if c.name == name), "")


def field(html, name):
    match = re.search(r'name="%s" value="([^"]*)"' % re.escape(name), html)
    return match.group(1) if match else ""


def log_in(args):
    """Logs in as --user, saves the pages and writes the session cookie,
    and wapiti's cookie file."""
    os.makedirs(args.out, exist_ok=True)
    editor = Session(args.url)
    status = 0
    for _ in range(100):
        status, html = editor.request("/_login")
        status, _html = editor.request("/_login", {
            "name": args.user, "password": args.password, "csrf": field(html, "csrf")})
        if status != 503:
            break
        time.sleep(0.1)  # wikid said its password hashers are busy: try again
    session = editor.cookie("wikid_session")
    if status != 303 or not session:
        sys.exit("security_scan: cannot log in as %s (answer %d)" % (args.user, status))

    for name, text in PAGES.items():
        for summary, body in (("first", text), ("second", text + "\nMore words.\n")):
            _status, html = editor.request("/_edit/" + name)
            status, _html = editor.request("/_edit/" + name, {
                "text": body, "summary": summary, "action": "save",
                "csrf": field(html, "csrf"), "base_rev": field(html, "base_rev") or "0"})
            if status != 303:
                sys.exit("security_scan: cannot save %s (answer %d)" % (name, status))

    write(args.out, "session-cookie", "wikid_session=" + session)
    # wapiti 3.0.4 takes cookies from this JSON file (-c). Its own
    # wapiti-getcookie cannot log in here: it sends form data fixed before
    # it fetches the form, and wikid's token is signed for the cookie that
    # fetch sets.
    host = urllib.parse.urlsplit(args.url).hostname
    cookies = {host: {"/": {"wikid_session": {
        "value": session, "expires": None, "secure": False, "port": None, "version": 0}}}}
    write(args.out, "wapiti-cookies.json", json.dumps(cookies, indent=2))


def sqlmap_inputs(args):
    """Writes what sqlmap's runs start from, read after wapiti has been
    through the forms: the session's form token, Scan_Target's current
    revision, a new API token (wapiti's CSRF check replays every form as
    found, the one that revokes the first token too), and an anonymous
    browser's login cookie and the token signed for it."""
    editor = Session(args.url, read(args.out, "session-cookie"))
    _status, html = editor.request("/_edit/Scan_Target")
    csrf, base_rev = field(html, "csrf"), field(html, "base_rev")
    tokens_url = "/_user/%s/_tokens" % args.user
    status, tokens = editor.request(tokens_url, {
        "action": "issue", "label": "security scan", "csrf": csrf})
    if status == 409:
        # wapiti's replays of the issue form filled the account's 50 tokens:
        # revoke them (as their owner would) and make the one sqlmap uses.
        _status, listing = editor.request(tokens_url)
        for token_id in re.findall(r'name="id" value="(\d+)"', listing):
            editor.request(tokens_url, {"action": "revoke", "id": token_id, "csrf": csrf})
        status, tokens = editor.request(tokens_url, {
            "action": "issue", "label": "security scan", "csrf": csrf})
    api_token = re.search(r'<code class="token">([^<]+)</code>', tokens)
    if status != 200 or not api_token or not csrf or not base_rev:
        sys.exit("security_scan: cannot read the edit form or make an API token")
    anonymous = Session(args.url)
    _status, html = anonymous.request("/_login")
    write(args.out, "session-csrf", csrf)
    write(args.out, "base-rev", base_rev)
    write(args.out, "api-token", api_token.group(1))
    write(args.out, "anonymous-cookie", "wikid_csrf=" + anonymous.cookie("wikid_csrf"))
    write(args.out, "anonymous-csrf", field(html, "csrf"))


def write(directory, name, text):
    with open(os.path.join(directory, name), "w") as f:
        f.write(text + "\n")


def read(directory, name):
    with open(os.path.join(directory, name)) as f:
        return f.read().strip()


def session_ok(args):
    # The edit form answers a logged-out browser with a redirect to /_login.
    status, _html = Session(args.url, read(args.out, "session-cookie")).request("/_edit/Scan_Target")
    return 0 if status == 200 else 1


# ---------------------------------------------------------------------------
# Findings

# sqlmap (1.7.2) says what it found in these lines of its console output.
# Its "appears to be ... injectable" is not one of them: sqlmap checks each
# such guess itself and either says "is vulnerable" and lists the injection
# point, or drops it as a false positive. The heuristic lines are guesses
# from one request, not proof, but each says the answer changed the way a
# database error or a reflected payload would, so they count ("might not
# be injectable" is the all-clear).
SQLMAP_FINDING = re.compile(
    r"heuristic .* might be (injectable|vulnerable)|parameter '.*' is vulnerable"
    r"|^Parameter: |^ *Type: |^ *Payload: ")
SQLMAP_DONE = re.compile(
    r"all tested parameters do not appear to be injectable"
    r"|identified the following injection point")
SQLMAP_CODES = re.compile(r"HTTP error codes detected during run:\n(.*)")
SQLMAP_TESTED = re.compile(r"testing for SQL injection on (?:(.+) )?parameter '(.+)'")
TERMINAL_CODES = re.compile(r"\x1b(\[[0-9;?]*[A-Za-z]|[()][A-Z0-9]|[=>])")
SQLMAP_STAMP = re.compile(r"^\[\d\d:\d\d:\d\d\] \[[A-Z]+\] ")


def sqlmap_findings(directory, problems):
    """One line per finding in each NAME.out that scripts/security-scan
    wrote, what each run tested, and a problem for each that did not
    finish."""
    findings, tested = [], {}
    runs = sorted(n for n in os.listdir(directory) if n.endswith(".out"))
    if not runs:
        problems.append("sqlmap: no runs in " + directory)
    for run in runs:
        target = run[:-len(".out")]
        with open(os.path.join(directory, run), errors="replace") as f:
            text = f.read()
        seen = set()
        for line in text.splitlines():
            line = SQLMAP_STAMP.sub("", line.rstrip())
            if SQLMAP_FINDING.search(line):
                finding = "sqlmap %s: %s" % (target, line.strip())
                if finding not in seen:
                    seen.add(finding)
                    findings.append(finding)
        tested[target] = sorted({" ".join(filter(None, m.groups()))
                                 for m in SQLMAP_TESTED.finditer(text)})
        # A 5xx is an exception or a database error that a payload caused:
        # no injection, maybe, but a bug that the payload shows.
        for codes in SQLMAP_CODES.findall(text):
            for code in re.findall(r"\b5\d\d \([^)]*\) - \d+ times", codes):
                findings.append("sqlmap %s: HTTP %s" % (target, code))
        if not SQLMAP_DONE.search(text) or not tested[target]:
            tail = " / ".join(TERMINAL_CODES.sub("", text).strip().splitlines()[-2:])
            problems.append("sqlmap %s did not finish: %s" % (target, tail))
    return findings, tested


# wapiti's JSON report has four sections. "vulnerabilities" and
# "anomalies" count: an anomaly is a 500 or a time-out that a payload
# caused, a bug at best and a denial of service at worst. "additionals"
# count too: in 3.0.4 only the wapp module writes there (fingerprints),
# and it is not run, so anything there is unexpected and worth a look.
# "infos" describes the scan itself (target, date, scope), not the wiki.
WAPITI_SECTIONS = ("vulnerabilities", "anomalies", "additionals")


def wapiti_findings(path, problems):
    """(line, request) per finding: the line is what the allow-list
    matches; the request (a curl command) shows it."""
    try:
        with open(path) as f:
            report = json.load(f)
    except (OSError, ValueError) as error:
        problems.append("wapiti wrote no report: %s" % error)
        return []
    findings = []
    for section in WAPITI_SECTIONS:
        for category, items in sorted((report.get(section) or {}).items()):
            for item in items:
                info = " ".join(str(item.get("info", "")).split())
                line = "wapiti %s: %s: %s %s %s: %s" % (
                    section, category, item.get("method"), item.get("path"),
                    item.get("parameter") or "-", info)
                findings.append((line, item.get("curl_command", "")))
    return findings


def read_allow_list(path):
    """Entries: a `match:` line (a regular expression searched for in the
    finding's line), then a `why:` line, continued on indented lines."""
    entries = []
    with open(path) as f:
        for number, line in enumerate(f, 1):
            if not line.strip() or line.startswith("#"):
                continue
            if line.startswith("match:"):
                entries.append({"match": re.compile(line[6:].strip()), "why": "",
                                "line": number, "used": 0})
            elif line.startswith("why:") and entries:
                entries[-1]["why"] = line[4:].strip()
            elif line[0].isspace() and entries and entries[-1]["why"]:
                entries[-1]["why"] += " " + line.strip()
            else:
                sys.exit("security_scan: %s:%d: expected 'match:', 'why:' or an "
                         "indented continuation" % (path, number))
    for entry in entries:
        if not entry["why"]:
            sys.exit("security_scan: %s:%d: an entry with no 'why:'" % (path, entry["line"]))
    return entries


def report(args):
    problems = list(args.problem)
    sqlmap, tested = sqlmap_findings(args.sqlmap, problems)
    wapiti = wapiti_findings(args.wapiti, problems)
    entries = read_allow_list(args.allow_list)
    allowed, refused = [], []
    for line, request in [(f, "") for f in sqlmap] + wapiti:
        entry = next((e for e in entries if e["match"].search(line)), None)
        if entry:
            entry["used"] += 1
            allowed.append((line, entry))
        else:
            refused.append((line, request))

    print("security-scan: sqlmap: %d runs, %d parameters tested, %d findings" % (
        len(tested), sum(len(t) for t in tested.values()), len(sqlmap)))
    for target, parameters in tested.items():
        print("  %s: %s" % (target, ", ".join(parameters) or "nothing"))
    print("security-scan: wapiti: %d findings" % len(wapiti))
    # Its time limits are the scan's budget, not a failure, but what they
    # cut short is said.
    if args.wapiti_log and os.path.exists(args.wapiti_log):
        with open(args.wapiti_log, errors="replace") as f:
            for line in f:
                if line.startswith("Max ") and "was reached" in line:
                    print("  " + line.strip())
    for line, entry in allowed:
        print("allowed: %s\n  why (allow-list line %d): %s" % (line, entry["line"], entry["why"]))
    for entry in entries:
        if not entry["used"]:
            print("note: allow-list line %d matched nothing this time" % entry["line"])
    for line, request in refused:
        print("NOT ALLOWED: " + line)
        if request:
            print("  request: " + request)
    for problem in problems:
        print("INCOMPLETE: " + problem)
    if refused:
        print("security-scan: %d findings are not on the allow-list" % len(refused))
        return 1
    if problems:
        print("security-scan: the scan did not finish; its silence proves nothing")
        return 2
    print("security-scan: every finding is on the allow-list")
    return 0


def run_wapiti(argv):
    """wapiti, with its -x fixed: 3.0.4 builds the pattern's regular
    expression with its flags at the end, which Python 3.11 refuses, so
    every -x stops it before the crawl (wapiti later rewrote this code)."""
    import wapitiCore.net.crawler as crawler
    from wapitiCore.main.wapiti import wapiti_main

    def wildcard_translate(pattern):
        return re.compile("(?ms)" + ".*".join(map(re.escape, pattern.split("*"))) + r"\Z")

    crawler.wildcard_translate = wildcard_translate
    sys.argv = ["wapiti"] + argv
    return wapiti_main()


# ---------------------------------------------------------------------------
# The report's reading, against planted output (no scanner needed): what
# counts as a finding decides whether the scan passes, so it is tested in
# the suite (tests/CMakeLists.txt) like the layering checker.

PLANTED_INJECTABLE = """\
[02:10:47] [WARNING] heuristic (basic) test shows that GET parameter 'from' might not be injectable
[02:10:47] [INFO] testing for SQL injection on GET parameter 'q'
[02:10:48] [INFO] GET parameter 'q' appears to be 'AND boolean-based blind - WHERE or HAVING clause' injectable
[02:10:52] [INFO] testing for SQL injection on parameter 'User-Agent'
[02:10:52] [INFO] heuristic (XSS) test shows that GET parameter 'q' might be vulnerable to cross-site scripting (XSS) attacks
GET parameter 'q' is vulnerable. Do you want to keep testing the others (if any)? [y/N] N
sqlmap identified the following injection point(s) with a total of 46 HTTP(s) requests:
---
Parameter: q (GET)
    Type: boolean-based blind
    Title: AND boolean-based blind - WHERE or HAVING clause
    Payload: q=wiki' AND 7581=7581-- gUSq
---
"""
PLANTED_CLEAN = """\
[02:10:47] [INFO] testing for SQL injection on POST parameter 'text'
[02:10:48] [INFO] POST parameter 'text' appears to be 'AND boolean-based blind - WHERE or HAVING clause' injectable
[02:10:52] [WARNING] false positive or unexploitable injection point detected
[02:10:52] [WARNING] POST parameter 'text' does not seem to be injectable
[02:10:55] [ERROR] all tested parameters do not appear to be injectable. Try to increase values for '--level'/'--risk'
[02:10:55] [WARNING] HTTP error codes detected during run:
400 (Bad Request) - 12 times, 500 (Internal Server Error) - 2 times
"""
PLANTED_CUT_SHORT = """\
[02:10:47] [INFO] testing for SQL injection on POST parameter 'label'
"""
PLANTED_WAPITI = {
    "vulnerabilities": {"Cross Site Scripting": [{
        "method": "GET", "path": "/_search", "parameter": "q", "info": "XSS  in q",
        "curl_command": "curl http://127.0.0.1/_search?q=x"}]},
    "anomalies": {"Internal Server Error": [{
        "method": "POST", "path": "/_edit/A", "parameter": "text", "info": "500", "curl_command": ""}]},
    "additionals": {},
    "infos": {"target": "http://127.0.0.1/"},
}


def self_test():
    import contextlib
    import io
    import tempfile

    failures = []

    def check(what, ok):
        if not ok:
            failures.append(what)

    with tempfile.TemporaryDirectory() as tmp:
        runs = os.path.join(tmp, "runs")
        os.makedirs(runs)
        for name, text in (("injectable", PLANTED_INJECTABLE), ("clean", PLANTED_CLEAN),
                           ("cut", PLANTED_CUT_SHORT)):
            write(runs, name + ".out", text)
        problems = []
        findings, tested = sqlmap_findings(runs, problems)
        text = "\n".join(findings)
        check("an injection point is a finding", "sqlmap injectable: Parameter: q (GET)" in findings)
        check("its payload is shown", "Payload: q=wiki' AND 7581=7581" in text)
        check("a heuristic XSS guess is a finding", "might be vulnerable to cross-site" in text)
        check("'might not be injectable' is not", "might not be" not in text)
        check("a guess sqlmap dropped as a false positive is not",
              not any(f.startswith("sqlmap clean: ") and "appears" in f for f in findings))
        check("a 500 is a finding", "sqlmap clean: HTTP 500 (Internal Server Error) - 2 times" in findings)
        check("a 400 is not", "400 (Bad" not in text)
        check("headers count as tested", "User-Agent" in tested["injectable"])
        check("a run cut short is a problem", any("sqlmap cut did not finish" in p for p in problems))
        check("finished runs are not", not any("injectable did" in p or "clean did" in p for p in problems))

        write(tmp, "wapiti.json", json.dumps(PLANTED_WAPITI))
        found = wapiti_findings(os.path.join(tmp, "wapiti.json"), problems)
        lines = [line for line, _request in found]
        check("wapiti's vulnerabilities and anomalies are findings, infos are not", lines == [
            "wapiti vulnerabilities: Cross Site Scripting: GET /_search q: XSS in q",
            "wapiti anomalies: Internal Server Error: POST /_edit/A text: 500"])
        check("a missing wapiti report is a problem",
              not wapiti_findings(os.path.join(tmp, "none.json"), problems) and
              "wapiti wrote no report" in problems[-1])

        def run_report(allow_list, sqlmap_dir):
            write(tmp, "allow.txt", allow_list)
            args = argparse.Namespace(
                sqlmap=sqlmap_dir, wapiti=os.path.join(tmp, "wapiti.json"), wapiti_log=None,
                allow_list=os.path.join(tmp, "allow.txt"), problem=[])
            out = io.StringIO()
            with contextlib.redirect_stdout(out):
                try:
                    return report(args), out.getvalue()
                except SystemExit as exit:
                    return "exit: %s" % exit, out.getvalue()

        finished = os.path.join(tmp, "finished")
        os.makedirs(finished)
        write(finished, "clean.out", PLANTED_CLEAN.replace("500 (Internal Server Error) - 2 times", ""))
        everything = ("match: ^wapiti vulnerabilities: Cross Site Scripting: GET /_search q: \n"
                      "why: planted\nmatch: ^wapiti anomalies: \nwhy: planted,\n  on two lines\n")
        code, out = run_report(everything, finished)
        check("all allowed: exit 0", code == 0)
        check("a reason continues on indented lines", "planted, on two lines" in out)
        code, out = run_report("match: ^wapiti anomalies: \nwhy: planted\n", finished)
        check("one not allowed: exit 1",
              code == 1 and "NOT ALLOWED: wapiti vulnerabilities: Cross Site" in out)
        check("with the request that shows it", "request: curl http://127.0.0.1/_search?q=x" in out)
        code, _out = run_report(everything, runs)
        check("not allowed beats incomplete", code == 1)
        code, _out = run_report(everything + "match: .\nwhy: all\n", runs)
        check("a run cut short: exit 2", code == 2)
        code, _out = run_report("match: x\n", finished)
        check("an entry needs a reason", str(code).startswith("exit: "))

    for failure in failures:
        print("security_scan self-test FAILED: " + failure)
    print("security_scan self-test: %d failed" % len(failures))
    return 1 if failures else 0


def main():
    if sys.argv[1:2] == ["wapiti"]:
        return run_wapiti(sys.argv[2:])
    if sys.argv[1:] == ["--self-test"]:
        return self_test()
    parser = argparse.ArgumentParser()
    sub = parser.add_subparsers(dest="command", required=True)
    p = sub.add_parser("log-in")
    p.add_argument("--url", required=True)
    p.add_argument("--user", required=True)
    p.add_argument("--password", required=True)
    p.add_argument("--out", required=True)
    p = sub.add_parser("sqlmap-inputs")
    p.add_argument("--url", required=True)
    p.add_argument("--user", required=True)
    p.add_argument("--out", required=True)
    p = sub.add_parser("session-ok")
    p.add_argument("--url", required=True)
    p.add_argument("--out", required=True)
    p = sub.add_parser("report")
    p.add_argument("--sqlmap", required=True)
    p.add_argument("--wapiti", required=True)
    p.add_argument("--wapiti-log", help="its console output, for the limits it reached")
    p.add_argument("--allow-list", required=True)
    p.add_argument("--problem", action="append", default=[],
                   help="something that makes the scan incomplete")
    args = parser.parse_args()
    if args.command == "log-in":
        log_in(args)
        return 0
    if args.command == "sqlmap-inputs":
        sqlmap_inputs(args)
        return 0
    if args.command == "session-ok":
        return session_ok(args)
    return report(args)


if __name__ == "__main__":
    sys.exit(main())
