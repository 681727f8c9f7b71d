#include "model/wiki_import.h"

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <map>
#include <optional>
#include <random>
#include <thread>

#include "model/base/files.h"
#include "model/cache/fast_path.h"
#include "model/cache/versions.h"
#include "model/exchange/mediawiki_xml.h"
#include "model/exchange/wikitext.h"
#include "model/text/page_name.h"
#include "model/text/user_name.h"

namespace wikid {
namespace {

constexpr int64_t kFileNamespace = 6;
constexpr size_t kSkippedListed = 20;

// The import of one file: the page being read, with what is known of it.
class Importer {
 public:
  Importer(PageImport& store, const ImportOptions& options, ImportReport& report)
      : store_(store), options_(options), report_(report) {}

  Status Revision(const DumpPage& page, const DumpRevision& revision) {
    ++report_.revisions_read;
    if (page.title != title_) {
      if (Status s = OpenPage(page); !s.ok()) return s;
    }
    if (skipped_) {
      ++report_.skipped_revisions;
      return Status::Ok();
    }
    if (revision.text_hidden) {
      ++report_.hidden_texts;
      return Status::Ok();
    }
    ImportRevision r;
    r.created_at = revision.created_at;
    r.summary = revision.comment;
    bool converted = false;
    const bool markdown = revision.model == kMarkdownModel ||
                          (revision.model.empty() && revision.format == kMarkdownFormat);
    if (markdown) {
      r.text = revision.text;
    } else if (revision.model.empty() || revision.model == kWikitextModel) {
      r.text = WikitextToMarkdown(revision.text);
      Note(r.summary, kConvertedNote);
      converted = true;
    } else {
      r.text = revision.text;
      Note(r.summary, "[imported as is: content model " + revision.model + "]");
    }
    // Already there? Only a revision at a time the page has is looked at.
    if (page_.id != 0 && times_.contains(r.created_at)) {
      auto present = store_.HasRevision(page_.id, r.created_at, r.text);
      if (!present.ok()) return present.status();
      if (*present) {
        ++report_.revisions_present;
        return Status::Ok();
      }
    }
    if (Status s = Author(revision, r); !s.ok()) return s;
    auto links = options_.link_targets(r.text);
    if (links.ok()) {
      r.links = std::move(*links);
    } else if (links.status().code() == Status::Code::kTooComplex) {
      ++report_.unlinked;
    } else {
      return links.status();
    }
    const bool created = page_.id == 0;
    if (Status s = store_.Append(page_, r); !s.ok()) return s;
    if (!touched_) {
      touched_ = true;
      ++(created ? report_.pages_created : report_.pages_extended);
    }
    times_.insert(r.created_at);
    ++report_.revisions_added;
    if (converted) ++report_.converted;
    if (r.account_id != 0) ++report_.by_accounts;
    return Status::Ok();
  }

  void PageEnd() { title_.clear(); }

 private:
  static void Note(std::string& summary, const std::string& note) {
    summary += summary.empty() ? note : " " + note;
  }

  void Skip(const std::string& title, const std::string& why) {
    skipped_ = true;
    ++report_.skipped_page_count;
    if (report_.skipped_pages.size() < kSkippedListed) {
      report_.skipped_pages.push_back("\"" + title + "\": " + why);
    }
  }

  Status OpenPage(const DumpPage& page) {
    title_ = page.title;
    skipped_ = false;
    touched_ = false;
    times_.clear();
    page_ = ImportPage{};
    if (page.ns == kFileNamespace) {
      Skip(page.title, "a file's description page (the dump holds no file)");
      return Status::Ok();
    }
    auto name = PageName::Parse(page.title);
    if (!name.ok()) {
      Skip(page.title, name.status().message());
      return Status::Ok();
    }
    auto found = store_.FindPage(*name);
    if (!found.ok()) return found.status();
    page_ = std::move(*found);
    if (page_.id != 0) {
      auto times = store_.RevisionTimes(page_.id);
      if (!times.ok()) return times.status();
      times_ = std::move(*times);
    }
    return Status::Ok();
  }

