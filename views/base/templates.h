// Templates: ctemplate files in one directory, expanded into a buffer.
//
// Every template starts with {{%AUTOESCAPE context="HTML"}} (a test checks
// it), so every variable is escaped for where it appears. Expansion goes
// into a string and is used only when it succeeds: a failed expansion
// leaves partial output behind.
//
// In development mode every request first reloads templates whose file
// changed (ctemplate compares whole-second mtimes, so an edit within the
// same second as the last load waits for the next one). Otherwise templates
// are loaded once per worker and never looked at again.
//
// ctemplate keeps its template cache in a process-wide global; there is
// one Templates per worker, wrapping it.
#pragma once

#include <ctemplate/template.h>

#include <map>
#include <string>

#include "model/base/status.h"

namespace wikid {

class Templates {
 public:
  Templates(std::string root_dir, bool dev_mode);

  // Loads and parses every template, and reads the texts (help.md), so a
  // broken or missing one fails at start-up instead of on some later
  // request.
  Status LoadAll();

  // Called at the start of each request: reloads changed files in dev mode.
  void BeforeRequest();

  // True in development mode: templates may change under any request, so
  // nothing rendered with them may be kept.
  bool reloads() const { return dev_mode_; }

  // Expands the template `name` (a file in the root directory) with `dict`.
  Result<std::string> Expand(const std::string& name,
                             const ctemplate::TemplateDictionary& dict) const;

  // A text shipped beside the templates (the editing help, help.md): read
  // on first use and kept, or read again on every call in development
  // mode. Internal if it cannot be read.
  Result<std::string> Text(const std::string& name);

  // The stylesheet's address for the layout: /_static/v/HASH/style.css,
  // HASH a digest of static/style.css beside the template directory (where
  // nginx serves it from: scripts/nginx-config), read by LoadAll. A new
  // stylesheet gets a new address, so browsers, which may keep it for a
  // year (nginx/wikid.conf), never pair these templates with an older one.
  // "/_static/style.css" (kept a day) in development mode, or when the
  // file cannot be read.
  const std::string& StyleUrl() const { return style_url_; }

 private:
  std::string root_dir_;
  std::string style_url_ = "/_static/style.css";
  bool dev_mode_;
  std::map<std::string, std::string> texts_;  // read so far, by name
};

}  // namespace wikid
