#include "views/base/render.h"

#include <cstdio>

#include "views/http/json.h"

namespace wikid {

HtmlPage::HtmlPage(const std::string& title,
                   const std::string& content_template)
    : layout_("layout") {
  layout_.SetValue("TITLE", title);
  content_ = layout_.AddIncludeDictionary("CONTENT");
  content_->SetFilename(content_template);
}

void HtmlPage::Feed(const std::string& url, const std::string& title) {
  ctemplate::TemplateDictionary* feed = layout_.AddSectionDictionary("FEED");
  feed->SetValue("FEED_URL", url);
  feed->SetValue("FEED_TITLE", title);
}

namespace {

// The words of each notice, by kind: never anything from the request.
const char* NoticeText(std::string_view kind) {
  if (kind == "saved") return "Your edit was saved.";
  if (kind == "moved") return "The page was moved here.";
  if (kind == "profile") return "Your profile was saved.";
  if (kind == "password") {
    return "Your password was changed. Every other browser logged in as you was logged out.";
  }
  if (kind == "restored") return "The old revision was restored: it is the newest now.";
  if (kind == "protected") return "The page is protected: only admins may edit it now.";
  if (kind == "unprotected") return "The page is no longer protected: anyone who may edit can.";
  if (kind == "deleted") return "The page was deleted.";
  if (kind == "undeleted") return "The page was undeleted, with its history.";
  if (kind == "promoted") return "The account is an admin now.";
  if (kind == "demoted") return "The account is no longer an admin.";
  if (kind == "disabled") return "The account was disabled and logged out everywhere.";
  if (kind == "enabled") return "The account was enabled: it may log in again.";
  if (kind == "uploaded") return "The file was uploaded.";
  if (kind == "watched") return "The page is on your watchlist now.";
  if (kind == "unwatched") return "The page is no longer on your watchlist.";
  if (kind == "revoked") return "The token was revoked: programs that send it are refused now.";
  if (kind == "flushed") return "Every memcached server was emptied.";
  if (kind == "retried") return "The message is queued again; the mailer sends it now.";
  if (kind == "first-admin") {
    return "You are this wiki's first admin. The setup link is spent; more admins are made "
           "here, from accounts that signed up.";
  }
  return nullptr;
}

std::string NoticeCookie(std::string_view value, int max_age, bool https) {
  std::string cookie = std::string(kNoticeCookie) + "=" + std::string(value) +
                       "; Path=/; Max-Age=" + std::to_string(max_age) +
                       "; HttpOnly; SameSite=Lax";
  if (https) cookie += "; Secure";
  return cookie;
}

}  // namespace

void AddNotice(Response& redirect, const Request& req, const Context& ctx,
               std::string_view kind) {
  if (ctx.viewer.logged_in()) AddNoticeForNewSession(redirect, req, kind);
}

void AddNoticeForNewSession(Response& redirect, const Request& req, std::string_view kind) {
  if (NoticeText(kind) == nullptr) return;
  for (const auto& [name, value] : redirect.headers) {
    if (name != "Location") continue;
    std::string path = value.substr(0, value.find_first_of("?#"));
    redirect.headers.emplace_back(
        "Set-Cookie", NoticeCookie(std::string(kind) + ":" + path, 60, req.https));
    return;
  }
}

Response SeeOtherWithNotice(const Request& req, const Context& ctx, std::string location,
                            std::string_view kind) {
  Response response = Response::SeeOther(std::move(location));
  AddNotice(response, req, ctx, kind);
  return response;
}

std::string NoticeFor(const Request& req, std::string_view path) {
  auto cookie = req.cookies.find(kNoticeCookie);
  if (cookie == req.cookies.end()) return "";
  const std::string& value = cookie->second;
  const size_t colon = value.find(':');
  if (colon == std::string::npos || std::string_view(value).substr(colon + 1) != path) return "";
  return value.substr(0, colon);
}

Response HtmlPage::Render(Context& ctx, int status) {
  layout_.SetValue("SITE_NAME", ctx.site.site_name);
  layout_.SetValue("STYLE_URL", ctx.templates.StyleUrl());
  // Not on an error page met at that path instead: the notice waits for
  // the page it was meant for (a deletion's lands on its 410).
  const char* notice = status == 200 || status == 410 ? NoticeText(ctx.viewer.notice) : nullptr;
  if (notice != nullptr) layout_.SetValueAndShowSection("NOTICE_TEXT", notice, "NOTICE");
  // The header is the one per-viewer part of a page, filled here for each
  // request and never cached.
  if (const auto& user = ctx.viewer.user) {
    ctemplate::TemplateDictionary* d = layout_.AddSectionDictionary("SIGNED_IN");
    d->SetValue("USER_NAME", ShownName(*user));
    d->SetValue("PROFILE_URL", ProfileUrl(user->name));
    d->SetValue("CSRF_TOKEN", ctx.security.csrf.ForSession(ctx.viewer.session_token));
    if (ctx.viewer.is_admin()) d->ShowSection("ADMIN");
  } else {
    ctemplate::TemplateDictionary* d = layout_.AddSectionDictionary("SIGNED_OUT");
    bool back = !ctx.viewer.path.empty() && ctx.viewer.path != "/" &&
                !ctx.viewer.path.starts_with("/_login") &&
                !ctx.viewer.path.starts_with("/_signup");
    std::string next = back ? "?next=" + ctx.viewer.path : "";
    d->SetValue("LOGIN_URL", "/_login" + next);
    if (ctx.site.signup_enabled) {
      d->SetValueAndShowSection("SIGNUP_URL", "/_signup" + next, "SIGNUP");
    }
  }
  auto html = ctx.templates.Expand("layout.tpl", layout_);
  if (!html.ok()) {
    LogError(html.status().message());
    return Response::PlainText(500, "Internal error: the page could not be "
                                    "rendered. The details are logged.");
  }
  Response r;
  r.status = status;
  r.body = std::move(*html);
  if (notice != nullptr) {
    // Shown once: the cookie goes (a secure origin may clear a Secure
    // cookie without the flag), and nothing keeps this answer.
    r.headers.emplace_back("Set-Cookie", NoticeCookie("", 0, false));
    r.headers.emplace_back("Cache-Control", "private, no-store");
  }
  return r;
}

CsrfToken FormToken(const Request& req, const Context& ctx) {
  return ctx.security.csrf.TokenFor(req, ctx.viewer.session_token);
}

Response WithRetryAfter(Response response, int64_t seconds) {
  response.headers.emplace_back("Retry-After", std::to_string(seconds));
  return response;
}

std::string ProfileUrl(const std::string& user_name) {
  // User names are ASCII letters, digits and "-_.": safe in a path as is.
  return "/_user/" + user_name;
}

std::string DiffUrl(const std::string& page_path, int64_t from, int64_t to) {
  return "/_diff" + page_path + "?from=" + std::to_string(from) + "&to=" + std::to_string(to);
}

int HttpStatusFor(const Status& status) {
  switch (status.code()) {
    case Status::Code::kOk: return 200;
    case Status::Code::kNotFound: return 404;
    case Status::Code::kConflict: return 409;
    case Status::Code::kInvalid: return 400;
    case Status::Code::kForbidden: return 403;
    case Status::Code::kTooComplex: return 422;
    case Status::Code::kUnsupported: return 415;
    case Status::Code::kBusy:
    case Status::Code::kUnavailable: return 503;
    case Status::Code::kInternal: return 500;
  }
  return 500;
}

Response ErrorPage(Context& ctx, const Status& status) {
  int code = HttpStatusFor(status);
  if (code >= 500) {
    LogError(std::string(ReasonPhrase(code)) + ": " + status.message());
  }
  // Internal messages may name files or SQL: never shown to the user.
  std::string message =
      code == 500 ? "Something went wrong on our side. The details are "
                    "logged; please try again later."
                  : status.message();
  return ErrorPage(ctx, code, message);
}

Response ErrorPage(Context& ctx, int http_status, const std::string& message) {
  HtmlPage page(ReasonPhrase(http_status), "error.tpl");
  page.NoIndex();
  page.content()->SetValue("HEADING", ReasonPhrase(http_status));
  page.content()->SetValue("MESSAGE", message);
  return page.Render(ctx, http_status);
}

Response ErrorFor(Context& ctx, std::string_view path, int status,
                  const std::string& message) {
  if (path.starts_with("/_api/")) return JsonError(status, message);
  return ErrorPage(ctx, status, message);
}

}  // namespace wikid
