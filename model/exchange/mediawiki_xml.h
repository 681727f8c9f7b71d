// MediaWiki's XML export format (export-0.11, as Special:Export and
// maintenance/dumpBackup.php write it): a streaming writer, for `wikid
// export`, and a streaming reader on expat, for `wikid import`. Both hold
// one revision at a time, so a dump of any size costs the memory of its
// largest revision.
//
//   <mediawiki xmlns="http://www.mediawiki.org/xml/export-0.11/" ...>
//     <siteinfo>...</siteinfo>
//     <page>
//       <title>Main Page</title> <ns>0</ns> <id>1</id>
//       <revision>
//         <id>7</id> <parentid>6</parentid>
//         <timestamp>2026-11-24T19:52:07Z</timestamp>
//         <contributor><username>alice</username></contributor>  (or <ip>)
//         <comment>the summary</comment>
//         <model>markdown</model> <format>text/markdown</format>
//         <text bytes="12" sha1="..." xml:space="preserve">...</text>
//         <sha1>...</sha1>
//       </revision>
//     </page>
//   </mediawiki>
//
// wikid's text is Markdown, which MediaWiki has no content model for:
// wikid writes model "markdown" and format "text/markdown" (RFC 7763's
// media type), so another wiki sees what it is and a MediaWiki without a
// handler for it refuses it instead of showing Markdown as wikitext.
#pragma once

#include <cstdint>
#include <functional>
#include <istream>
#include <ostream>
#include <string>
#include <string_view>

#include "model/base/status.h"

namespace wikid {

inline constexpr char kMarkdownModel[] = "markdown";
inline constexpr char kMarkdownFormat[] = "text/markdown";
inline constexpr char kWikitextModel[] = "wikitext";

// One page as a dump names it.
struct DumpPage {
  std::string title;  // with its namespace's prefix ("Talk:Foo")
  int64_t ns = 0;     // 0: the main namespace
  int64_t id = 0;
};

// One revision as a dump holds it.
struct DumpRevision {
  int64_t id = 0;
  int64_t parent_id = 0;
  int64_t created_at = 0;  // <timestamp>, unix seconds, UTC
  // <contributor>: a <username> (with an <id> when it is an account of
  // the wiki that wrote it), or an <ip>; neither when it was hidden.
  std::string username;
  int64_t user_id = 0;
  std::string ip;
  std::string comment;
  std::string model;   // "" when absent: dumps before 0.8 are wikitext
  std::string format;
  std::string text;
  bool text_hidden = false;  // <text deleted="deleted"/>: the text was suppressed
  std::string sha1;          // base 36, as MediaWiki writes it; "" when absent
  int line = 0;              // where <revision> starts, for messages
};

// MediaWiki's SHA-1 of a text: 31 base-36 digits, leading zeros kept.
std::string MediaWikiSha1(std::string_view text);

// "2026-11-24T19:52:07Z", the form of <timestamp>.
std::string DumpTimestamp(int64_t unix_seconds);

// Writes a dump to `out`, page by page. Errors of the stream show in its
// state (the caller checks it at the end).
class DumpWriter {
 public:
  explicit DumpWriter(std::ostream& out) : out_(out) {}
  // <mediawiki> and <siteinfo> naming the site.
  void Begin(const std::string& site_name, const std::string& generator);
  void BeginPage(const DumpPage& page);
  // Writes `revision` (its model and format as given; sha1 computed).
  void Revision(const DumpRevision& revision);
  void EndPage();
  void End();

 private:
  std::ostream& out_;
};

// What the reader hands on, in the file's order. A handler's failure
// stops the reading and is returned.
struct DumpHandler {
  std::function<Status(const DumpPage& page, const DumpRevision& revision)> revision;
  std::function<Status(const DumpPage& page)> page_end;
  // Bytes of the input read so far (after each block).
  std::function<void(int64_t bytes)> progress;
};

// Reads a dump from `in` with expat, calling `handler` for each revision
// and at the end of each page. Invalid, with a message that names the
// line ("line 42: ..."), when the XML is malformed or cut short, when the
// root is not <mediawiki>, or when a revision has no usable timestamp or
// a text whose length or SHA-1 differs from what its attributes say.
Status ReadDump(std::istream& in, const DumpHandler& handler);

}  // namespace wikid