  // Who made the revision, as "Authors" in wiki_import.h says.
  Status Author(const DumpRevision& revision, ImportRevision& r) {
    if (!revision.ip.empty()) {
      r.author = revision.ip;
      return Status::Ok();
    }
    if (revision.username.empty()) {
      r.author = "(hidden)";
      return Status::Ok();
    }
    r.author = revision.username;
    if (!options_.match_accounts) return Status::Ok();
    auto known = accounts_.find(revision.username);
    if (known == accounts_.end()) {
      std::optional<int64_t> id;
      if (auto name = UserName::Parse(revision.username); name.ok()) {
        auto found = store_.AccountId(name->key());
        if (!found.ok()) return found.status();
        id = *found;
      }
      known = accounts_.emplace(revision.username, id).first;
    }
    r.account_id = known->second.value_or(0);
    return Status::Ok();
  }

  PageImport& store_;
  const ImportOptions& options_;
  ImportReport& report_;
  std::string title_;  // the dump's title of the page being read; "" between pages
  bool skipped_ = false;
  bool touched_ = false;  // a revision was added to it in this run
  ImportPage page_;
  std::set<int64_t> times_;  // of its revisions, as RevisionTimes
  // Contributors' names met so far and the accounts they are (one lookup
  // each: a dump names a few contributors many times).
  std::map<std::string, std::optional<int64_t>> accounts_;
};

// A fast-path generation no host has served (fast_path.h: 62 bits, never 0).
uint64_t FreshGeneration() {
  std::random_device random;
  uint64_t generation = 0;
  while (generation == 0) {
    generation = (uint64_t{random()} << 32 | random()) & ((uint64_t{1} << 62) - 1);
  }
  return generation;
}

// Every view cached before the import is retired on every host: the
// epoch's advance kills wikid's own (each host re-reads it within
// kEpochLeaseMs), and the fast path goes off at a new generation (each
// host's nginx is switched off within kSuspendWaitMs, and entries of the
// old generation are never served again). Waits until both hold.
Status RetireViews(Storage& storage) {
  auto epoch = storage.OpenCacheEpoch();
  if (!epoch.ok()) return epoch.status();
  if (auto advanced = (*epoch)->Advance(); !advanced.ok()) return advanced.status();
  auto fast_path = storage.OpenFastPath();
  if (!fast_path.ok()) return fast_path.status();
  if (Status s = (*fast_path)->Suspend(false, "wikid import", FreshGeneration()); !s.ok()) {
    return s;
  }
  std::this_thread::sleep_for(
      std::chrono::milliseconds(std::max(kEpochLeaseMs, kSuspendWaitMs)));
  return Status::Ok();
}

}  // namespace

Result<ImportReport> ImportDump(std::istream& in, const ImportOptions& options) {
  if (Status s = CheckDatabaseName(options.storage); !s.ok()) return s;
  // A new wiki's folder is made, as `wikid serve` makes it.
  if (auto file = DatabaseFile(options.storage); file.ok()) {
    const std::string folder = std::filesystem::path(*file).parent_path().string();
    if (!folder.empty()) {
      if (Status s = MakeDirectories(folder); !s.ok()) return s;
    }
  }
  auto storage = OpenStorage(options.storage);
  if (!storage.ok()) return storage.status();
  auto store = (*storage)->OpenImport();
  if (!store.ok()) return store.status();
  ImportReport report;
  Importer importer(**store, options, report);
  if (Status s = (*store)->Begin(); !s.ok()) return s;
  DumpHandler handler{
      .revision = [&](const DumpPage& page,
                      const DumpRevision& revision) { return importer.Revision(page, revision); },
      .page_end =
          [&](const DumpPage&) {
            importer.PageEnd();
            return Status::Ok();
          },
      .progress = options.progress};
  if (Status s = ReadDump(in, handler); !s.ok()) return s;  // rolled back
  if (report.revisions_added == 0) {
    (*store)->Rollback();  // nothing was written: nothing to retire
    return report;
  }
  if (Status s = (*store)->Finish(); !s.ok()) return s;
  if (Status s = (*store)->Commit(); !s.ok()) return s;
  if (Status s = RetireViews(**storage); !s.ok()) {
    return Status::Unavailable("the import was committed, but the views cached before it "
                               "could not be retired (" + s.message() +
                               "): restart wikid, or empty memcached");
  }
  return report;
}

}  // namespace wikid
