#include "model/wiki_export.h"

#include <arpa/inet.h>

#include <filesystem>

#include "model/exchange/mediawiki_xml.h"
#include "model/text/page_name.h"

namespace wikid {
namespace {

constexpr int kPagesAtOnce = 500;

// An anonymous edit's author is the client's address; any other author
// without an account is a name an import recorded.
bool IsAddress(const std::string& author) {
  unsigned char bytes[16];
  return inet_pton(AF_INET, author.c_str(), bytes) == 1 ||
         inet_pton(AF_INET6, author.c_str(), bytes) == 1;
}

}  // namespace

Result<ExportReport> ExportWiki(std::ostream& out, const ExportOptions& options) {
  if (Status s = CheckDatabaseName(options.storage); !s.ok()) return s;
  if (auto file = DatabaseFile(options.storage); file.ok()) {
    std::error_code error;
    if (!std::filesystem::exists(*file, error)) {
      return Status::Invalid("there is no wiki at " + *file);
    }
  }
  auto storage = OpenStorage(options.storage);
  if (!storage.ok()) return storage.status();
  auto pages = (*storage)->OpenPages(nullptr);
  if (!pages.ok()) return pages.status();
  PageReader& reader = **pages;

  ExportReport report;
  DumpWriter writer(out);
  writer.Begin(options.site_name, "wikid");
  std::string after;
  while (true) {
    auto list = reader.ListPages(after, kPagesAtOnce);
    if (!list.ok()) return list.status();
    for (const PageListEntry& entry : list->pages) {
      auto name = PageName::Parse(entry.title);
      if (!name.ok()) return Status::Internal("a page has a name wikid refuses: " + entry.title);
      writer.BeginPage({.title = entry.title, .ns = 0, .id = report.pages + 1});
      int64_t parent = 0;
      // Up to the latest revision as the page list saw it: a save since
      // adds one the export does not reach, never a gap.
      for (int64_t rev = 1; rev <= entry.latest_rev; ++rev) {
        auto page = reader.Find(*name, rev);
        if (!page.ok() && page.status().IsNotFound()) break;  // moved or deleted meanwhile
        if (!page.ok()) return page.status();
        const Revision& r = page->revision;
        DumpRevision d{.id = r.id,
                       .parent_id = parent,
                       .created_at = r.created_at,
                       .comment = r.summary,
                       .model = kMarkdownModel,
                       .format = kMarkdownFormat,
                       .text = r.text};
        (!r.author_is_account && IsAddress(r.author) ? d.ip : d.username) = r.author;
        writer.Revision(d);
        parent = r.id;
        ++report.revisions;
      }
      writer.EndPage();
      ++report.pages;
      if (options.progress) options.progress(report.pages, report.revisions);
      if (!out) return Status::Unavailable("cannot write the export");
    }
    if (!list->more || list->pages.empty()) break;
    after = list->pages.back().title;
  }
  writer.End();
  out.flush();
  if (!out) return Status::Unavailable("cannot write the export");
  return report;
}

}  // namespace wikid
