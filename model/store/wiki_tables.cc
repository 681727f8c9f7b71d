#include "model/store/wiki_tables.h"

#include <map>
#include <set>

namespace wikid {

const std::vector<CopiedTable>& CopiedTables() {
  using K = ColumnKind;
  static const std::vector<CopiedTable> kTables = {
      {"account",
       {{"id", K::kInt},
        {"name", K::kText},
        {"name_key", K::kText},
        {"password_hash", K::kText},
        {"email", K::kText},
        {"role", K::kText},
        {"disabled", K::kBool},
        {"created_at", K::kInt},
        {"display_name", K::kText},
        {"bio", K::kText},
        // Revisions the account saved: a counter, copied and checked
        // with the rest of the row.
        {"edit_count", K::kInt},
        // Watchlists (issue 20): the address its mailed link confirmed,
        // and whether it watches the pages it creates.
        {"confirmed_email", K::kText},
        {"watch_created", K::kBool}},
       1,
       true},
      {"page",
       {{"id", K::kInt},
        {"name", K::kText},
        {"name_key", K::kText},
        {"latest_rev", K::kInt},
        {"protected", K::kBool},
        // Deleted pages keep their rows under a hidden name (issue 20).
        {"deleted", K::kBool}},
       1,
       true},
      {"revision",
       {{"id", K::kInt},
        {"page_id", K::kInt},
        {"rev", K::kInt},
        {"author", K::kText},
        {"created_at", K::kInt},
        {"summary", K::kText},
        {"text", K::kText},
        {"size", K::kInt},
        {"size_change", K::kInt},
        {"account_id", K::kInt, true}},
       1,
       true},
      // Who deleted a page and why (issue 20), and every delete and
      // undelete for recent changes.
      {"page_deletion",
       {{"page_id", K::kInt},
        {"name", K::kText},
        {"name_key", K::kText},
        {"deleted_at", K::kInt},
        {"deleted_by", K::kText},
        {"reason", K::kText},
        {"revisions", K::kInt}}},
      {"page_log",
       {{"id", K::kInt},
        {"action", K::kText},
        {"name", K::kText},
        {"author", K::kText},
        {"account_id", K::kInt, true},
        {"created_at", K::kInt},
        {"reason", K::kText},
        {"after_revision", K::kInt}},
       1,
       true},
      // Watchlists (issue 20).
      {"watch", {{"account_id", K::kInt}, {"page_id", K::kInt}, {"notified", K::kBool}}, 2},
      {"revision_link", {{"revision_id", K::kInt}, {"target", K::kText}}, 2},
      {"page_link",
       {{"source_id", K::kInt},
        {"target", K::kText},
        {"source_name", K::kText},
        {"target_key", K::kText}},
       2},
      // Kept by saves; copied and checked rather than recounted.
      {"wanted", {{"target_key", K::kText}, {"target", K::kText}, {"links", K::kInt}}, 1},
      {"session",
       {{"token_hash", K::kBlob},
        {"account_id", K::kInt},
        {"created_at", K::kInt},
        {"expires_at", K::kInt}}},
      {"api_token",
       {{"id", K::kInt},
        {"account_id", K::kInt},
        {"label", K::kText},
        {"token_hash", K::kBlob},
        {"created_at", K::kInt}},
       1,
       true},
      {"outbox",
       {{"id", K::kInt},
        {"message_id", K::kText},
        {"recipient", K::kText},
        {"subject", K::kText},
        {"body", K::kText},
        {"created_at", K::kInt},
        {"state", K::kText},
        {"attempts", K::kInt},
        {"next_attempt_at", K::kInt},
        {"last_error", K::kText},
        {"sent_at", K::kInt, true},
        {"claimed_by", K::kText},
        {"claimed_until", K::kInt}},
       1,
       true},
      {"outbox_attempt",
       {{"outbox_id", K::kInt}, {"at", K::kInt}, {"error", K::kText}, {"mailer", K::kText}},
       4},
      {"site_key", {{"id", K::kInt}, {"secret", K::kBlob}, {"created_at", K::kInt}}, 1, true},
      {"file",
       {{"id", K::kInt},
        {"name", K::kText},
        {"name_key", K::kText},
        {"latest_rev", K::kInt},
        // Protected and deleted files (issue 19).
        {"protected", K::kBool},
        {"deleted", K::kBool}},
       1,
       true},
      {"file_blob",
       {{"id", K::kInt}, {"sha256", K::kText}, {"size", K::kInt}, {"bytes", K::kBlob}},
       1,
       true,
       4},
      {"file_revision",
       {{"id", K::kInt},
        {"file_id", K::kInt},
        {"rev", K::kInt},
        {"author", K::kText},
        {"account_id", K::kInt, true},
        {"created_at", K::kInt},
        {"summary", K::kText},
        {"blob_id", K::kInt},
        {"content_type", K::kText},
        {"width", K::kInt},
        {"height", K::kInt},
        {"after_revision", K::kInt}},
       1,
       true},
      // The deletes and undeletes of files (issue 19).
      {"file_log",
       {{"id", K::kInt},
        {"file_id", K::kInt},
        {"action", K::kText},
        {"author", K::kText},
        {"account_id", K::kInt, true},
        {"created_at", K::kInt},
        {"reason", K::kText},
        {"after_revision", K::kInt}},
       1,
       true},
  };
  return kTables;
}

const std::vector<SkippedTable>& SkippedTables() {
  constexpr StoreEngine kS = StoreEngine::kSqlite, kP = StoreEngine::kPostgres;
  static const std::vector<SkippedTable> kSkipped = {
      // Derived: rebuilt on the target from the copied rows.
      {kS, "page_search", nullptr, "the search index (FTS5), rebuilt on the target"},
      {kS, "page_title_search", nullptr, "the names' search index (FTS5), rebuilt"},
      {kS, "search_word", nullptr, "the search index's words, rebuilt"},
      {kS, "file_name_search", nullptr, "the words of the files' names (FTS5), rebuilt"},
      {kS, "id_gap", nullptr, "the ids no row holds, for the site counts; recounted"},
      {kS, "search_rebuild", nullptr, "a running `wikid reindex`'s cursor; the copy is indexed whole"},
      {kP, "page_search", nullptr, "the search index (tsvectors), rebuilt on the target"},
      {kP, "site_count", nullptr, "page and revision counts, recounted on the target"},
      {kP, "revision_link", "target_key", "PageKey(target), computed as rows are written"},
      {kP, "wikid_schema", nullptr, "the target's own schema version"},
      // State of one deployment, which the target's wiki starts afresh.
      {kS, "login_failure", nullptr, "the login throttle's recent failures"},
      {kP, "login_failure", nullptr, "the login throttle's recent failures"},
      {kS, "confirmation_mail", nullptr, "the confirmation mail limit's recent sends"},
      {kP, "confirmation_mail", nullptr, "the confirmation mail limit's recent sends"},
      {kS, "cache_epoch", nullptr, "the memcached views' epoch; the target keeps its own"},
      {kP, "cache_epoch", nullptr, "the memcached views' epoch; the target keeps its own"},
      {kS, "fast_path_state", nullptr, "the fast path's state; starts off"},
      {kP, "fast_path_state", nullptr, "the fast path's state; starts off"},
  };
  return kSkipped;
}

std::vector<std::string> UnknownToCopier(StoreEngine engine,
                                         const std::vector<SchemaTable>& schema) {
  std::map<std::string, std::set<std::string>> known;  // table -> columns; {} for skipped
  std::set<std::string> skipped_tables;
  for (const CopiedTable& table : CopiedTables()) {
    for (const TableColumn& column : table.columns) known[table.name].insert(column.name);
  }
  for (const SkippedTable& skipped : SkippedTables()) {
    if (skipped.engine != engine) continue;
    if (skipped.column) {
      known[skipped.table].insert(skipped.column);
    } else {
      skipped_tables.insert(skipped.table);
    }
  }
  std::vector<std::string> unknown;
  std::set<std::string> present;
  for (const SchemaTable& table : schema) {
    present.insert(table.name);
    if (skipped_tables.contains(table.name)) continue;
    auto columns = known.find(table.name);
    if (columns == known.end()) {
      unknown.push_back("table " + table.name);
      continue;
    }
    std::set<std::string> seen;
    for (const std::string& column : table.columns) {
      seen.insert(column);
      if (!columns->second.contains(column)) {
        unknown.push_back("column " + table.name + "." + column);
      }
    }
    for (const std::string& column : columns->second) {
      if (!seen.contains(column)) unknown.push_back("missing column " + table.name + "." + column);
    }
  }
  for (const CopiedTable& table : CopiedTables()) {
    if (!present.contains(table.name)) {
      unknown.push_back(std::string("missing table ") + table.name);
    }
  }
  return unknown;
}

}  // namespace wikid
