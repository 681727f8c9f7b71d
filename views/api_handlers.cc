#include "views/api_handlers.h"

#include "model/base/time_text.h"
#include "model/text/search_query.h"
#include "views/fill/file_fill.h"
#include "views/file_handlers.h"
#include "views/http/json.h"
#include "views/base/page_saves.h"
#include "views/base/render.h"

namespace wikid {
namespace {

// A model failure as a JSON error, with the same status the HTML pages
// give it; internal details are logged, not shown.
Response JsonFailure(const Status& status) {
  int http = HttpStatusFor(status);
  if (http >= 500) LogError("API: " + status.message());
  return JsonError(http, http == 500 ? "Internal error; the details are logged."
                                     : status.message());
}

std::string ETag(int64_t rev) { return "\"r" + std::to_string(rev) + "\""; }

// The revision an If-Match names, or nothing if it is not one of ours.
std::optional<int64_t> RevisionOfETag(std::string_view tag) {
  if (tag.starts_with("W/"))
    return std::nullopt;  // weak tags never match a write
  if (tag.size() < 4 || !tag.starts_with("\"r") || !tag.ends_with('"'))
    return std::nullopt;
  return PositiveNumber(tag.substr(2, tag.size() - 3));
}

Json PageJson(Context& ctx, const PageRevision& page) {
  const Revision& r = page.revision;
  bool cached = false;
  return Json{{"name", page.title},
              {"url", UrlPathOfTitle(page.title)},
              {"revision", r.rev},
              {"latest_revision", page.latest_rev},
              {"author", r.author},
              {"author_is_account", r.author_is_account},
              {"time", FormatRfc3339(r.created_at)},
              {"summary", r.summary},
              {"protected", page.is_protected},
              {"text", r.text},
              {"html", BodyHtml(ctx, page, &cached)}};
}

Response PageResponse(Context& ctx, int status, const PageRevision& page) {
  Response response = JsonResponse(status, PageJson(ctx, page));
  response.headers.emplace_back("ETag", ETag(page.revision.rev));
  return response;
}

Json ChangeJson(const Change& c) {
  std::string url = UrlPathOfTitle(c.title);
  return Json{{"event", "edit"},
              {"name", c.title},
              {"url", url},
              {"revision", c.rev},
              {"revision_id", c.revision_id},
              {"author", c.author},
              {"author_is_account", c.author_is_account},
              {"time", FormatRfc3339(c.created_at)},
              {"summary", c.summary},
              {"size_change", c.size_change},
              {"diff_url", DiffUrl(url, c.rev - 1, c.rev)}};
}

// A logged event of recent changes (issue 20's deletes and undeletes,
// issue 19's uploads and files' deletes and undeletes), as /_recent and
// the feed show it: what happened to which page or file, by whom, when,
// why. An upload names its file revision and size.
Json LoggedJson(const Change& c) {
  Json event{{"event", c.log_action},
             {"kind", c.of_file ? "file" : "page"},
             {"name", c.title},
             {"url", c.of_file ? FilePageUrl(c.title) : UrlPathOfTitle(c.title)},
             {"author", c.author},
             {"author_is_account", c.author_is_account},
             {"time", FormatRfc3339(c.created_at)},
             {"summary", c.summary}};
  if (c.log_action == "upload") {
    event["file_revision"] = c.file_rev;
    event["size"] = c.file_size;
  }
  return event;
}

std::string WithoutMarks(std::string text) {
  std::erase_if(text,
                [](char c) { return c == kMatchStart || c == kMatchEnd; });
  return text;
}

// The revision a PUT is based on: If-Match's (412 if it names none of
// ours), or 0 with If-None-Match: * for something new (428 without either).
Result<int64_t> BaseRevision(const Request& req, std::string_view what) {
  if (!req.if_match.empty()) {
    auto rev = RevisionOfETag(req.if_match);
    if (!rev) return Status::Invalid("If-Match must be the ETag of a revision, like \"r3\".");
    return *rev;
  }
  if (req.if_none_match == "*") return int64_t{0};
  return Status::Conflict("Say which revision this change is based on: If-Match with its "
                          "ETag (like \"r3\"), or If-None-Match: * to create the " +
                          std::string(what) + ".");
}

// BaseRevision's refusal as its HTTP answer.
Response BaseRevisionRefused(const Status& status) {
  return JsonError(status.IsConflict() ? 428 : 412, status.message());
}

Json FileJson(const FileRevision& f) {
  return Json{{"name", f.name},
              {"revision", f.rev},
              {"latest_revision", f.latest_rev},
              {"author", f.author},
              {"author_is_account", f.author_is_account},
              {"time", FormatRfc3339(f.created_at)},
              {"summary", f.summary},
              {"content_type", f.content_type},
              {"size", f.size},
              {"width", f.width},
              {"height", f.height},
              {"sha256", f.sha256},
              {"url", FileUrl(f.name)},
              {"bytes_url", BytesUrl(f)},
              {"page_url", FilePageUrl(f.name)}};
}

Response FileResponse(int status, const FileRevision& file) {
  Response response = JsonResponse(status, FileJson(file));
  response.headers.emplace_back("ETag", ETag(file.rev));
  return response;
}

}  // namespace

Response ApiGetPage(const Request& req, Context& ctx, std::string_view rest) {
  auto name = PageName::Parse(rest);
  if (!name.ok()) return JsonFailure(name.status());
  auto rev = RevisionParam(req, "rev");
  if (!rev.ok()) return JsonFailure(rev.status());
  auto page = ctx.stores.pages.Find(*name, *rev);
  if (!page.ok()) return JsonFailure(page.status());
  return PageResponse(ctx, 200, *page);
}

Response ApiPutPage(const Request& req, Context& ctx, std::string_view rest) {
  auto name = PageName::Parse(rest);
  if (!name.ok()) return JsonFailure(name.status());
  if (req.content_type != "application/json") {
    return JsonError(
        415, "The body must be JSON, sent as Content-Type: application/json.");
  }
  auto base = BaseRevision(req, "page");
  if (!base.ok()) return BaseRevisionRefused(base.status());
  const int64_t base_rev = *base;
  std::optional<PageEditBody> body = ParsePageEditBody(req.body);
  if (!body) {
    return JsonError(
        400,
        "The body must be a JSON object with a string \"text\" and, "
        "optionally, a string \"summary\".");
  }
  std::string text = NormaliseNewlines(body->text);
  const std::string& summary = body->summary;
  if (auto problem = CheckEdit(ctx.site, base_rev, text, summary)) {
    return JsonError(problem->status, problem->message);
  }
  auto edit = EditBy(req, ctx, *name, base_rev, text, summary);
  if (!edit.ok()) return JsonFailure(edit.status());
  auto saved = ctx.writes.Save(*edit);
  if (saved.status().IsConflict()) {
    ProcessMetrics::Add(ctx.metrics.conflicts);
    auto current = ctx.stores.pages.Find(*name, std::nullopt);
    Response refused = JsonError(
        412, current.ok()
                 ? "The page is at revision " +
                       std::to_string(current->latest_rev) +
                       " now; fetch it and apply your change to that."
                 : "The page no longer matches the revision you named.");
    if (current.ok())
      refused.headers.emplace_back("ETag", ETag(current->latest_rev));
    return refused;
  }
  if (!saved.ok()) return JsonFailure(saved.status());
  auto page = ctx.stores.pages.Find(*name, std::nullopt);
  if (!page.ok()) return JsonFailure(page.status());
  return PageResponse(ctx, saved->created && saved->rev == 1 ? 201 : 200,
                      *page);
}

Response ApiGetFile(const Request& req, Context& ctx, std::string_view rest) {
  auto name = FileName::Parse(rest);
  if (!name.ok()) return JsonFailure(name.status());
  auto rev = RevisionParam(req, "rev");
  if (!rev.ok()) return JsonFailure(rev.status());
  auto file = ctx.stores.files.Find(*name, *rev);
  if (!file.ok()) return JsonFailure(file.status());
  // Deleted: gone, but for admins (views/file_handlers.h).
  if (file->deleted && !ctx.viewer.is_admin()) {
    return JsonError(410, "The file " + name->title() + " was deleted.");
  }
  return FileResponse(200, *file);
}

Response ApiPutFile(const Request& req, Context& ctx, std::string_view rest) {
  auto name = FileName::Parse(rest);
  if (!name.ok()) return JsonFailure(name.status());
  auto base = BaseRevision(req, "file");
  if (!base.ok()) return BaseRevisionRefused(base.status());
  if (req.body.empty()) return JsonError(400, "The body must be the file's bytes.");
  if (req.body.size() > ctx.site.max_upload_bytes) {
    return JsonError(413, "The file is " + std::to_string(req.body.size()) +
                              " bytes; this wiki takes files of at most " +
                              std::to_string(ctx.site.max_upload_bytes) + " bytes.");
  }
  const std::string& summary = req.QueryText("summary");
  if (summary.size() > ctx.site.max_summary_bytes ||
      summary.find_first_of("\r\n") != std::string::npos) {
    return JsonError(400, "The summary must be one line of at most " +
                              std::to_string(ctx.site.max_summary_bytes) + " bytes.");
  }
  auto saved = ctx.file_writes.Upload(*name, *base, req.body, summary, FileAuthorOf(req, ctx));
  if (saved.status().IsConflict()) {
    auto current = ctx.stores.files.Find(*name, std::nullopt);
    Response refused = JsonError(412, saved.status().message());
    if (current.ok()) refused.headers.emplace_back("ETag", ETag(current->latest_rev));
    return refused;
  }
  if (!saved.ok()) return JsonFailure(saved.status());
  auto file = ctx.stores.files.Find(*name, std::nullopt);
  if (!file.ok()) return JsonFailure(file.status());
  return FileResponse(saved->created && saved->rev == 1 ? 201 : 200, *file);
}

Response ApiRecent(const Request& req, Context& ctx, std::string_view) {
  auto before = RevisionParam(req, "before");
  if (!before.ok()) return JsonFailure(before.status());
  const int size = ctx.site.recent_page_size;
  auto recent = ctx.stores.pages.ListRecentChanges(*before, size);
  if (!recent.ok()) return JsonFailure(recent.status());
  Json changes = Json::array();
  // The revisions, and among them, as on /_recent, the logged events
  // (each with its "event"); only revisions count toward the window.
  int shown = 0;
  int64_t oldest = 0;  // where the next window starts
  for (const Change& c : recent->changes) {
    if (!c.log_action.empty()) {
      changes.push_back(LoggedJson(c));
      continue;
    }
    changes.push_back(ChangeJson(c));
    ++shown;
    oldest = c.revision_id;
  }
  Json next = nullptr;
  // As on /_recent: the store read one revision past the window.
  if (recent->more && shown == size) next = "/_api/recent?before=" + std::to_string(oldest);
  return JsonResponse(200, Json{{"changes", changes},
                                {"page_count", recent->page_count},
                                {"revision_count", recent->revision_count},
                                {"next", next}});
}

Response ApiSearch(const Request& req, Context& ctx, std::string_view) {
  const std::string& query = req.QueryText("q");
  auto from = OffsetParam(req, "from");
  if (!from.ok()) return JsonFailure(from.status());
  auto parsed = ParseSearch(query);
  if (!parsed.ok()) return JsonFailure(parsed.status());
  const int size = ctx.site.search_page_size;
  auto found = ctx.stores.pages.Search(*parsed, *from, size);
  if (!found.ok()) return JsonFailure(found.status());
  Json hits = Json::array();
  for (const SearchHit& hit : found->hits) {
    hits.push_back(Json{{"name", hit.title},
                        {"url", UrlPathOfTitle(hit.title)},
                        {"snippet", WithoutMarks(hit.snippet)}});
  }
  // Paged as deep as the store serves (kMaxSearchOffset), then no
  // further: `next` is null and a narrower query is the way on.
  Json next = nullptr;
  if (*from + static_cast<int64_t>(found->hits.size()) < found->total &&
      *from + size <= kMaxSearchOffset) {
    next = "/_api/search?q=" + PercentEncodePath(query) +
           "&from=" + std::to_string(*from + size);
  }
  return JsonResponse(200, Json{{"query", query},
                                {"total", found->total},
                                {"more", found->more},
                                {"partial_index", found->partial_index},
                                {"from", *from},
                                {"hits", hits},
                                {"next", next}});
}

Response RefuseApi(const Request&, Context& ctx, std::string_view, int status,
                   const std::string& message) {
  if (!ctx.viewer.logged_in()) {
    Response response =
        JsonError(401,
                  "Log in first: send the session cookie, or an API token as "
                  "Authorization: Bearer TOKEN (make one on your profile).");
    response.headers.emplace_back("WWW-Authenticate", "Bearer realm=\"wikid\"");
    return response;
  }
  return JsonError(status, message);
}

}  // namespace wikid
