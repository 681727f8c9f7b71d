// Site: what views/ adds to a Wiki to answer requests (the templates, the
// Markdown renderer, the anti-forgery key, page writes that publish what
// that renderer makes) and the Context every request
// starts from. The worker and the handler tests build theirs here, the
// same way.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include "model/base/status.h"
#include "model/wiki.h"
#include "views/base/context.h"

namespace wikid {

class Site {
 public:
  // Loads every template in `templates_dir` (reloaded when they change if
  // `reload_templates`). `config` and `wiki` must outlive the Site.
  // `wake_mailer` is called after a request queued mail; `now` gives unix
  // seconds.
  static Result<std::unique_ptr<Site>> Open(const SiteConfig& config,
                                            Wiki& wiki,
                                            const std::string& templates_dir,
                                            bool reload_templates,
                                            std::function<void()> wake_mailer,
                                            std::function<int64_t()> now);

  // The Context for the router (which copies it per request).
  Context& context() { return *context_; }

  // A rendering overran its budget and still runs on its thread
  // (views/markup/budgeted_thread.h): the process should end once the request
  // is answered, and a fresh one take its place.
  bool WantsReplacing() const { return markdown_.overran(); }

 private:
  Site(const SiteConfig& config, const std::string& templates_dir,
       bool reload_templates, SiteKeys& keys)
      : templates_(templates_dir, reload_templates),
        markdown_(BudgetedThread::Budget{
            .cpu = std::chrono::milliseconds(config.render_budget_ms),
            .wall = std::chrono::milliseconds(config.render_budget_ms * 10)}),
        csrf_(keys) {}

  Templates templates_;
  Markdown markdown_;
  Csrf csrf_;
  std::unique_ptr<PageWrites> writes_;  // renders with markdown_
  std::unique_ptr<FileWrites> file_writes_;
  std::unique_ptr<Context> context_;
};

}  // namespace wikid
