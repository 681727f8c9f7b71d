#include "views/accounts/admin_handlers.h"

#include <unistd.h>

#include <charconv>
#include <cstdio>
#include <optional>

#include "views/fill/account_fill.h"
#include "views/base/shared_views.h"
#include "views/base/render.h"

namespace wikid {
namespace {

std::string Percent(int64_t part, int64_t whole) {
  if (whole <= 0) return "-";
  char text[16];
  std::snprintf(text, sizeof text, "%.1f%%", 100.0 * static_cast<double>(part) /
                                                 static_cast<double>(whole));
  return text;
}

void FillKind(ctemplate::TemplateDictionary* d, const char* name, int64_t local,
              int64_t hits, int64_t misses, int64_t stale) {
  ctemplate::TemplateDictionary* row = d->AddSectionDictionary("KIND");
  row->SetValue("NAME", name);
  row->SetIntValue("LOCAL", static_cast<long>(local));
  row->SetIntValue("HITS", static_cast<long>(hits));
  row->SetIntValue("MISSES", static_cast<long>(misses));
  row->SetIntValue("STALE", static_cast<long>(stale));
  row->SetValue("RATIO", Percent(local + hits, local + hits + misses + stale));
}

// How many views the fast path could serve now: the entries present for
// the front page and the first pages of the wiki (a few get_multi calls).
void FillFastPath(Context& ctx, ctemplate::TemplateDictionary* d) {
  if (!ctx.caches.fast_path.enabled()) return;
  constexpr int kPagesChecked = 1000;
  ctemplate::TemplateDictionary* f = d->AddSectionDictionary("FAST_PATH");
  f->ShowSection(ctx.caches.fast_path.suspended() ? "SUSPENDED" : "SERVING");
  bool more = false;
  auto entries =
      FastPathEntries(ctx.stores.pages, ctx.caches.fast_path, kPagesChecked, &more);
  if (more) f->ShowSection("SAMPLED");
  if (!entries.ok()) entries = std::vector<std::string>();
  FastPath::Presence presence = ctx.caches.fast_path.CountPresent(*entries);
  if (!presence.reachable) f->ShowSection("UNREACHABLE");
  f->SetIntValue("PRESENT", static_cast<long>(presence.present));
  f->SetIntValue("POSSIBLE", static_cast<long>(entries->size()));
  const FastPathShared& shared = ctx.caches.fast_path.shared();
  f->SetIntValue("MISSES", static_cast<long>(shared.misses.load()));
  f->SetIntValue("MISS_HITS", static_cast<long>(shared.miss_hits.load()));
  f->SetValue("MISS_RATIO", Percent(shared.miss_hits.load(), shared.misses.load()));
  f->SetIntValue("FILLS", static_cast<long>(shared.fills.load()));
  f->SetIntValue("ALREADY", static_cast<long>(shared.already.load()));
  f->SetIntValue("OUTDATED", static_cast<long>(shared.outdated.load()));
  f->SetIntValue("MARKED", static_cast<long>(shared.marked.load()));
  f->SetIntValue("DELETES", static_cast<long>(shared.deletes.load()));
  f->SetIntValue("MARK_WAITS", static_cast<long>(shared.mark_waits.load()));
  f->SetIntValue("RESTORATIONS", static_cast<long>(shared.restorations.load()));
}

// Admins see, on each admin view, that no mail server was named: mail to
// them then goes to the default, which most machines do not run.
void NoteMailState(const Context& ctx, ctemplate::TemplateDictionary* d) {
  if (!ctx.site.mail_configured) d->ShowSection("MAIL_UNCONFIGURED");
}

// An admin action that is hard to undo or reaches far (making an admin,
// disabling an account, emptying memcached) takes two POSTs: the first,
// from the button, answers with this page, whose form repeats it with
// confirm=yes and a fresh token. Without JavaScript, and CSRF-checked
// both times by the router.
struct Confirmation {
  std::string question;     // the page's title and heading
  std::string explanation;  // what will happen
  std::string button;       // the confirming button's label
  std::string action_url;   // where the form posts
  std::string cancel_url;   // where Cancel leads
  std::vector<std::pair<std::string, std::string>> fields;  // posted again
};

bool Confirmed(const Request& req) { return req.FormText("confirm") == "yes"; }

Response ConfirmPage(const Request& req, Context& ctx, const Confirmation& c) {
  HtmlPage page(c.question, "confirm.tpl");
  page.NoIndex();
  ctemplate::TemplateDictionary* d = page.content();
  d->SetValue("QUESTION", c.question);
  d->SetValue("EXPLANATION", c.explanation);
  d->SetValue("BUTTON", c.button);
  d->SetValue("ACTION_URL", c.action_url);
  d->SetValue("CANCEL_URL", c.cancel_url);
  d->SetValue("CSRF_TOKEN", FormToken(req, ctx).token);
  for (const auto& [name, value] : c.fields) {
    ctemplate::TemplateDictionary* field = d->AddSectionDictionary("FIELD");
    field->SetValue("NAME", name);
    field->SetValue("VALUE", value);
  }
  return page.Render(ctx, 200);
}

}  // namespace

Response ShowCacheAdmin(const Request& req, Context& ctx, std::string_view) {
  HtmlPage page("Cache", "admin_cache.tpl");
  page.NoIndex();
  ctemplate::TemplateDictionary* d = page.content();
  if (!ctx.caches.memcache.enabled()) d->ShowSection("DISABLED");
  NoteMailState(ctx, d);
  for (const ServerStats& server : ctx.caches.memcache.GetStats()) {
    ctemplate::TemplateDictionary* s = d->AddSectionDictionary("SERVER");
    s->SetValue("NAME", server.server);
    if (!server.reachable) s->ShowSection("DOWN");
    for (const auto& [key, value] : server.values) {
      ctemplate::TemplateDictionary* stat = s->AddSectionDictionary("STAT");
      stat->SetValue("KEY", key);
      stat->SetValue("VALUE", value);
    }
  }
  d->SetIntValue("PID", getpid());
  const StampedCacheCounters& views = ctx.caches.views.counters();
  FillKind(d, "Page views and landing views", views.local_hits, views.hits,
           views.misses, views.stale);
  const LocalViewCounters& whole = ctx.caches.anonymous_views.counters();
  FillKind(d, "Whole pages for anonymous readers", whole.hits, 0, whole.misses, whole.outdated);
  const RenderCounters& renders = ctx.caches.renders.counters();
  FillKind(d, "Rendered revisions", 0, renders.hits + renders.waited_hits,
           renders.renders, 0);
  const CacheCounters& calls = ctx.caches.memcache.counters();
  d->SetIntValue("ERRORS", static_cast<long>(calls.errors));
  d->SetIntValue("SKIPPED", static_cast<long>(calls.skipped));
  d->SetIntValue("TOO_BIG", static_cast<long>(calls.too_big));
  const VersionCounters& versions = ctx.caches.versions.counters();
  d->SetIntValue("VERSION_READS", static_cast<long>(versions.reads));
  d->SetIntValue("VERSION_UNREADABLE", static_cast<long>(versions.unreadable));
  d->SetIntValue("VERSION_IN_FLIGHT", static_cast<long>(versions.in_flight));
  d->SetIntValue("VERSION_SEEDED", static_cast<long>(versions.seeded));
  d->SetIntValue("VERSION_DOUBTS", static_cast<long>(versions.doubts));
  d->SetValue("EPOCH", ctx.caches.versions.epoch_text());
  const ViewAdmission& admission = ctx.caches.admission;
  if (auto shed_at = admission.load().threshold(); shed_at && ctx.caches.memcache.enabled()) {
    ctemplate::TemplateDictionary* shed = d->AddSectionDictionary("SHEDDING");
    shed->SetIntValue("BUSY", admission.load().busy_percent());
    shed->SetIntValue("SHED_AT", *shed_at);
    shed->SetIntValue("SHED_VIEWS", static_cast<long>(admission.shed_views()));
  }
  FillFastPath(ctx, d);
  d->SetValue("CSRF_TOKEN", FormToken(req, ctx).token);
  return page.Render(ctx, 200);
}

Response Health(const Request&, Context&, std::string_view) {
  return Response::PlainText(200, "ok");
}

Response FlushCache(const Request& req, Context& ctx, std::string_view) {
  if (!Confirmed(req)) {
    return ConfirmPage(
        req, ctx,
        {.question = "Empty every memcached server?",
         .explanation = "Every cached view, of this wiki and of anything else that shares "
                        "these servers, is dropped. Nothing is served stale either way; "
                        "the next views are rendered again, which is slower until the "
                        "cache fills.",
         .button = "Empty memcached",
         .action_url = "/_admin/cache/flush",
         .cancel_url = "/_admin/cache"});
  }
  if (ctx.caches.memcache.enabled() && ctx.caches.memcache.FlushAll() != CacheStatus::kOk) {
    return ErrorPage(ctx, 503, "memcached could not be emptied: a server did "
                               "not answer. Nothing is served stale either way.");
  }
  return SeeOtherWithNotice(req, ctx, "/_admin/cache", "flushed");
}

Response ListUsers(const Request& req, Context& ctx, std::string_view) {
  const std::string* after = req.Query("after");
  // Listed in the order of lowercased names, as they are unique.
  std::string after_key;
  if (after != nullptr) {
    auto name = UserName::Parse(*after);
    if (!name.ok()) return ErrorPage(ctx, 400, "The parameter 'after' must be a user name.");
    after_key = name->key();
  }
  auto list = ctx.stores.users.List(after_key, ctx.site.users_page_size);
  if (!list.ok()) return ErrorPage(ctx, list.status());
  HtmlPage page("Accounts", "admin_users.tpl");
  page.NoIndex();
  FillUserList(*list, ctx.viewer.user->id, after == nullptr, FormToken(req, ctx).token,
               page.content());
  NoteMailState(ctx, page.content());
  return page.Render(ctx, 200);
}

Response ChangeUser(const Request& req, Context& ctx, std::string_view rest) {
  auto name = UserName::Parse(rest);
  if (!name.ok()) return ErrorPage(ctx, 404, "There is no such user.");
  auto user = ctx.stores.users.Find(*name);
  if (!user.ok()) return ErrorPage(ctx, user.status());
  if (user->id == ctx.viewer.user->id) {
    return ErrorPage(ctx, 400, "Admins cannot change their own role or disable "
                               "themselves here; use the wikid user command.");
  }
  const std::string& action = req.FormText("action");
  if ((action == "promote" || action == "disable") && !Confirmed(req)) {
    const bool promote = action == "promote";
    return ConfirmPage(
        req, ctx,
        {.question = (promote ? "Make " : "Disable ") + user->name + (promote ? " an admin?" : "?"),
         .explanation = promote ? user->name + " will be able to delete and undelete pages, "
                                  "protect them, and promote, demote and disable accounts, "
                                  "yours too."
                                : user->name + " is logged out everywhere at once and cannot "
                                  "log in again until an admin enables the account. Their "
                                  "pages and revisions stay.",
         .button = promote ? "Make " + user->name + " an admin" : "Disable " + user->name,
         .action_url = "/_admin/users/" + user->name,
         .cancel_url = "/_admin/users",
         .fields = {{"action", action}}});
  }
  Status done;
  if (action == "promote" || action == "demote") {
    done = ctx.stores.users.SetRole(user->id, action == "promote" ? Role::kAdmin : Role::kUser);
  } else if (action == "disable" || action == "enable") {
    done = ctx.stores.users.SetDisabled(user->id, action == "disable");
    // Sessions of a disabled account are refused anyway (SessionStore::
    // Find); ending them makes re-enabling not revive old logins.
    if (done.ok() && action == "disable") done = ctx.stores.sessions.EndAll(user->id);
  } else {
    return ErrorPage(ctx, 400, "The action must be promote, demote, disable or enable.");
  }
  if (!done.ok()) return ErrorPage(ctx, done);
  // The notice's kinds are the actions' past tenses.
  return SeeOtherWithNotice(req, ctx, "/_admin/users", action + "d");
}

Response SetProtection(const Request& req, Context& ctx, std::string_view rest) {
  auto name = PageName::Parse(rest);
  if (!name.ok()) return ErrorPage(ctx, name.status());
  const std::string& protect = req.FormText("protect");
  if (protect != "0" && protect != "1") {
    return ErrorPage(ctx, 400, "The field 'protect' must be 1 or 0.");
  }
  if (Status s = ctx.writes.SetProtected(*name, protect == "1"); !s.ok()) {
    return ErrorPage(ctx, s);
  }
  return SeeOtherWithNotice(req, ctx, name->UrlPath(),
                            protect == "1" ? "protected" : "unprotected");
}

Response ListMail(const Request& req, Context& ctx, std::string_view) {
  std::optional<int64_t> before;
  if (const std::string* text = req.Query("before")) {
    before = PositiveNumber(*text);
    if (!before) return ErrorPage(ctx, 400, "The parameter 'before' must be a message number.");
  }
  auto window = ctx.stores.outbox.List(before, ctx.site.users_page_size);
  if (!window.ok()) return ErrorPage(ctx, window.status());
  HtmlPage page("Mail to admins", "admin_mail.tpl");
  page.NoIndex();
  FillOutbox(*window, !before, FormToken(req, ctx).token, page.content());
  NoteMailState(ctx, page.content());
  return page.Render(ctx, 200);
}

Response RetryMail(const Request& req, Context& ctx, std::string_view rest) {
  auto id = PositiveNumber(rest);
  if (!id) return ErrorPage(ctx, 404, "There is no such message.");
  if (Status s = ctx.stores.outbox.Retry(*id, ctx.now()); !s.ok()) return ErrorPage(ctx, s);
  return SeeOtherWithNotice(req, ctx, "/_admin/mail", "retried");
}

}  // namespace wikid
