// PageName: a validated, canonical wiki page title.
//
// A page is named by UTF-8 text. Two spellings of one name (NFC and NFD
// forms, underscores for spaces) must reach the same page, and a name that
// could be confused with a path trick or hide invisible characters must
// never become a page. Parse() is the only way to make a PageName, so every
// PageName in the program obeys the rules below.
#pragma once

#include <string>
#include <string_view>

#include "model/base/status.h"

namespace wikid {

class PageName {
 public:
  // Longest canonical title, in bytes after normalisation.
  static constexpr size_t kMaxBytes = 200;

  // Validates `text` (already percent-decoded) and returns its canonical
  // form, or Invalid with a message naming the rule that was broken, e.g.
  // "A page name must not contain '//'." The rules, in order:
  //  - valid UTF-8 (no overlong forms, no surrogates);
  //  - normalised to NFC, then every '_' becomes a space and runs of
  //    spaces become one;
  //  - not empty; not starting with '_' (reserved for the wiki's own
  //    pages); not starting or ending with a space;
  //  - no control, format, surrogate, private-use or unassigned characters
  //    (Unicode categories Cc Cf Cs Co Cn) and no U+FFFD;
  //  - none of  # < > [ ] | { }  (they mean something in links);
  //  - no '/' at either end, no '//', and no '.' or '..' path segment;
  //  - at most kMaxBytes bytes.
  // Case is preserved: "Foo" is shown as typed. But names that differ
  // only in letter case share one key (PageKey) and name one page: links,
  // addresses and searches find it by either.
  static Result<PageName> Parse(std::string_view text);

  // The canonical title, for display and storage: "Main Page".
  const std::string& title() const { return title_; }

  // The URL path of the page, percent-encoded and ready for an href:
  // "/Main_Page", "/Caf%C3%A9", "/a/b". Spaces become '_'; '/' stays.
  std::string UrlPath() const;

  // The same name in URL form without the leading '/' and unescaped:
  // "Main_Page". For building other routes ("/_edit/" + ...), encode with
  // UrlPath()'s rules instead; this is for display in forms.
  std::string UrlName() const;

  friend bool operator==(const PageName& a, const PageName& b) {
    return a.title_ == b.title_;
  }

 private:
  explicit PageName(std::string title) : title_(std::move(title)) {}
  std::string title_;
};

// The key of a page name when letter case does not matter: the title
// with Unicode's simple case folding (each code point to one), in NFC
// ("Ärger" and "ÄRGER" are "ärger"; "ΟΔΟΣ" and "οδος", with its final
// sigma, are one), so that a link, an address or a search typed in another case finds the
// page. Simple, not full, folding: names that differ only in case are
// one page, and "Maße" and "Masse" differ in more than case. The whole title is folded, not
// only its first letter (MediaWiki's rule): wiki titles are typed in
// title case or not at random ("Getting started", "Getting Started"), and
// the page list already sorts ignoring case. Input that is not UTF-8 is
// its own key.
std::string PageKey(std::string_view title);

// The URL path of a title read back from storage. Saved titles were
// validated, so this only re-derives the path; "/" if `title` is somehow
// not a valid name.
std::string UrlPathOfTitle(const std::string& title);

// Percent-encodes `text` for use in a URL path: keeps A-Z a-z 0-9 and
// - . _ ~ / ! $ ' ( ) * , ; : @ and encodes every other byte as %XX.
std::string PercentEncodePath(std::string_view text);

// Percent-encodes every byte of `text` but A-Z a-z 0-9 and those in
// `keep`, as %XX (upper-case hex digits).
std::string PercentEncode(std::string_view text, std::string_view keep);

}  // namespace wikid
