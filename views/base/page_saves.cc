#include "views/base/page_saves.h"

#include "model/text/characters.h"
#include "model/text/file_name.h"

namespace wikid {

Result<Edit> EditBy(const Request& req, Context& ctx, const PageName& name,
                    int64_t base_rev, const std::string& text,
                    const std::string& summary) {
  auto links = ctx.markdown.LinkTargets(text);
  if (!links.ok()) return links.status();
  const auto& user = ctx.viewer.user;
  return Edit{.name = name,
              .base_rev = base_rev,
              .text = text,
              .summary = summary,
              .author = user ? user->name : req.client_address,
              .account_id = user ? user->id : 0,
              .account_created_at = user ? user->created_at : 0,
              .may_edit_protected = ctx.viewer.is_admin(),
              .created_at = ctx.now(),
              .links = std::move(*links)};
}

std::optional<EditProblem> CheckEdit(const SiteConfig& site, int64_t base_rev,
                                     const std::string& text,
                                     const std::string& summary) {
  if (text.size() > site.max_page_bytes) {
    return EditProblem{413, "The text is " + std::to_string(text.size()) +
                                " bytes long; a page may have at most " +
                                std::to_string(site.max_page_bytes) +
                                " bytes."};
  }
  if (summary.size() > site.max_summary_bytes ||
      summary.find_first_of("\r\n") != std::string::npos) {
    return EditProblem{400, "The summary must be one line of at most " +
                                std::to_string(site.max_summary_bytes) +
                                " bytes."};
  }
  if (base_rev == 0 && text.find_first_not_of(" \t\n") == std::string::npos) {
    return EditProblem{400, "A new page needs some text."};
  }
  if (auto unwanted = FindUnwantedCharacter(text, /*multiline=*/true)) {
    return EditProblem{400, "Line " + std::to_string(unwanted->line) +
                                " of the text holds the invisible character " +
                                CodePointName(unwanted->code_point) +
                                ", which no page or feed can show; please remove it."};
  }
  if (auto unwanted = FindUnwantedCharacter(summary, /*multiline=*/false)) {
    return EditProblem{400, "The summary holds the invisible character " +
                                CodePointName(unwanted->code_point) +
                                ", which no page or feed can show; please remove it."};
  }
  return std::nullopt;
}

EmbeddedFiles EmbeddedFilesOf(Context& ctx,
                              const std::set<std::string>& targets) {
  EmbeddedFiles files;
  for (const std::string& target : targets) {
    if (!target.starts_with(kFileLinkPrefix)) continue;
    const std::string linked =
        target.substr(std::string_view(kFileLinkPrefix).size());
    auto name = FileName::Parse(linked);
    if (!name.ok()) continue;
    auto file = ctx.stores.files.Find(*name, std::nullopt);
    if (!file.ok()) continue;
    files[linked] = EmbeddedFile{.name = file->name,
                                 .sha256 = file->sha256,
                                 .content_type = file->content_type,
                                 .width = file->width,
                                 .height = file->height};
  }
  return files;
}

Result<std::string> RenderRevision(Markdown& markdown,
                                   const PageRevision& page) {
  // Every section's heading links to its edit form, naming this revision
  // (the section is found in the text the reader saw). In the rendering,
  // so for every viewer, as the page's own Edit link is: one rendering per
  // revision is shared by all readers and every cache tier (render cache,
  // page cache, nginx's fast path for anonymous readers), and the edit
  // route itself decides who may edit (anonymous readers are sent to log
  // in under the users-only policy; a protected page's form shows the text
  // read-only with why, as its Edit link does).
  return markdown.ToHtml(page.revision.text, page.existing_links, page.files,
                         "/_edit" + UrlPathOfTitle(page.title) + "?rev=" +
                             std::to_string(page.revision.rev) + "&section=");
}

std::string RenderNow(Context& ctx, const PageRevision& page) {
  // A revision saved before renders were bounded may overrun: it shows a
  // notice, which the render cache keeps like any rendering (a revision
  // never changes), so its views do not pay the budget again. (A save
  // now must render in half the budget: markdown.h.)
  return RenderRevision(ctx.markdown, page).value_or(kTooComplexNotice);
}

std::string BodyHtml(Context& ctx, const PageRevision& page, bool* cached) {
  return ctx.caches.renders.Get(RenderKeyOf(page), page.revision.text.size(),
                         [&] { return RenderNow(ctx, page); }, cached);
}

}  // namespace wikid
