#!/usr/bin/env python3
"""The layering of wikid, checked on every #include.

Data flows fcgi -> views -> model and never back, and inside model/ each
folder may use only the folders below it (model/README.md says why). A
library's headers appear only in the layer that links it, so SQLite stays
inside its engine and libfcgi inside the process layer. Tests may include
anything.

Usage: layering_test.py ROOT     check the tree at ROOT
       layering_test.py --self-test
"""
import os
import re
import sys
import tempfile

# Each layer (a folder) and the folders it may include from, besides its
# own. The one table: change it here and in model/README.md together.
MODEL = ["model", "model/accounts", "model/cache", "model/mail",
         "model/media", "model/store", "model/text", "model/base"]
# views/ folders, top to bottom.
VIEWS = ["views/pages", "views/accounts", "views/fill",
         "views/base", "views/markup", "views/http"]

ALLOWED = {
    "model/base": [],
    "model/text": ["model/base"],
    "model/store": ["model/text", "model/base"],
    "model/store/sqlite": ["model/store", "model/text", "model/base"],
    "model/store/postgres": ["model/store", "model/text", "model/base"],
    "model/accounts": ["model/store", "model/text", "model/base"],
    "model/cache": ["model/base"],
    "model/mail": ["model/store", "model/text", "model/base"],
    "model/media": ["model/text", "model/base"],
    "model/exchange": ["model/text", "model/base"],
    # (the engines only from the files ENGINE_USERS names.)
    "model": ["model/accounts", "model/cache", "model/exchange", "model/mail", "model/media",
              "model/store", "model/store/sqlite", "model/store/postgres",
              "model/text", "model/base"],
    # views/: each folder uses only the folders below it in VIEWS
    # (views/README.md).
    "views/http": MODEL,
    "views/markup": VIEWS[5:] + MODEL,
    "views/base": VIEWS[4:] + MODEL,
    "views/fill": VIEWS[3:] + MODEL,
    "views/accounts": VIEWS[2:] + MODEL,
    "views/pages": VIEWS[1:] + MODEL,
    "views": VIEWS + MODEL,
    "fcgi": ["views"] + VIEWS + MODEL + ["model/exchange"],
}

# Folders only the files listed may use, besides the folder's own files
# and tests: the engine is named above it by the factory
# (model/wiki.cc) and the operator's copies (model/backup.cc) only, so a
# new model/ file cannot reach past the store interfaces by accident.
ENGINE_USERS = {
    "model/store/sqlite": ["model/wiki.cc", "model/backup.cc"],
    "model/store/postgres": ["model/wiki.cc", "model/backup.cc"],
}

# Edges only a layer's .cc files may use: its headers must not pass the
# folder on to whoever includes them (model/wiki.h reaches every handler).
SOURCES_ONLY = {
    "model": ["model/store/sqlite", "model/store/postgres"],
}

# Third-party headers (by prefix) and the layers that may include them:
# the layers whose CMake target links the library.
LIBRARIES = {
    "sqlite3.h": ["model/store/sqlite"],
    "libpq-fe.h": ["model/store/postgres"],
    "libmemcached": ["model/cache"],
    "fcgiapp.h": ["fcgi"],
    "fcgio.h": ["fcgi"],
    "fcgi_stdio.h": ["fcgi"],
    "curl/": ["model/mail"],
    "ctemplate/": ["views", "views/pages", "views/accounts", "views/fill",
                   "views/base"],
    "cmark-gfm": ["views/markup", "views/fill"],
    "nlohmann/": ["views/http"],
    "dtl/": ["model/text"],
    "unistr.h": ["model/text", "views/http"],
    "uninorm.h": ["model/text"],
    "unictype.h": ["model/text"],
    "sodium.h": ["model/base", "model/accounts", "model/cache", "model/mail",
                 "model/store/sqlite", "model/store/postgres", "views/http"],
    "boost/program_options": ["fcgi"],
    "vips/": ["model/media"],
    "expat.h": ["model/exchange"],
}

INCLUDE = re.compile(r'^\s*#\s*include\s*([<"])([^>"]+)[>"]')


