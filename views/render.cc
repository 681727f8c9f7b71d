#include "views/render.h"

#include <unistd.h>

#include <cstdio>

namespace wikid {

HtmlPage::HtmlPage(const std::string& title,
                   const std::string& content_template)
    : layout_("layout") {
  layout_.SetValue("TITLE", title);
  content_ = layout_.AddIncludeDictionary("CONTENT");
  content_->SetFilename(content_template);
}

Response HtmlPage::Render(Context& ctx, int status) {
  layout_.SetValue("SITE_NAME", ctx.site.site_name);
  auto html = ctx.templates.Expand("layout.tpl", layout_);
  if (!html.ok()) {
    LogError(html.status().message());
    return Response::PlainText(500, "Internal error: the page could not be "
                                    "rendered. The details are logged.");
  }
  Response r;
  r.status = status;
  r.body = std::move(*html);
  return r;
}

int HttpStatusFor(const Status& status) {
  switch (status.code()) {
    case Status::Code::kOk: return 200;
    case Status::Code::kNotFound: return 404;
    case Status::Code::kConflict: return 409;
    case Status::Code::kInvalid: return 400;
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

void LogError(const std::string& message) {
  std::string line = "wikid[" + std::to_string(getpid()) + "]: " + message +
                     "\n";
  // One write per line, so lines from several workers never interleave.
  [[maybe_unused]] ssize_t n = write(STDERR_FILENO, line.data(), line.size());
}

}  // namespace wikid
