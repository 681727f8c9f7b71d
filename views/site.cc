#include "views/site.h"

#include "views/base/page_saves.h"

namespace wikid {

Result<std::unique_ptr<Site>> Site::Open(const SiteConfig& config, Wiki& wiki,
                                         const std::string& templates_dir,
                                         bool reload_templates,
                                         std::function<void()> wake_mailer,
                                         std::function<int64_t()> now) {
  std::unique_ptr<Site> site(
      new Site(config, templates_dir, reload_templates, wiki.site_keys()));
  if (Status s = site->templates_.LoadAll(); !s.ok()) return s;
  site->writes_ = std::make_unique<PageWrites>(
      wiki.page_store(), wiki.caches(),
      [markdown = &site->markdown_](const PageRevision& page) -> std::optional<std::string> {
        auto html = RenderRevision(*markdown, page);
        if (!html.ok()) return std::nullopt;
        return std::move(*html);
      },
      &wiki.metrics());
  site->file_writes_ = std::make_unique<FileWrites>(
      wiki.file_store(), wiki.caches().file_cache,
      [pages = site->writes_.get()](const std::string& name) {
        return pages->RetireEmbedders(name);
      },
      config.max_image_pixels);
  site->context_ = std::make_unique<Context>(Context{
      .site = config,
      .stores = wiki.stores(),
      .caches = wiki.caches(),
      .writes = *site->writes_,
      .file_writes = *site->file_writes_,
      .security = Security{.csrf = site->csrf_, .accounts = wiki.accounts()},
      .templates = site->templates_,
      .markdown = site->markdown_,
      .metrics = wiki.metrics(),
      .watch_mail = wiki.watch_mail(),
      .wake_mailer = std::move(wake_mailer),
      .now = std::move(now)});
  return site;
}

}  // namespace wikid
