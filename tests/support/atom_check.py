#!/usr/bin/python3
"""Checks an Atom 1.0 document on standard input against RFC 4287.

Well-formed XML (expat, via the standard library), the Atom namespace, and
the rules of sections 4.1.1 and 4.1.2 that a feed reader depends on:
exactly one id, title and updated per feed and per entry; an author on the
feed or on every entry; a link rel="alternate" (or content) per entry;
ids that are absolute IRIs, unique per feed; timestamps in RFC 3339; link
hrefs that are absolute. Prints "ok", or one problem per line and exits 1.
"""
import re
import sys
import xml.etree.ElementTree as ET

ATOM = "{http://www.w3.org/2005/Atom}"
RFC3339 = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$")
ABSOLUTE = re.compile(r"^[a-zA-Z][a-zA-Z0-9+.-]*:")


def main():
    problems = []
    data = sys.stdin.buffer.read()
    if not data.startswith(b"<?xml"):
        problems.append("the document does not start with the XML declaration")
    try:
        feed = ET.fromstring(data)
    except ET.ParseError as e:
        print("not well-formed XML: %s" % e)
        return 1
    if feed.tag != ATOM + "feed":
        problems.append("the root is %s, not atom:feed" % feed.tag)

    def exactly_one(parent, name, where):
        found = parent.findall(ATOM + name)
        if len(found) != 1:
            problems.append("%s has %d atom:%s, not exactly one" % (where, len(found), name))
            return None
        return found[0]

    def check_common(element, where):
        ident = exactly_one(element, "id", where)
        if ident is not None and not ABSOLUTE.match(ident.text or ""):
            problems.append("%s id %r is not an absolute IRI" % (where, ident.text))
        title = exactly_one(element, "title", where)
        if title is not None and not (title.text or "").strip():
            problems.append("%s has an empty title" % where)
        updated = exactly_one(element, "updated", where)
        if updated is not None and not RFC3339.match(updated.text or ""):
            problems.append("%s updated %r is not RFC 3339" % (where, updated.text))
        for link in element.findall(ATOM + "link"):
            if not ABSOLUTE.match(link.get("href", "")):
                problems.append("%s link %r is not absolute" % (where, link.get("href")))
        for author in element.findall(ATOM + "author"):
            if author.find(ATOM + "name") is None:
                problems.append("%s has an author without a name" % where)
        return ident.text if ident is not None else None

    check_common(feed, "the feed")
    if not any(l.get("rel") == "self" for l in feed.findall(ATOM + "link")):
        problems.append("the feed has no link rel=\"self\"")
    feed_has_author = feed.find(ATOM + "author") is not None
    ids = set()
    for n, entry in enumerate(feed.findall(ATOM + "entry"), 1):
        where = "entry %d" % n
        ident = check_common(entry, where)
        if ident in ids:
            problems.append("%s repeats the id %r" % (where, ident))
        ids.add(ident)
        if not feed_has_author and entry.find(ATOM + "author") is None:
            problems.append("%s has no author, nor has the feed" % where)
        alternate = [l for l in entry.findall(ATOM + "link") if l.get("rel", "alternate") == "alternate"]
        if not alternate and entry.find(ATOM + "content") is None:
            problems.append("%s has neither content nor a link rel=\"alternate\"" % where)
    print("\n".join(problems) if problems else "ok")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
