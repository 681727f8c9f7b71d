#include "views/file_handlers.h"

#include "model/base/sha256.h"
#include "model/base/time_text.h"
#include "model/media/media.h"
#include "model/media/thumbnail_size.h"
#include "views/fill/file_fill.h"
#include "views/base/render.h"

namespace wikid {
namespace {

// Where nginx serves this host's copies from: an internal location, so
// only a worker's X-Accel-Redirect reaches it (nginx/wikid.conf).
constexpr char kAccelPrefix[] = "/_wikid_file/";
constexpr char kImmutable[] = "public, max-age=31536000, immutable";
// The latest revision may change: browsers check, and get 304 while not.
constexpr char kRevalidate[] = "no-cache";
// How many of the pages that show a file its page lists.
constexpr int kFileUsersShown = 50;

std::string StrongETag(const std::string& sha256) { return "\"" + sha256 + "\""; }

// Whether If-None-Match names `sha256`'s tag (weak comparison, as RFC
// 9110 asks for If-None-Match): a list of tags, or "*".
bool NoneMatch(std::string_view header, const std::string& sha256) {
  if (header.empty()) return false;
  if (header == "*") return true;
  const std::string tag = StrongETag(sha256);
  for (size_t at = header.find(tag); at != std::string_view::npos;
       at = header.find(tag, at + 1)) {
    // A whole tag: at the start, or after a comma, a space or "W/".
    const bool starts = at == 0 || header[at - 1] == ',' || header[at - 1] == ' ' ||
                        header.substr(0, at).ends_with("W/");
    if (starts) return true;
  }
  return false;
}

// A name for Content-Disposition: the ASCII of `name` with anything else
// (and quotes, backslashes) as '_', and the exact name as RFC 8187's
// filename* for browsers that read it.
std::string Disposition(bool inline_shown, const std::string& name) {
  std::string ascii;
  for (unsigned char c : name) {
    const bool plain = c >= 0x20 && c < 0x7f && c != '"' && c != '\\';
    ascii += plain ? static_cast<char>(c) : '_';
  }
  return std::string(inline_shown ? "inline" : "attachment") + "; filename=\"" +
         ascii + "\"; filename*=UTF-8''" + PercentEncode(name, "-._~");
}

// The bytes called `copy` (a content's hash, or a thumbnail's name:
// model/cache/file_cache.h) as `serve` says this host has them.
Response ServedResponse(const FileRevision& file, const std::string& copy,
                        const char* cache_control, BytesToServe serve) {
  Response r;
  r.headers.emplace_back("ETag", StrongETag(copy));
  r.headers.emplace_back("Cache-Control", cache_control);
  r.content_type = file.content_type;
  r.headers.emplace_back(
      "Content-Disposition",
      Disposition(ServedInline(file.content_type), file.name));
  if (serve.on_disk) {
    // nginx drops every other header of ours but Content-Type,
    // Content-Disposition and Cache-Control; its location adds the ETag,
    // nosniff and the sandbox policy.
    r.headers.emplace_back("X-Accel-Redirect", kAccelPrefix + copy);
  } else {
    // The worker sends them: the same policy as nginx's location (beside
    // the site's, which every answer has; a browser enforces both).
    r.headers.emplace_back("Content-Security-Policy",
                           "default-src 'none'; sandbox");
    r.body = std::move(serve.bytes);
  }
  return r;
}

// 304 for a browser that has the copy `copy` of `file` (If-None-Match).
std::optional<Response> NotModified(const Request& req,
                                    const FileRevision& file,
                                    const std::string& copy,
                                    const char* cache_control) {
  if (!NoneMatch(req.if_none_match, copy)) return std::nullopt;
  Response r;
  r.status = 304;
  r.content_type = file.content_type;
  r.headers.emplace_back("ETag", StrongETag(copy));
  r.headers.emplace_back("Cache-Control", cache_control);
  return r;
}

// The bytes of `file`: 304 when the browser has them (If-None-Match),
// else nginx's copy through X-Accel-Redirect, or the bytes themselves
// when this host cannot keep one. Content-Type is the sniffed one, never
// the uploader's; only images are inline.
Response BytesResponse(const Request& req, Context& ctx,
                       const FileRevision& file, const char* cache_control) {
  if (auto same = NotModified(req, file, file.sha256, cache_control))
    return std::move(*same);
  auto serve = ctx.file_writes.Serve(file.sha256);
  if (!serve.ok()) return ErrorPage(ctx, serve.status());
  return ServedResponse(file, file.sha256, cache_control, std::move(*serve));
}

// The file name a path's rest names, or a 404 saying why not.
Result<FileName> NameOf(std::string_view rest) {
  auto name = FileName::Parse(rest);
  if (!name.ok()) return Status::NotFound("There is no file here: " + name.status().message());
  return name;
}

Response UploadFormResponse(const Request& req, Context& ctx, const UploadFormState& state,
                            int status) {
  HtmlPage page("Upload a file", "upload_page.tpl");
  page.NoIndex();
  CsrfToken csrf = FormToken(req, ctx);
  ctemplate::TemplateDictionary* form = page.content()->AddIncludeDictionary("UPLOAD_FORM");
  form->SetFilename("upload.tpl");
  FillUploadForm(state, ctx.site.max_upload_bytes, ctx.site.max_summary_bytes, csrf.token, form);
  Response response = page.Render(ctx, status);
  csrf.ApplyTo(response);
  return response;
}

// The upload form's fields as sent, for showing them again.
UploadFormState PostedUpload(const Request& req) {
  return UploadFormState{.name = req.FormText("name"),
                         .summary = req.FormText("summary"),
                         .base_rev = PositiveNumber(req.FormText("base_rev")).value_or(0)};
}

// "/_file-ACTION/NAME": a file's admin actions and restore.
std::string FileActionUrl(const char* action, const std::string& name) {
  return std::string("/_file-") + action + "/" + UrlPathOfTitle(name).substr(1);
}

// Who deleted `name`, when and why, in a sentence (for the 410).
std::string DeletionText(Context& ctx, const FileName& name) {
  auto deletion = ctx.stores.files.FindDeletion(name);
  std::string text = "The file " + name.title() + " was deleted";
  if (deletion.ok()) {
    text += " by " + deletion->deleted_by + " on " + FormatTime(deletion->deleted_at);
    text += deletion->reason.empty() ? " (no reason given)" : ": " + deletion->reason;
  }
  return text + ".";
}

// A deleted file, to anyone but an admin, on its page and at every
// address of its bytes: 410 Gone, saying who deleted it, when and why.
// nullopt: the viewer may see it. No view of a file is cached (model/
// file_writes.h), and nginx sends a copy's bytes only when a worker's
// X-Accel-Redirect names it, so this answer is the only one they get.
std::optional<Response> GoneUnlessAdmin(Context& ctx, const FileName& name,
                                        const FileRevision& file) {
  if (!file.deleted || ctx.viewer.is_admin()) return std::nullopt;
  return ErrorPage(ctx, 410, DeletionText(ctx, name));
}

// A deleted file's bytes, to an admin: not kept by anyone for later.
const char* CacheControlFor(const FileRevision& file, const char* otherwise) {
  return file.deleted ? "private, no-store" : otherwise;
}

FileLogRequest LogRequestBy(const Request& req, Context& ctx, const FileName& name) {
  return FileLogRequest{.name = name,
                        .reason = req.FormText("reason"),
                        .author = ctx.viewer.user ? ctx.viewer.user->name : "",
                        .account_id = ctx.viewer.user ? ctx.viewer.user->id : 0,
                        .at = ctx.now()};
}

Response FileDeleteForm(const Request& req, Context& ctx, const FileRevision& file,
                        const std::string& reason, const std::string& message, int status) {
  HtmlPage page("Delete " + file.name + "?", "file_delete.tpl");
  page.NoIndex();
  ctemplate::TemplateDictionary* d = page.content();
  d->SetValue("NAME", file.name);
  d->SetValue("PAGE_URL", FilePageUrl(file.name));
  d->SetValue("ACTION_URL", FileActionUrl("delete", file.name));
  CsrfToken csrf = FormToken(req, ctx);
  d->SetValue("CSRF_TOKEN", csrf.token);
  d->SetValue("REASON", reason);
  d->SetIntValue("REVISIONS", static_cast<long>(file.latest_rev));
  d->SetIntValue("MAX_REASON", static_cast<long>(ctx.site.max_summary_bytes));
  if (!message.empty()) d->AddSectionDictionary("ERROR")->SetValue("MESSAGE", message);
  Response response = page.Render(ctx, status);
  csrf.ApplyTo(response);
  return response;
}

// file_page.tpl's parts for admins: protect and delete, or, for a deleted
// file, who deleted it and Undelete.
void FillFileAdmin(Context& ctx, const FileName& name, const FileRevision& file,
                   const std::string& token, ctemplate::TemplateDictionary* d) {
  if (file.deleted) {
    ctemplate::TemplateDictionary* deleted = d->AddSectionDictionary("DELETED");
    auto deletion = ctx.stores.files.FindDeletion(name);
    if (deletion.ok()) {
      deleted->SetValue("BY", deletion->deleted_by);
      deleted->SetValue("BY_URL", ProfileUrl(deletion->deleted_by));
      deleted->SetValue("TIME", FormatTime(deletion->deleted_at));
      if (deletion->reason.empty()) {
        deleted->ShowSection("NO_REASON");
      } else {
        deleted->AddSectionDictionary("REASON")->SetValue("TEXT", deletion->reason);
      }
    }
    deleted->SetValue("UNDELETE_URL", FileActionUrl("undelete", file.name));
    deleted->SetValue("CSRF_TOKEN", token);
    return;
  }
  ctemplate::TemplateDictionary* admin = d->AddSectionDictionary("ADMIN_ACTIONS");
  admin->SetValue("PROTECT_URL", FileActionUrl("protect", file.name));
  admin->SetValue("DELETE_URL", FileActionUrl("delete", file.name));
  admin->SetValue("CSRF_TOKEN", token);
  admin->ShowSection(file.is_protected ? "CAN_UNPROTECT" : "CAN_PROTECT");
}

}  // namespace

FileAuthor FileAuthorOf(const Request& req, const Context& ctx) {
  const auto& user = ctx.viewer.user;
  return FileAuthor{.name = user ? user->name : req.client_address,
                    .account_id = user ? user->id : 0,
                    .at = ctx.now(),
                    .may_edit_protected = ctx.viewer.is_admin()};
}

Response ShowUploadForm(const Request& req, Context& ctx, std::string_view) {
  UploadFormState state{.name = req.QueryText("name"),
                        .base_rev = PositiveNumber(req.QueryText("base_rev")).value_or(0)};
  return UploadFormResponse(req, ctx, state, 200);
}

Response Upload(const Request& req, Context& ctx, std::string_view) {
  UploadFormState state = PostedUpload(req);
  auto refuse = [&](int status, std::string message) {
    state.error = std::move(message) + " Nothing was uploaded.";
    return UploadFormResponse(req, ctx, state, status);
  };
  auto name = FileName::Parse(state.name);
  if (!name.ok()) return refuse(400, name.status().message());
  const FormFile* file = req.File("file");
  if (file == nullptr || file->bytes.empty()) return refuse(400, "Choose a file to upload.");
  if (file->bytes.size() > ctx.site.max_upload_bytes) {
    return refuse(413, "The file is " + std::to_string(file->bytes.size()) +
                           " bytes; this wiki takes files of at most " +
                           std::to_string(ctx.site.max_upload_bytes) + " bytes.");
  }
  if (state.summary.size() > ctx.site.max_summary_bytes ||
      state.summary.find_first_of("\r\n") != std::string::npos) {
    return refuse(400, "The summary must be one line of at most " +
                           std::to_string(ctx.site.max_summary_bytes) + " bytes.");
  }
  auto saved = ctx.file_writes.Upload(*name, state.base_rev, file->bytes, state.summary,
                                      FileAuthorOf(req, ctx));
  if (!saved.ok()) {
    const int status = HttpStatusFor(saved.status());
    if (status >= 500) LogError("upload failed: " + saved.status().message());
    return refuse(status, status == 500 ? "Something went wrong on our side."
                                        : saved.status().message());
  }
  return SeeOtherWithNotice(req, ctx, FilePageUrl(name->title()), "uploaded");
}

Response RefuseUpload(const Request& req, Context& ctx, std::string_view, int status,
                      const std::string& message) {
  UploadFormState state = PostedUpload(req);
  state.error = status == 403 && !ctx.viewer.logged_in()
                    ? "You need to log in to upload files. Nothing was uploaded. Log in (in "
                      "another tab, so you keep this one) and upload again."
                    : message;
  return UploadFormResponse(req, ctx, state, status);
}

Response ListAllFiles(const Request& req, Context& ctx, std::string_view) {
  const std::string& after = req.QueryText("after");
  auto list = ctx.stores.files.ListFiles(after, ctx.site.files_page_size);
  if (!list.ok()) return ErrorPage(ctx, list.status());
  HtmlPage page("All files", "files.tpl");
  FillFileList(*list, page.content());
  if (!after.empty()) page.content()->ShowSection("FIRST");
  return page.Render(ctx, 200);
}

Response ServeFile(const Request& req, Context& ctx, std::string_view rest) {
  auto name = NameOf(rest);
  if (!name.ok()) return ErrorPage(ctx, name.status());
  // Read from the database on every request: an upload is seen at once,
  // on every host, with nothing to retire (model/file_writes.h).
  auto file = ctx.stores.files.Find(*name, std::nullopt);
  if (!file.ok()) return ErrorPage(ctx, file.status());
  if (auto gone = GoneUnlessAdmin(ctx, *name, *file)) return std::move(*gone);
  return BytesResponse(req, ctx, *file, CacheControlFor(*file, kRevalidate));
}

Response ServeBytes(const Request& req, Context& ctx, std::string_view rest) {
  const size_t slash = rest.find('/');
  const std::string sha256(rest.substr(0, slash));
  if (slash == std::string_view::npos || !IsSha256Hex(sha256)) {
    return ErrorPage(ctx, 404, "There is no file here: the address must be /_blob/SHA-256/NAME.");
  }
  auto name = NameOf(rest.substr(slash + 1));
  if (!name.ok()) return ErrorPage(ctx, name.status());
  // Looked up before any 304: a deleted file's address is gone, whatever
  // a browser kept of it.
  auto file = ctx.stores.files.FindBytes(*name, sha256);
  if (!file.ok()) return ErrorPage(ctx, file.status());
  if (auto gone = GoneUnlessAdmin(ctx, *name, *file)) return std::move(*gone);
  Response r = BytesResponse(req, ctx, *file, CacheControlFor(*file, kImmutable));
  // From now on this host's nginx sends these bytes itself for a while
  // (images of files that stand only).
  if (r.status == 200 && !file->deleted) ctx.file_writes.Publish(*file, sha256);
  return r;
}

Response ServeThumbnail(const Request& req, Context& ctx,
                        std::string_view rest) {
  // SHA/WIDTH/NAME, each part checked before anything is looked up.
  const size_t first = rest.find('/');
  const size_t second =
      first == std::string_view::npos ? first : rest.find('/', first + 1);
  const std::string sha256(rest.substr(0, first));
  const std::string width_text(
      second == std::string_view::npos
          ? ""
          : rest.substr(first + 1, second - first - 1));
  const auto width = PositiveNumber(width_text);
  if (second == std::string_view::npos || !IsSha256Hex(sha256) || !width ||
      !IsThumbnailStep(*width)) {
    return ErrorPage(ctx, 404,
                     "There is no thumbnail here: the address must be "
                     "/_thumb/SHA-256/WIDTH/NAME, "
                     "with a width the wiki makes thumbnails at.");
  }
  auto name = NameOf(rest.substr(second + 1));
  if (!name.ok()) return ErrorPage(ctx, name.status());
  const std::string copy = FileCache::ThumbnailName(sha256, *width);
  auto file = ctx.stores.files.FindBytes(*name, sha256);
  if (!file.ok()) return ErrorPage(ctx, file.status());
  if (auto gone = GoneUnlessAdmin(ctx, *name, *file)) return std::move(*gone);
  const char* cache_control = CacheControlFor(*file, kImmutable);
  // Never upscaled, and only of the formats that have thumbnails: a page
  // shows the image's own bytes then (model/media/thumbnail_size.h).
  if (!HasThumbnails(file->content_type) || *width >= file->width) {
    return ErrorPage(ctx, 404,
                     "There is no thumbnail of this file " + width_text +
                         " pixels wide: see /_blob/" + sha256 + "/" +
                         name->UrlName() + " for the file itself.");
  }
  if (auto same = NotModified(req, *file, copy, cache_control))
    return std::move(*same);
  auto serve = ctx.file_writes.ServeThumbnail(*file, *width);
  if (!serve.ok()) return ErrorPage(ctx, serve.status());
  if (!file->deleted) ctx.file_writes.Publish(*file, copy);
  return ServedResponse(*file, copy, cache_control, std::move(*serve));
}

Response ShowFilePage(const Request& req, Context& ctx, std::string_view rest) {
  auto name = NameOf(rest);
  if (!name.ok()) return ErrorPage(ctx, name.status());
  auto rev = RevisionParam(req, "rev");
  if (!rev.ok()) return ErrorPage(ctx, rev.status());
  auto from = RevisionParam(req, "from");
  if (!from.ok()) return ErrorPage(ctx, from.status());
  auto shown = ctx.stores.files.Find(*name, *rev);
  if (shown.status().IsNotFound() && !*rev) {
    return ErrorPage(ctx, 404,
                     "There is no file named " + name->title() + " yet. Upload it at /_upload?name=" +
                         name->UrlName() + ".");
  }
  if (!shown.ok()) return ErrorPage(ctx, shown.status());
  if (auto gone = GoneUnlessAdmin(ctx, *name, *shown)) return std::move(*gone);
  auto history = ctx.stores.files.ListHistory(*name, *from, ctx.site.history_page_size);
  if (!history.ok()) return ErrorPage(ctx, history.status());
  HtmlPage page("File: " + name->title(), "file_page.tpl");
  if (!shown->is_latest()) page.NoIndex();
  // The viewer's own token, for restoring and uploading: only for those
  // who may (the route checks again).
  const bool admin = ctx.viewer.is_admin();
  const bool may_upload =
      !shown->deleted && (admin || (!shown->is_protected &&
                                    (ctx.site.edit_policy == EditPolicy::kAnyone ||
                                     ctx.viewer.logged_in())));
  CsrfToken csrf = may_upload || admin ? FormToken(req, ctx) : CsrfToken{};
  FillFilePage(*shown, *history, may_upload ? csrf.token : "", page.content());
  if (shown->is_protected) page.content()->ShowSection("PROTECTED");
  if (admin) FillFileAdmin(ctx, *name, *shown, csrf.token, page.content());
  // Where it is used: the pages whose latest revisions embed it, which are
  // the backlinks of "File:NAME" (model/store/page_store.h).
  if (auto link = PageName::Parse(kFileLinkPrefix + name->title()); link.ok()) {
    auto users = ctx.stores.pages.ListBacklinks(*link, "", kFileUsersShown);
    if (!users.ok()) return ErrorPage(ctx, users.status());
    FillFileUsers(*users, page.content());
  }
  if (may_upload) {
    ctemplate::TemplateDictionary* form = page.content()->AddIncludeDictionary("UPLOAD_FORM");
    form->SetFilename("upload.tpl");
    FillUploadForm(UploadFormState{.name = shown->name, .base_rev = shown->latest_rev},
                   ctx.site.max_upload_bytes, ctx.site.max_summary_bytes, csrf.token, form);
  }
  // A deleted file's page, which only admins see: gone, all the same.
  Response response = page.Render(ctx, shown->deleted ? 410 : 200);
  csrf.ApplyTo(response);
  return response;
}

Response RestoreFile(const Request& req, Context& ctx, std::string_view rest) {
  auto name = NameOf(rest);
  if (!name.ok()) return ErrorPage(ctx, name.status());
  auto rev = PositiveNumber(req.FormText("rev"));
  auto base_rev = PositiveNumber(req.FormText("base_rev"));
  if (!rev || !base_rev) return ErrorPage(ctx, 400, "The form names no revision to restore.");
  auto saved = ctx.file_writes.Restore(*name, *rev, *base_rev,
                                       "Restored revision " + std::to_string(*rev),
                                       FileAuthorOf(req, ctx));
  if (saved.status().IsConflict()) {
    return ErrorPage(ctx, 409,
                     "Someone uploaded a new revision of this file meanwhile: nothing was "
                     "restored. Look at its page again and choose.");
  }
  if (!saved.ok()) return ErrorPage(ctx, saved.status());
  return SeeOtherWithNotice(req, ctx, FilePageUrl(name->title()), "restored");
}

Response ProtectFile(const Request& req, Context& ctx, std::string_view rest) {
  auto name = NameOf(rest);
  if (!name.ok()) return ErrorPage(ctx, name.status());
  const bool protect = req.FormText("protect") == "1";
  if (Status s = ctx.file_writes.SetProtected(*name, protect); !s.ok()) {
    return ErrorPage(ctx, s);
  }
  return Response::SeeOther(FilePageUrl(name->title()));
}

Response ShowFileDeleteForm(const Request& req, Context& ctx, std::string_view rest) {
  auto name = NameOf(rest);
  if (!name.ok()) return ErrorPage(ctx, name.status());
  auto file = ctx.stores.files.Find(*name, std::nullopt);
  if (!file.ok()) return ErrorPage(ctx, file.status());
  // Deleted already: its page says so and offers Undelete.
  if (file->deleted) return Response::SeeOther(FilePageUrl(name->title()));
  return FileDeleteForm(req, ctx, *file, "", "", 200);
}

Response DeleteFile(const Request& req, Context& ctx, std::string_view rest) {
  auto name = NameOf(rest);
  if (!name.ok()) return ErrorPage(ctx, name.status());
  FileLogRequest request = LogRequestBy(req, ctx, *name);
  // A reason follows a summary's rules: one line, not too long.
  if (request.reason.size() > ctx.site.max_summary_bytes ||
      request.reason.find_first_of("\r\n") != std::string::npos) {
    auto file = ctx.stores.files.Find(*name, std::nullopt);
    if (!file.ok()) return ErrorPage(ctx, file.status());
    return FileDeleteForm(req, ctx, *file, request.reason,
                          "The reason must be one line of at most " +
                              std::to_string(ctx.site.max_summary_bytes) +
                              " bytes. Nothing was deleted.",
                          400);
  }
  if (Status s = ctx.file_writes.Delete(request); !s.ok()) return ErrorPage(ctx, s);
  return Response::SeeOther(FilePageUrl(name->title()));
}

Response UndeleteFile(const Request& req, Context& ctx, std::string_view rest) {
  auto name = NameOf(rest);
  if (!name.ok()) return ErrorPage(ctx, name.status());
  if (Status s = ctx.file_writes.Undelete(LogRequestBy(req, ctx, *name)); !s.ok()) {
    return ErrorPage(ctx, s);
  }
  return Response::SeeOther(FilePageUrl(name->title()));
}

}  // namespace wikid
