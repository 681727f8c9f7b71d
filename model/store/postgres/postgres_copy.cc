#include "model/store/postgres/postgres_copy.h"

#include <fcntl.h>
#include <libpq-fe.h>
#include <spawn.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <map>
#include <set>
#include <sstream>
#include <string_view>
#include <vector>

#include "model/base/failpoint.h"
#include "model/base/files.h"
#include "model/store/postgres/pg_connection.h"
#include "model/store/postgres/postgres_schema.h"

extern char** environ;

namespace wikid {
namespace {

// The environment pg_dump and pg_restore run with: this process's, with
// each parameter the URL gives in its libpq variable instead, so that
// nothing of the URL is on their command lines (ps shows those to every
// user). `application_name` unless the URL names one. The few parameters
// libpq has no variable for (TCP keepalives, tcp_user_timeout) tune a
// long-lived connection, not a tool's one run: they are left out.
Result<std::vector<std::string>> ToolEnvironment(const std::string& url,
                                                 const std::string& application_name) {
  char* error = nullptr;
  PQconninfoOption* options = PQconninfoParse(url.c_str(), &error);
  if (options == nullptr) {
    PQfreemem(error);  // it may quote the URL
    return Status::Invalid("--database is not a PostgreSQL URL libpq can read");
  }
  std::map<std::string, std::string> set = {{"PGAPPNAME", application_name}};
  for (PQconninfoOption* o = options; o->keyword != nullptr; ++o) {
    if (o->val == nullptr || o->val[0] == '\0' || o->envvar == nullptr) continue;
    set[o->envvar] = o->val;
  }
  PQconninfoFree(options);
  std::vector<std::string> env;
  for (char** e = environ; *e != nullptr; ++e) {
    const std::string_view entry(*e);
    const std::string name(entry.substr(0, entry.find('=')));
    if (!set.contains(name)) env.emplace_back(entry);
  }
  for (const auto& [name, value] : set) env.push_back(name + "=" + value);
  return env;
}

struct ToolRun {
  int exit_code = -1;  // -1: killed by a signal
  std::string out;     // its standard output
  std::string err;     // its standard error
};

// The whole of the memory file `fd`.
std::string ReadAll(int fd) {
  std::string text;
  lseek(fd, 0, SEEK_SET);
  char buffer[65536];
  ssize_t n;
  while ((n = read(fd, buffer, sizeof buffer)) > 0) text.append(buffer, n);
  return text;
}

// Runs `argv` (its first word found on PATH) with `env` and its standard
// input /dev/null, and waits for it. Its output and errors are kept in
// memory: a table of contents, a line or two of data, messages (what
// could be large goes to a file its options name). Unavailable when it
// cannot be started.
Result<ToolRun> RunTool(const std::vector<std::string>& argv, const std::vector<std::string>& env) {
  const int out = memfd_create("wikid-tool-out", MFD_CLOEXEC);
  const int err = memfd_create("wikid-tool-err", MFD_CLOEXEC);
  struct Close {
    int fd;
    ~Close() {
      if (fd >= 0) close(fd);
    }
  } close_out{out}, close_err{err};
  if (out < 0 || err < 0) return Status::Unavailable(ErrnoMessage("memfd_create"));
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_adddup2(&actions, out, 1);
  posix_spawn_file_actions_adddup2(&actions, err, 2);
  std::vector<char*> args, envp;
  for (const std::string& a : argv) args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);
  for (const std::string& e : env) envp.push_back(const_cast<char*>(e.c_str()));
  envp.push_back(nullptr);
  pid_t pid = -1;
  const int spawned = posix_spawnp(&pid, argv[0].c_str(), &actions, nullptr, args.data(),
                                   envp.data());
  posix_spawn_file_actions_destroy(&actions);
  if (spawned != 0) {
    return Status::Unavailable("cannot run " + argv[0] + ": " + strerror(spawned) +
                               " (it is in Debian's postgresql-client)");
  }
  int status = 0;
  while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  ToolRun run;
  run.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  run.out = ReadAll(out);
  run.err = ReadAll(err);
  return run;
}

// What a tool said when it failed: its messages, on one line, at most the
// last 600 bytes (the last are the reason). The URL is never in them:
// the tools were given none.
std::string Said(const ToolRun& run) {
  std::string text = run.err;
  for (char& c : text) {
    if (c == '\n') c = ' ';
  }
  while (!text.empty() && text.back() == ' ') text.pop_back();
  if (text.size() > 600) text = "..." + text.substr(text.size() - 600);
  if (text.empty()) text = "exit code " + std::to_string(run.exit_code);
  return text;
}

// The kinds of object a wiki's schema is made of, as pg_restore --list
// names them (the longest first, where one starts another), and as
// TargetObjects names the database's.
const std::vector<std::string>& ObjectKinds() {
  static const std::vector<std::string> kKinds = {
      "TEXT SEARCH CONFIGURATION", "TEXT SEARCH DICTIONARY", "MATERIALIZED VIEW",
      "FOREIGN TABLE", "TABLE DATA", "PROCEDURE", "FUNCTION", "SEQUENCE", "TABLE", "VIEW"};
  return kKinds;
}

// A copy's table of contents: "KIND SCHEMA.NAME" for each object of a
// kind ObjectKinds names (a function by its name alone).
struct Contents {
  std::set<std::string> objects;
  std::string schema;  // the one wikid_schema is in
};

// Reads pg_restore --list's lines: "ID; TABLEOID OID KIND SCHEMA NAME
// OWNER", comments starting with ';'.
Contents ParseList(const std::string& list) {
  Contents contents;
  std::istringstream lines(list);
  std::string line;
  while (std::getline(lines, line)) {
    if (line.empty() || line[0] == ';') continue;
    // Past "ID; TABLEOID OID ".
    const size_t id = line.find("; ");
    if (id == std::string::npos) continue;
    const size_t table_oid = line.find(' ', id + 2);
    const size_t oid = table_oid == std::string::npos ? table_oid : line.find(' ', table_oid + 1);
    if (oid == std::string::npos) continue;
    const std::string rest = line.substr(oid + 1);
    for (const std::string& kind : ObjectKinds()) {
      if (!rest.starts_with(kind + " ")) continue;
      const std::string named = rest.substr(kind.size() + 1);  // SCHEMA NAME OWNER
      const size_t space = named.find(' ');
      const size_t owner = named.rfind(' ');
      if (space == std::string::npos) break;
      const std::string schema = named.substr(0, space);
      std::string name = owner > space ? named.substr(space + 1, owner - space - 1)
                                       : named.substr(space + 1);
      if (kind == "FUNCTION" || kind == "PROCEDURE") name = name.substr(0, name.find('('));
      contents.objects.insert(kind + " " + schema + "." + name);
      if (kind == "TABLE DATA" && name == "wikid_schema") contents.schema = schema;
      break;
    }
  }
  return contents;
}

// The schema version in a copy: the row of its wikid_schema table, as
// pg_restore writes it ("COPY SCHEMA.wikid_schema (version) FROM stdin;",
// then the value). 0 when there is none.
int CopyVersion(const std::string& data) {
  const size_t copy = data.find(".wikid_schema (version) FROM stdin;\n");
  if (copy == std::string::npos) return 0;
  const size_t line = data.find('\n', copy) + 1;
  int version = 0;
  for (size_t i = line; i < data.size() && data[i] >= '0' && data[i] <= '9'; ++i) {
    version = version * 10 + (data[i] - '0');
    if (version > 1000000) return 0;
  }
  return version;
}

struct CheckedCopy {
  int version = 0;
  Contents contents;
};

Result<CheckedCopy> Check(const std::string& path, const std::vector<std::string>& env) {
  auto listed = RunTool({"pg_restore", "--list", "--", path}, env);
  if (!listed.ok()) return listed.status();
  if (listed->exit_code != 0) {
    return Status::Invalid("is not a backup pg_restore can read (" + Said(*listed) + ")");
  }
  CheckedCopy checked{.contents = ParseList(listed->out)};
  const std::string& schema = checked.contents.schema;
  for (const char* table : {"page", "revision", "account", "site_key", "file_blob"}) {
    if (schema.empty() || !checked.contents.objects.contains("TABLE DATA " + schema + "." + table)) {
      return Status::Invalid(
          "is not a wikid backup: pg_restore reads it, but it holds no wiki (no " +
          std::string(schema.empty() ? "wikid_schema" : table) + " table)");
    }
  }
  // Every byte of its data read and decompressed, written nowhere: a file
  // cut short or damaged after its table of contents fails here, before
  // anything is dropped.
  auto whole = RunTool({"pg_restore", "--file=/dev/null", "--", path}, env);
  if (!whole.ok()) return whole.status();
  if (whole->exit_code != 0) {
    return Status::Invalid("is damaged or cut short: pg_restore cannot read all of it (" +
                           Said(*whole) + ")");
  }
  auto data = RunTool({"pg_restore", "--data-only", "--schema=" + schema,
                       "--table=wikid_schema", "--file=-", "--", path},
                      env);
  if (!data.ok()) return data.status();
  checked.version = data->exit_code == 0 ? CopyVersion(data->out) : 0;
  if (checked.version < 1) {
    return Status::Invalid("is not a wikid backup: it holds no schema version (" +
                           Said(*data) + ")");
  }
  if (checked.version > LatestPostgresSchemaVersion()) {
    return Status::Invalid("has schema version " + std::to_string(checked.version) +
                           ", newer than this wikid understands (" +
                           std::to_string(LatestPostgresSchemaVersion()) +
                           "): restore it with the wikid that made it, or a newer one");
  }
  return checked;
}

// The objects of the kinds ObjectKinds names that the database holds,
// as ParseList names them, outside PostgreSQL's own schemas and
// extensions.
constexpr char kTargetObjectsSql[] = R"sql(
  WITH object AS (
    SELECT c.oid, 'pg_class'::regclass AS catalog, c.relnamespace AS ns, c.relname::text AS name,
           CASE c.relkind WHEN 'v' THEN 'VIEW' WHEN 'm' THEN 'MATERIALIZED VIEW'
             WHEN 'f' THEN 'FOREIGN TABLE' WHEN 'S' THEN 'SEQUENCE' ELSE 'TABLE' END AS kind
      FROM pg_class c WHERE c.relkind IN ('r', 'p', 'v', 'm', 'f', 'S')
       -- not an identity's or a serial's sequence: its table's
       AND NOT EXISTS (SELECT 1 FROM pg_depend s
                        WHERE s.classid = 'pg_class'::regclass AND s.objid = c.oid
                          AND s.deptype IN ('a', 'i'))
    UNION ALL
    SELECT p.oid, 'pg_proc'::regclass, p.pronamespace, p.proname::text,
           CASE p.prokind WHEN 'p' THEN 'PROCEDURE' ELSE 'FUNCTION' END
      FROM pg_proc p WHERE p.prokind IN ('f', 'p')
    UNION ALL
    SELECT t.oid, 'pg_ts_config'::regclass, t.cfgnamespace, t.cfgname::text,
           'TEXT SEARCH CONFIGURATION' FROM pg_ts_config t
    UNION ALL
    SELECT d.oid, 'pg_ts_dict'::regclass, d.dictnamespace, d.dictname::text,
           'TEXT SEARCH DICTIONARY' FROM pg_ts_dict d
  )
  SELECT o.kind || ' ' || n.nspname || '.' || o.name
    FROM object o JOIN pg_namespace n ON n.oid = o.ns
   WHERE n.nspname <> 'information_schema' AND n.nspname NOT LIKE 'pg\_%'
     AND NOT EXISTS (SELECT 1 FROM pg_depend e
                      WHERE e.classid = o.catalog AND e.objid = o.oid AND e.deptype = 'e')
   ORDER BY 1
)sql";

