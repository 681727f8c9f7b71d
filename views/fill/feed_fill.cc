#include "views/fill/feed_fill.h"

#include "model/base/time_text.h"
#include "model/text/characters.h"
#include "views/fill/file_fill.h"
#include "views/base/render.h"

namespace wikid {
namespace {

// "example.org" from "https://example.org:8443/wiki": a tag: URI's
// authority is a domain name, without scheme, port or path.
std::string HostOf(const std::string& url) {
  size_t start = url.find("://");
  start = start == std::string::npos ? 0 : start + 3;
  size_t end = url.find_first_of(":/", start);
  return url.substr(start,
                    end == std::string::npos ? std::string::npos : end - start);
}

std::string SignedBytes(int64_t change) {
  return (change > 0 ? "+" : "") + std::to_string(change) + " bytes";
}

}  // namespace

// The year in the tag is part of the id forever: it says when the naming
// began, not when anything was written.
FeedIds::FeedIds(const std::string& public_url)
    : prefix_("tag:" + HostOf(public_url) + ",2026:") {}

std::string FeedIds::Feed(const std::string& what) const {
  return prefix_ + "wikid/" + what;
}

std::string FeedIds::Revision(int64_t revision_id) const {
  return prefix_ + "wikid/revision/" + std::to_string(revision_id);
}

void FillFeed(const FeedHeader& header, const std::vector<Change>& changes,
              const FeedIds& ids, const std::string& public_url,
              ctemplate::TemplateDictionary* d) {
  d->SetValue("FEED_ID", header.id);
  d->SetValue("FEED_TITLE", XmlSafe(header.title));
  d->SetValue("SELF_URL", header.self_url);
  d->SetValue("HTML_URL", header.html_url);
  d->SetValue("SITE_NAME", XmlSafe(header.site_name));
  d->SetValue(
      "UPDATED",
      FormatRfc3339(changes.empty() ? header.now : changes.front().created_at));
  for (const Change& c : changes) {
    ctemplate::TemplateDictionary* e = d->AddSectionDictionary("ENTRY");
    std::string path = UrlPathOfTitle(c.title);
    e->SetValue("UPDATED", FormatRfc3339(c.created_at));
    e->SetValue("AUTHOR", XmlSafe(c.author));
    if (c.author_is_account) {
      e->SetValueAndShowSection("AUTHOR_URI", public_url + "/_user/" + c.author,
                                "BY_ACCOUNT");
    }
    if (c.log_action == "upload") {
      // A file revision (issue 19): an entry of its own, linking the
      // file's page at that revision.
      e->SetValue("ID", ids.Feed("file-revision/" + std::to_string(c.log_id)));
      e->SetValue("TITLE",
                  XmlSafe(c.title) + " (file revision " + std::to_string(c.file_rev) + ")");
      e->SetValue("DIFF_URL", public_url + FilePageUrl(c.title) + "?rev=" +
                                  std::to_string(c.file_rev));
      e->SetValue("SUMMARY", XmlSafe(c.summary.empty() ? "(no summary)" : c.summary) + " (" +
                                 SizeText(c.file_size) + ")");
      continue;
    }
    if (!c.log_action.empty()) {
      // A delete or an undelete (issue 20): an entry of its own, linking
      // the page's address (410 while deleted, saying why).
      // A file's (issue 19) has its own numbers, and its page.
      e->SetValue("ID", ids.Feed((c.of_file ? "file-log/" : "log/") + std::to_string(c.log_id)));
      e->SetValue("TITLE", XmlSafe(c.title) + " (" + c.log_action + "d)");
      e->SetValue("DIFF_URL", public_url + (c.of_file ? FilePageUrl(c.title) : path));
      e->SetValue("SUMMARY", XmlSafe(c.summary.empty() ? "(no reason)" : c.summary));
      continue;
    }
    e->SetValue("ID", ids.Revision(c.revision_id));
    // Whatever a revision holds (saved before saves refused such
    // characters, say), the feed stays XML: XmlSafe.
    e->SetValue("TITLE", XmlSafe(c.title) + " (revision " + std::to_string(c.rev) + ")");
    e->SetValue("DIFF_URL", public_url + DiffUrl(path, c.rev - 1, c.rev));
    e->SetValue("SUMMARY", XmlSafe(c.summary.empty() ? "(no summary)" : c.summary) +
                               " (" + SignedBytes(c.size_change) + ")");
  }
}

}  // namespace wikid