def layer_of(path):
    return os.path.dirname(path)


def violations(root):
    found = []
    for top in ALLOWED:
        if "/" in top:
            continue
        for directory, _, files in os.walk(os.path.join(root, top)):
            for name in sorted(files):
                if not name.endswith((".h", ".cc")):
                    continue
                full = os.path.join(directory, name)
                path = os.path.relpath(full, root)
                layer = layer_of(path)
                if layer not in ALLOWED:
                    found.append(f"{path}: the folder {layer} is not in the "
                                 "layering table")
                    continue
                with open(full, encoding="utf-8") as f:
                    for number, line in enumerate(f, 1):
                        m = INCLUDE.match(line)
                        if not m:
                            continue
                        kind, target = m.groups()
                        close = '"' if kind == '"' else ">"
                        where = f"{path}:{number}: #include {kind}{target}{close}"
                        if kind == '"':
                            used = layer_of(target)
                            if used != layer and used not in ALLOWED[layer]:
                                found.append(f"{where}: {layer} may not use {used}")
                            elif (used != layer and used in ENGINE_USERS
                                  and path not in ENGINE_USERS[used]):
                                found.append(f"{where}: only "
                                             f"{', '.join(ENGINE_USERS[used])} "
                                             f"may use {used}")
                            elif name.endswith(".h") and used in SOURCES_ONLY.get(layer, []):
                                found.append(f"{where}: only {layer}'s .cc files may use {used}")
                            continue
                        for prefix, layers in LIBRARIES.items():
                            if target.startswith(prefix) and layer not in layers:
                                found.append(f"{where}: only {', '.join(layers)} "
                                             f"may include {prefix}")
    return found


def self_test():
    """The checker finds each kind of fault in a tree made to have them."""
    faults = {
        "views/bad_engine.cc": '#include "model/store/sqlite/database.h"\n',
        "model/store/bad_up.h": '#include "model/cache/memcache.h"\n',
        "views/http/bad_up.cc": '#include "views/pages/page_handlers.h"\n',
        "model/base/bad_views.cc": '#include "views/base/context.h"\n',
        "views/bad_fcgi.cc": '#include "fcgi/worker.h"\n',
        "model/cache/bad_sqlite.cc": "#include <sqlite3.h>\n",
        "fcgi/bad_folder/x.cc": "\n",
        "model/bad_factory.h": '#include "model/store/sqlite/database.h"\n',
        "model/page_writes.cc": '#include "model/store/sqlite/database.h"\n',
        "views/bad_postgres.cc": '#include "model/store/postgres/pg_connection.h"\n',
        "model/file_writes.cc": '#include "model/store/postgres/postgres_storage.h"\n',
        "model/cache/bad_libpq.cc": "#include <libpq-fe.h>\n",

    }
    with tempfile.TemporaryDirectory() as root:
        for path, text in faults.items():
            os.makedirs(os.path.join(root, os.path.dirname(path)), exist_ok=True)
            with open(os.path.join(root, path), "w") as f:
                f.write(text)
        with open(os.path.join(root, "views", "good.cc"), "w") as f:
            f.write('#include "model/store/page_store.h"\n#include <ctemplate/template.h>\n')
        with open(os.path.join(root, "model", "wiki.cc"), "w") as f:
            f.write('#include "model/store/sqlite/database.h"\n')
        found = violations(root)
    missed = [p for p in faults if not any(v.startswith(p) for v in found)]
    wrongly = [v for v in found if v.startswith(("views/good.cc", "model/wiki.cc"))]
    if missed or wrongly or len(found) != len(faults):
        print("layering_test self-test failed: missed", missed, "flagged", wrongly)
        return 1
    print(f"self-test: all {len(faults)} planted faults found")
    return 0


def main():
    if sys.argv[1:] == ["--self-test"]:
        return self_test()
    root = sys.argv[1]
    found = violations(root)
    for v in found:
        print(v)
    if found:
        print(f"{len(found)} include(s) cross the layering (tests/scripts/layering_test.py)")
        return 1
    print("every include follows the layering")
    return 0


if __name__ == "__main__":
    sys.exit(main())