// The other clients connected to the database, by what they call
// themselves, with how many connections each. A session of another role
// shows this one neither its application_name nor its backend_type
// (without pg_read_all_stats): it counts as "a program". The server's
// own processes (autovacuum) are logged in as no user.
constexpr char kOtherClientsSql[] = R"sql(
  SELECT coalesce(nullif(application_name, ''), 'a program'), count(*)
    FROM pg_stat_activity
   WHERE datname = current_database() AND pid <> pg_backend_pid()
     AND usesysid IS NOT NULL AND coalesce(backend_type, 'client backend') = 'client backend'
   GROUP BY 1 ORDER BY 1
)sql";

}  // namespace

Result<int> DumpPostgresDatabase(const std::string& url, const std::string& target) {
  auto env = ToolEnvironment(url, "wikid backup");
  if (!env.ok()) return env.status();
  auto db = PgConnection::Open(url, PgOptions{.application_name = "wikid backup"});
  if (!db.ok()) return db.status();
  // The snapshot the copy is: this transaction's, shared with pg_dump,
  // held open until pg_dump is done with it.
  PgTransaction snapshot(**db);
  if (Status s = snapshot.Begin(); !s.ok()) return s;
  if (auto set = (*db)->Exec("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY");
      !set.ok()) {
    return set.status();
  }
  auto made = (*db)->Exec("SELECT to_regclass('wikid_schema') IS NOT NULL");
  if (!made.ok()) return made.status();
  if (!made->Bool(0, 0)) {
    return Status::NotFound("the database holds no wiki (is --database right?)");
  }
  auto version = (*db)->Exec("SELECT version FROM wikid_schema");
  if (!version.ok()) return version.status();
  if (version->rows() == 0 || version->Int(0, 0) < 1) {
    return Status::NotFound("the database holds no wiki (is --database right?)");
  }
  auto exported = (*db)->Exec("SELECT pg_export_snapshot()");
  if (!exported.ok()) return exported.status();
  FailpointHold("backup_snapshot_taken");
  auto dumped = RunTool({"pg_dump", "--format=custom", "--snapshot=" + exported->Text(0, 0),
                         "--file=" + target},
                        *env);
  if (!dumped.ok()) return dumped.status();
  if (dumped->exit_code != 0) {
    return Status::Unavailable("pg_dump failed: " + Said(*dumped));
  }
  auto checked = Check(target, *env);
  if (!checked.ok()) return checked.status();
  if (checked->version != version->Int(0, 0)) {
    return Status::Invalid("holds schema version " + std::to_string(checked->version) +
                           ", not the snapshot's " + version->Text(0, 0));
  }
  return checked->version;
}

