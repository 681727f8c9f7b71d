// Fill function for Atom 1.0 feeds (RFC 4287) of recent changes and of
// one page's history (feed.atom.tpl).
#pragma once

#include <ctemplate/template.h>

#include <string>
#include <vector>

#include "model/store/page_store.h"

namespace wikid {

// What a feed is about. URLs are absolute: feed readers resolve nothing.
struct FeedHeader {
  std::string id;  // permanent: a tag: URI (FeedIds)
  std::string title;
  std::string self_url;   // the feed's own address
  std::string html_url;   // the page it is the feed of
  std::string site_name;  // the feed's author
  int64_t now = 0;        // `updated` when there is no entry
};

// Stable ids, tag: URIs (RFC 4151) under the host of `public_url`, so an
// entry keeps its id whatever the feed's address or the page's name later.
struct FeedIds {
  explicit FeedIds(const std::string& public_url);
  std::string Feed(const std::string& what) const;  // "recent", "page/12"
  std::string Revision(int64_t revision_id) const;

 private:
  std::string prefix_;  // "tag:HOST,2026:"
};

// feed.atom.tpl: one entry per change, newest first, each linking to its
// diff. `public_url` has no '/' at the end.
void FillFeed(const FeedHeader& header, const std::vector<Change>& changes,
              const FeedIds& ids, const std::string& public_url,
              ctemplate::TemplateDictionary* d);

}  // namespace wikid
