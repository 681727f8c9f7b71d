// Fill functions for the account pages: signup, login, profiles, the
// profile, password and API token forms, and the admins' list of accounts.
#pragma once

#include <ctemplate/template.h>

#include <optional>
#include <string>
#include <vector>

#include "model/store/api_token_store.h"
#include "model/store/outbox.h"
#include "model/store/page_store.h"
#include "model/store/user_store.h"

namespace wikid {

// What the signup and login forms show: the fields as typed (never a
// password), where to go afterwards, and why the form came back.
struct AccountFormState {
  std::string name;
  std::string email;  // signup only
  std::string next;   // the decoded `next` field
  std::string error;  // empty: first showing
};
// signup.tpl and login.tpl.
void FillAccountForm(const AccountFormState& state,
                     const std::string& csrf_token, bool signup_enabled,
                     ctemplate::TemplateDictionary* d);

// profile.tpl: who, since when, how many edits, the bio (rendered), and a
// window of contributions. `own` shows the links to edit the profile.
void FillProfile(const User& user, const std::string& bio_html,
                 const Contributions& contributions, bool first_window,
                 int window_size, bool own, ctemplate::TemplateDictionary* d);

// profile_edit.tpl: the profile fields as stored or as typed.
struct ProfileFormState {
  std::string display_name;
  std::string bio;
  std::string email;
  bool watch_created = true;  // watch the pages I create
  std::string error;
};
void FillProfileForm(const std::string& user_name,
                     const ProfileFormState& state,
                     const std::string& csrf_token,
                     ctemplate::TemplateDictionary* d);

// password.tpl.
void FillPasswordForm(const std::string& user_name, const std::string& error,
                      const std::string& csrf_token,
                      ctemplate::TemplateDictionary* d);

// admin_mail.tpl: one window of the outbox, newest first.
void FillOutbox(const OutboxWindow& window, bool first_window, const std::string& csrf_token,
                ctemplate::TemplateDictionary* d);

// admin_users.tpl: one window of accounts with their actions.
void FillUserList(const UserList& list, int64_t viewer_id, bool first_window,
                  const std::string& csrf_token,
                  ctemplate::TemplateDictionary* d);

// tokens.tpl: the account's API tokens, with a form to make one and one
// to revoke each; `issued`, when set, is a token just made (shown once).
struct TokenPageState {
  std::string error;
  std::string typed_label;              // kept when making one failed
  std::optional<NewApiToken> issued;
  std::string issued_label;
};
void FillTokens(const std::string& user_name, const std::vector<ApiTokenInfo>& tokens,
                const TokenPageState& state, const std::string& csrf_token,
                ctemplate::TemplateDictionary* d);

}  // namespace wikid
