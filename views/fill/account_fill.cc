#include "views/fill/account_fill.h"

#include "views/fill/page_fill.h"
#include "views/base/render.h"

namespace wikid {

void FillAccountForm(const AccountFormState& state,
                     const std::string& csrf_token, bool signup_enabled,
                     ctemplate::TemplateDictionary* d) {
  d->SetValue("CSRF_TOKEN", csrf_token);
  d->SetValue("NAME", state.name);
  d->SetValue("EMAIL", state.email);
  d->SetValue("NEXT", state.next);
  if (!state.error.empty())
    d->SetValueAndShowSection("MESSAGE", state.error, "ERROR");
  d->ShowSection(signup_enabled ? "SIGNUP_ON" : "SIGNUP_OFF");
  std::string next =
      state.next.empty() ? "" : "?next=" + PercentEncodePath(state.next);
  d->SetValue("LOGIN_URL", "/_login" + next);
  if (signup_enabled)
    d->SetValueAndShowSection("SIGNUP_URL", "/_signup" + next, "SIGNUP");
}

void FillProfile(const User& user, const std::string& bio_html,
                 const Contributions& contributions, bool first_window,
                 int window_size, bool own, ctemplate::TemplateDictionary* d) {
  const std::string url = "/_user/" + user.name;
  d->SetValue("SHOWN_NAME", ShownName(user));
  d->SetValue("NAME", user.name);
  d->SetValue("JOINED", FormatTime(user.created_at));
  d->SetIntValue("EDIT_COUNT", static_cast<long>(contributions.edit_count));
  if (user.role == Role::kAdmin) d->ShowSection("ADMIN_ROLE");
  if (user.disabled) d->ShowSection("DISABLED");
  if (!bio_html.empty())
    d->SetValueAndShowSection("BODY_HTML", bio_html, "HAS_BIO");
  if (own) {
    ctemplate::TemplateDictionary* o = d->AddSectionDictionary("OWN");
    o->SetValue("EDIT_URL", url + "/_edit");
    o->SetValue("PASSWORD_URL", url + "/_password");
    o->SetValue("TOKENS_URL", url + "/_tokens");
  }
  FillChangeList(contributions.changes, d);
  if (!first_window) d->SetValueAndShowSection("URL", url, "NEWEST");
  // Revision ids have gaps here (other people's edits), so "older" is
  // offered when the window is full; the next one may be empty.
  if (static_cast<int>(contributions.changes.size()) == window_size) {
    d->SetValueAndShowSection(
        "URL",
        url + "?before=" +
            std::to_string(contributions.changes.back().revision_id),
        "OLDER");
  }
}

void FillProfileForm(const std::string& user_name,
                     const ProfileFormState& state,
                     const std::string& csrf_token,
                     ctemplate::TemplateDictionary* d) {
  d->SetValue("CSRF_TOKEN", csrf_token);
  d->SetValue("ACTION_URL", "/_user/" + user_name + "/_edit");
  d->SetValue("PROFILE_URL", "/_user/" + user_name);
  d->SetValue("DISPLAY_NAME", state.display_name);
  d->SetValue("EMAIL", state.email);
  d->SetValue("BIO", state.bio);
  if (state.watch_created) d->ShowSection("WATCH_CREATED");
  if (!state.error.empty())
    d->SetValueAndShowSection("MESSAGE", state.error, "ERROR");
}

void FillPasswordForm(const std::string& user_name, const std::string& error,
                      const std::string& csrf_token,
                      ctemplate::TemplateDictionary* d) {
  d->SetValue("CSRF_TOKEN", csrf_token);
  d->SetValue("ACTION_URL", "/_user/" + user_name + "/_password");
  d->SetValue("PROFILE_URL", "/_user/" + user_name);
  if (!error.empty()) d->SetValueAndShowSection("MESSAGE", error, "ERROR");
}

void FillOutbox(const OutboxWindow& window, bool first_window,
                const std::string& csrf_token,
                ctemplate::TemplateDictionary* d) {
  if (window.entries.empty() && first_window) d->ShowSection("EMPTY");
  for (const OutboxEntry& e : window.entries) {
    ctemplate::TemplateDictionary* row = d->AddSectionDictionary("MESSAGE");
    row->SetIntValue("ID", static_cast<long>(e.id));
    row->SetValue("CREATED", FormatTime(e.created_at));
    row->SetValue("TO", e.recipient);
    row->SetValue("SUBJECT", e.subject);
    row->SetValue("STATE", e.state);
    row->SetIntValue("ATTEMPTS", static_cast<long>(e.attempts));
    row->SetValue("LAST_ERROR", e.last_error);
    if (e.state == "sent")
      row->SetValueAndShowSection("SENT_AT", FormatTime(e.sent_at), "SENT");
    if (e.state == "queued") {
      row->SetValueAndShowSection("NEXT_AT", FormatTime(e.next_attempt_at),
                                  "QUEUED");
    }
    if (e.state == "failed") {
      ctemplate::TemplateDictionary* failed =
          row->AddSectionDictionary("FAILED");
      failed->SetValue("RETRY_URL",
                       "/_admin/mail/" + std::to_string(e.id) + "/retry");
      failed->SetValue("CSRF_TOKEN", csrf_token);
    }
  }
  if (!first_window) d->ShowSection("NEWEST");
  if (window.more) {
    d->SetValueAndShowSection(
        "URL",
        "/_admin/mail?before=" + std::to_string(window.entries.back().id),
        "OLDER");
  }
}

void FillUserList(const UserList& list, int64_t viewer_id, bool first_window,
                  const std::string& csrf_token,
                  ctemplate::TemplateDictionary* d) {
  for (const User& user : list.users) {
    ctemplate::TemplateDictionary* row = d->AddSectionDictionary("USER");
    row->SetValue("NAME", user.name);
    row->SetValue("PROFILE_URL", "/_user/" + user.name);
    row->SetValue("EMAIL", user.email);
    row->SetValue("ROLE", RoleName(user.role));
    row->SetValue("JOINED", FormatTime(user.created_at));
    row->ShowSection(user.disabled ? "DISABLED" : "ENABLED");
    // Admins do not demote or disable themselves: the wiki would be left
    // without anyone able to undo it from the web.
    if (user.id == viewer_id) {
      row->ShowSection("SELF");
      continue;
    }
    ctemplate::TemplateDictionary* actions =
        row->AddSectionDictionary("ACTIONS");
    actions->SetValue("ACTION_URL", "/_admin/users/" + user.name);
    actions->SetValue("CSRF_TOKEN", csrf_token);
    actions->ShowSection(user.role == Role::kAdmin ? "DEMOTE" : "PROMOTE");
    actions->ShowSection(user.disabled ? "ENABLE" : "DISABLE");
  }
  if (!first_window) d->ShowSection("FIRST");
  if (list.more) {
    d->SetValueAndShowSection(
        "URL", "/_admin/users?after=" + list.users.back().name, "NEXT");
  }
}

void FillTokens(const std::string& user_name,
                const std::vector<ApiTokenInfo>& tokens,
                const TokenPageState& state, const std::string& csrf_token,
                ctemplate::TemplateDictionary* d) {
  const std::string profile = ProfileUrl(user_name);
  d->SetValue("ACTION_URL", profile + "/_tokens");
  d->SetValue("PROFILE_URL", profile);
  d->SetValue("CSRF_TOKEN", csrf_token);
  d->SetIntValue("MAX_LABEL", static_cast<long>(kMaxTokenLabelBytes));
  d->SetValue("TYPED_LABEL", state.typed_label);
  if (!state.error.empty())
    d->SetValueAndShowSection("MESSAGE", state.error, "ERROR");
  if (state.issued) {
    ctemplate::TemplateDictionary* issued = d->AddSectionDictionary("ISSUED");
    issued->SetValue("LABEL", state.issued_label);
    issued->SetValue("TOKEN", state.issued->token);
  }
  if (tokens.empty()) d->ShowSection("NONE");
  for (const ApiTokenInfo& t : tokens) {
    ctemplate::TemplateDictionary* row = d->AddSectionDictionary("TOKEN_ROW");
    row->SetValue("LABEL", t.label);
    row->SetValue("TIME", FormatTime(t.created_at));
    row->SetIntValue("ID", t.id);
  }
}

}  // namespace wikid