Result<int> CheckPostgresCopy(const std::string& path) {
  auto env = ToolEnvironment("postgresql://", "wikid restore");
  if (!env.ok()) return env.status();
  auto checked = Check(path, *env);
  if (!checked.ok()) return checked.status();
  return checked->version;
}

Result<PostgresRestoreDone> RestorePostgresDatabase(const std::string& copy,
                                                    const std::string& url) {
  auto env = ToolEnvironment(url, "wikid restore");
  if (!env.ok()) return env.status();
  auto checked = Check(copy, *env);
  if (!checked.ok()) {
    if (checked.status().IsInvalid()) {
      return Status::Invalid(copy + " " + checked.status().message() + "; nothing was replaced");
    }
    return checked.status();
  }
  auto db = PgConnection::Open(url, PgOptions{.application_name = "wikid restore"});
  if (!db.ok()) return db.status();

  auto others = (*db)->Exec(kOtherClientsSql);
  if (!others.ok()) return others.status();
  if (others->rows() > 0) {
    std::string who;
    for (int row = 0; row < others->rows(); ++row) {
      who += (row ? ", " : "") + others->Text(row, 0) + " (" + others->Text(row, 1) + ")";
    }
    return Status::Busy("stop wikid first: other clients are connected to the database (" +
                        who + "; with systemd, stop wikid.socket as well); nothing was replaced");
  }

  // --clean drops only what the copy holds: anything else would stay
  // beside the restored wiki (a newer wikid's table, which the next
  // migration would then fail to make) or is not the wiki's to drop.
  auto objects = (*db)->Exec(kTargetObjectsSql);
  if (!objects.ok()) return objects.status();
  std::string extra;
  bool had_wiki = false;
  const std::string schema_table = "TABLE " + checked->contents.schema + ".wikid_schema";
  for (int row = 0; row < objects->rows(); ++row) {
    const std::string object = objects->Text(row, 0);
    if (object == schema_table) had_wiki = true;
    if (checked->contents.objects.contains(object)) continue;
    if (extra.size() < 400) extra += (extra.empty() ? "" : ", ") + object;
  }
  if (!extra.empty()) {
    return Status::Invalid(
        "the database holds what " + copy +
        " does not (" + extra +
        "): a newer wikid's, or another program's, which a restore would leave beside the "
        "wiki; restore into an empty database (createdb), or drop them first; nothing was "
        "replaced");
  }
  if (objects->rows() > 0 && !had_wiki) {
    return Status::Invalid("the database holds tables but no wiki; restore into an empty "
                           "database (createdb); nothing was replaced");
  }
  auto name = (*db)->Exec("SELECT current_database()");
  if (!name.ok()) return name.status();
  PostgresRestoreDone done{.database = name->Text(0, 0),
                           .schema_version = checked->version,
                           .replaced = had_wiki};
  db->reset();  // not a client of the database while pg_restore works

  // One transaction: the old wiki's objects dropped, the copy's made and
  // filled, committed at the end or not at all. --no-owner and
  // --no-privileges: the objects become the restoring role's, as wikid's
  // migrations make them, on whatever server and roles the copy lands.
  // dbname= quoted, so that no name is read as a connection string.
  std::string quoted = "'";
  for (char c : done.database) {
    if (c == '\'' || c == '\\') quoted += '\\';
    quoted += c;
  }
  quoted += "'";
  auto restored = RunTool({"pg_restore", "--clean", "--if-exists", "--single-transaction",
                           "--exit-on-error", "--no-owner", "--no-privileges",
                           "--dbname=dbname=" + quoted, "--", copy},
                          *env);
  if (!restored.ok()) return restored.status();
  if (restored->exit_code != 0) {
    return Status::Unavailable("pg_restore failed, and its transaction was rolled back: " +
                               Said(*restored) + "; nothing was replaced");
  }
  return done;
}

}  // namespace wikid
