#include "model/exchange/mediawiki_xml.h"

#include <expat.h>

#include <array>
#include <charconv>
#include <cstdio>
#include <ctime>
#include <memory>
#include <optional>
#include <vector>

#include "model/text/characters.h"

namespace wikid {

// --- SHA-1, in MediaWiki's base 36 ----------------------------------------

namespace {

// FIPS 180-4's SHA-1: MediaWiki names texts by it (rev_sha1). Only a
// checksum here, never a security boundary, so a plain implementation
// suffices (libsodium has none).
std::array<uint8_t, 20> Sha1(std::string_view data) {
  uint32_t h[5] = {0x67452301, 0xEFCDAB89, 0x98BADCFE, 0x10325476, 0xC3D2E1F0};
  auto rotl = [](uint32_t x, int n) { return (x << n) | (x >> (32 - n)); };
  auto block = [&](const uint8_t* p) {
    uint32_t w[80];
    for (int i = 0; i < 16; ++i) {
      w[i] = uint32_t{p[4 * i]} << 24 | uint32_t{p[4 * i + 1]} << 16 |
             uint32_t{p[4 * i + 2]} << 8 | uint32_t{p[4 * i + 3]};
    }
    for (int i = 16; i < 80; ++i) w[i] = rotl(w[i - 3] ^ w[i - 8] ^ w[i - 14] ^ w[i - 16], 1);
    uint32_t a = h[0], b = h[1], c = h[2], d = h[3], e = h[4];
    for (int i = 0; i < 80; ++i) {
      uint32_t f, k;
      if (i < 20) {
        f = (b & c) | (~b & d), k = 0x5A827999;
      } else if (i < 40) {
        f = b ^ c ^ d, k = 0x6ED9EBA1;
      } else if (i < 60) {
        f = (b & c) | (b & d) | (c & d), k = 0x8F1BBCDC;
      } else {
        f = b ^ c ^ d, k = 0xCA62C1D6;
      }
      const uint32_t t = rotl(a, 5) + f + e + k + w[i];
      e = d, d = c, c = rotl(b, 30), b = a, a = t;
    }
    h[0] += a, h[1] += b, h[2] += c, h[3] += d, h[4] += e;
  };
  const auto* bytes = reinterpret_cast<const uint8_t*>(data.data());
  size_t whole = data.size() / 64 * 64;
  for (size_t i = 0; i < whole; i += 64) block(bytes + i);
  uint8_t tail[128] = {};
  const size_t rest = data.size() - whole;
  for (size_t i = 0; i < rest; ++i) tail[i] = bytes[whole + i];
  tail[rest] = 0x80;
  const size_t tail_size = rest < 56 ? 64 : 128;
  const uint64_t bits = static_cast<uint64_t>(data.size()) * 8;
  for (int i = 0; i < 8; ++i) tail[tail_size - 1 - i] = static_cast<uint8_t>(bits >> (8 * i));
  block(tail);
  if (tail_size == 128) block(tail + 64);
  std::array<uint8_t, 20> digest;
  for (int i = 0; i < 5; ++i) {
    for (int j = 0; j < 4; ++j) digest[4 * i + j] = static_cast<uint8_t>(h[i] >> (24 - 8 * j));
  }
  return digest;
}

}  // namespace

std::string MediaWikiSha1(std::string_view text) {
  // Wikimedia\base_convert($sha1, 16, 36, 31): the 160-bit number in base
  // 36, lower case, padded to 31 digits.
  std::array<uint8_t, 20> n = Sha1(text);
  std::string digits;
  for (int i = 0; i < 31; ++i) {
    uint32_t remainder = 0;
    for (uint8_t& byte : n) {
      const uint32_t value = remainder << 8 | byte;
      byte = static_cast<uint8_t>(value / 36);
      remainder = value % 36;
    }
    digits.insert(digits.begin(), "0123456789abcdefghijklmnopqrstuvwxyz"[remainder]);
  }
  return digits;
}

std::string DumpTimestamp(int64_t unix_seconds) {
  const time_t t = static_cast<time_t>(unix_seconds);
  struct tm utc;
  gmtime_r(&t, &utc);
  char text[32];
  strftime(text, sizeof text, "%Y-%m-%dT%H:%M:%SZ", &utc);
  return text;
}

// --- Writing --------------------------------------------------------------

namespace {

// `text` as XML character data (or an attribute value): the characters
// XML cannot hold at all made U+FFFD first (characters.h; saves refuse
// them, so only text written around the forms has any), and a carriage
// return as a reference, since a parser reads a raw one as a line feed.
std::string Escape(std::string_view text) {
  const std::string safe = XmlSafe(text);
  std::string out;
  out.reserve(safe.size() + safe.size() / 16);
  for (char c : safe) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\r': out += "&#13;"; break;
      default: out += c;
    }
  }
  return out;
}

}  // namespace

void DumpWriter::Begin(const std::string& site_name, const std::string& generator) {
  out_ << "<mediawiki xmlns=\"http://www.mediawiki.org/xml/export-0.11/\" "
          "xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\" "
          "xsi:schemaLocation=\"http://www.mediawiki.org/xml/export-0.11/ "
          "http://www.mediawiki.org/xml/export-0.11.xsd\" version=\"0.11\" xml:lang=\"en\">\n"
       << "  <siteinfo>\n"
       << "    <sitename>" << Escape(site_name) << "</sitename>\n"
       << "    <generator>" << Escape(generator) << "</generator>\n"
       << "    <case>case-sensitive</case>\n"
       << "    <namespaces>\n"
       << "      <namespace key=\"0\" case=\"case-sensitive\" />\n"
       << "    </namespaces>\n"
       << "  </siteinfo>\n";
}

void DumpWriter::BeginPage(const DumpPage& page) {
  out_ << "  <page>\n"
       << "    <title>" << Escape(page.title) << "</title>\n"
       << "    <ns>" << page.ns << "</ns>\n"
       << "    <id>" << page.id << "</id>\n";
}

void DumpWriter::Revision(const DumpRevision& r) {
  const std::string sha1 = MediaWikiSha1(r.text);
  out_ << "    <revision>\n"
       << "      <id>" << r.id << "</id>\n";
  if (r.parent_id != 0) out_ << "      <parentid>" << r.parent_id << "</parentid>\n";
  out_ << "      <timestamp>" << DumpTimestamp(r.created_at) << "</timestamp>\n"
       << "      <contributor>\n";
  if (!r.ip.empty()) {
    out_ << "        <ip>" << Escape(r.ip) << "</ip>\n";
  } else {
    out_ << "        <username>" << Escape(r.username) << "</username>\n";
    if (r.user_id != 0) out_ << "        <id>" << r.user_id << "</id>\n";
  }
  out_ << "      </contributor>\n";
  if (!r.comment.empty()) out_ << "      <comment>" << Escape(r.comment) << "</comment>\n";
  out_ << "      <model>" << Escape(r.model) << "</model>\n"
       << "      <format>" << Escape(r.format) << "</format>\n"
       << "      <text bytes=\"" << r.text.size() << "\" sha1=\"" << sha1
       << "\" xml:space=\"preserve\">" << Escape(r.text) << "</text>\n"
       << "      <sha1>" << sha1 << "</sha1>\n"
       << "    </revision>\n";
}

void DumpWriter::EndPage() { out_ << "  </page>\n"; }

void DumpWriter::End() { out_ << "</mediawiki>\n"; }

// --- Reading --------------------------------------------------------------

namespace {

// "2001-01-15T13:15:00Z" as unix seconds; nullopt if it is not that form.
std::optional<int64_t> ParseTimestamp(const std::string& text) {
  int y, mo, d, h, mi, s;
  char z = 0;
  int used = 0;
  if (std::sscanf(text.c_str(), "%4d-%2d-%2dT%2d:%2d:%2d%c%n", &y, &mo, &d, &h, &mi, &s, &z,
                  &used) != 7 ||
      z != 'Z' || used != static_cast<int>(text.size()) || mo < 1 || mo > 12 || d < 1 ||
      d > 31 || h > 23 || mi > 59 || s > 60) {
    return std::nullopt;
  }
  struct tm utc = {};
  utc.tm_year = y - 1900, utc.tm_mon = mo - 1, utc.tm_mday = d;
  utc.tm_hour = h, utc.tm_min = mi, utc.tm_sec = s;
  return static_cast<int64_t>(timegm(&utc));
}

std::optional<int64_t> ParseNumber(const std::string& text) {
  int64_t value = 0;
  auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (error != std::errc() || end != text.data() + text.size()) return std::nullopt;
  return value;
}

const char* Attribute(const XML_Char** attributes, const char* name) {
  for (int i = 0; attributes[i] != nullptr; i += 2) {
    if (std::string_view(attributes[i]) == name) return attributes[i + 1];
  }
  return nullptr;
}

// The parse, as expat's callbacks see it. Depth counts open elements:
// <mediawiki> 1, <page> 2, <title> and <revision> 3, a revision's fields
// 4, a contributor's 5.
class DumpReader {
 public:
  explicit DumpReader(const DumpHandler& handler) : handler_(handler) {}

  Status Read(std::istream& in) {
    std::unique_ptr<XML_ParserStruct, decltype(&XML_ParserFree)> parser(
        XML_ParserCreate("UTF-8"), XML_ParserFree);
    if (!parser) return Status::Unavailable("cannot make an XML parser");
    parser_ = parser.get();
    XML_SetUserData(parser_, this);
    XML_SetElementHandler(parser_, &DumpReader::OnStart, &DumpReader::OnEnd);
    XML_SetCharacterDataHandler(parser_, &DumpReader::OnChars);
    std::vector<char> buffer(1 << 16);
    int64_t bytes = 0;
    while (true) {
      in.read(buffer.data(), static_cast<std::streamsize>(buffer.size()));
      const std::streamsize got = in.gcount();
      if (in.bad()) return Status::Unavailable("cannot read the file");
      const bool last = got < static_cast<std::streamsize>(buffer.size());
      if (XML_Parse(parser_, buffer.data(), static_cast<int>(got), last) != XML_STATUS_OK) {
        if (!failure_.ok()) return failure_;
        return Malformed(last);
      }
      if (!failure_.ok()) return failure_;
      bytes += got;
      if (handler_.progress) handler_.progress(bytes);
      if (last) break;
    }
    return Status::Ok();
  }

 private:
  static void OnStart(void* self, const XML_Char* name, const XML_Char** attributes) {
    static_cast<DumpReader*>(self)->Start(name, attributes);
  }
  static void OnEnd(void* self, const XML_Char* name) {
    static_cast<DumpReader*>(self)->End(name);
  }
  static void OnChars(void* self, const XML_Char* text, int length) {
    auto* reader = static_cast<DumpReader*>(self);
    if (reader->capture_) reader->chars_.append(text, static_cast<size_t>(length));
  }

  int Line() const { return static_cast<int>(XML_GetCurrentLineNumber(parser_)); }

  void Fail(Status status) {
    if (failure_.ok()) failure_ = std::move(status);
    XML_StopParser(parser_, XML_FALSE);
  }
  void Fail(int line, const std::string& message) {
    Fail(Status::Invalid("line " + std::to_string(line) + ": " + message));
  }

  Status Malformed(bool last) {
    const XML_Error code = XML_GetErrorCode(parser_);
    const std::string where = "line " + std::to_string(XML_GetCurrentLineNumber(parser_)) +
                              ", column " +
                              std::to_string(XML_GetCurrentColumnNumber(parser_) + 1) + ": ";
    const std::string expat = XML_ErrorString(code);
    if (last && (code == XML_ERROR_NO_ELEMENTS || code == XML_ERROR_UNCLOSED_TOKEN ||
                 code == XML_ERROR_PARTIAL_CHAR || code == XML_ERROR_UNCLOSED_CDATA_SECTION)) {
      return Status::Invalid(where + "the file ends inside the XML (" + expat +
                             "): it was cut short");
    }
    return Status::Invalid(where + "malformed XML (" + expat + ")");
  }

  void Start(const std::string& name, const XML_Char** attributes) {
    ++depth_;
    chars_.clear();
    capture_ = false;
    if (depth_ == 1) {
      if (name != "mediawiki") {
        Fail(Line(), "the document is <" + name + ">, not <mediawiki>: not a MediaWiki dump");
      }
      return;
    }
    if (depth_ == 2) {
      in_page_ = name == "page";
      if (in_page_) page_ = DumpPage{};
      return;
    }
    if (!in_page_) return;
    if (depth_ == 3) {
      in_revision_ = name == "revision";
      if (in_revision_) {
        revision_ = DumpRevision{};
        revision_.line = Line();
        has_timestamp_ = false;
        text_bytes_ = -1;
        text_sha1_.clear();
      }
      capture_ = name == "title" || name == "ns" || name == "id";
      return;
    }
    if (!in_revision_) return;
    if (depth_ == 4) {
      if (name == "text") {
        const char* deleted = Attribute(attributes, "deleted");
        revision_.text_hidden = deleted != nullptr;
        if (const char* bytes = Attribute(attributes, "bytes")) {
          text_bytes_ = ParseNumber(bytes).value_or(-2);
        }
        if (const char* sha1 = Attribute(attributes, "sha1")) text_sha1_ = sha1;
      }
      capture_ = name == "id" || name == "parentid" || name == "timestamp" ||
                 name == "comment" || name == "model" || name == "format" || name == "text" ||
                 name == "sha1";
      in_contributor_ = name == "contributor";
      return;
    }
    if (depth_ == 5 && in_contributor_) {
      capture_ = name == "username" || name == "id" || name == "ip";
    }
  }

  void End(const std::string& name) {
    const int depth = depth_--;
    std::string value = std::move(chars_);
    chars_.clear();
    const bool captured = capture_;
    capture_ = false;
    if (!in_page_ || !failure_.ok()) return;
    if (depth == 2) {
      in_page_ = false;
      if (handler_.page_end) {
        if (Status s = handler_.page_end(page_); !s.ok()) Fail(std::move(s));
      }
      return;
    }
    if (depth == 3 && !in_revision_) {
      if (!captured) return;
      if (name == "title") {
        page_.title = std::move(value);
      } else if (name == "ns" || name == "id") {
        auto number = ParseNumber(value);
        if (!number) return Fail(Line(), "<" + name + "> is not a number: " + value);
        (name == "ns" ? page_.ns : page_.id) = *number;
      }
      return;
    }
    if (depth == 3 && in_revision_) {
      in_revision_ = false;
      FinishRevision();
      return;
    }
    if (depth == 4 && name == "contributor") {
      in_contributor_ = false;
      return;
    }
    if (!captured) return;
    if (depth == 5) {
      if (name == "username") {
        revision_.username = std::move(value);
      } else if (name == "ip") {
        revision_.ip = std::move(value);
      } else if (name == "id") {
        revision_.user_id = ParseNumber(value).value_or(0);
      }
      return;
    }
    if (name == "id" || name == "parentid") {
      auto number = ParseNumber(value);
      if (!number) return Fail(Line(), "<" + name + "> is not a number: " + value);
      (name == "id" ? revision_.id : revision_.parent_id) = *number;
    } else if (name == "timestamp") {
      auto at = ParseTimestamp(value);
      if (!at) {
        return Fail(Line(), "<timestamp> is not a time such as 2001-01-15T13:15:00Z: " + value);
      }
      revision_.created_at = *at;
      has_timestamp_ = true;
    } else if (name == "comment") {
      revision_.comment = std::move(value);
    } else if (name == "model") {
      revision_.model = std::move(value);
    } else if (name == "format") {
      revision_.format = std::move(value);
    } else if (name == "text") {
      revision_.text = std::move(value);
    } else if (name == "sha1") {
      revision_.sha1 = std::move(value);
    }
  }

  // The checks a revision must pass, then the handler.
  void FinishRevision() {
    const int line = revision_.line;
    const std::string which = "the revision of \"" + page_.title + "\" starting here";
    if (page_.title.empty()) return Fail(line, "a revision of a page without a <title>");
    if (!has_timestamp_) return Fail(line, which + " has no <timestamp>");
    if (!revision_.text_hidden) {
      if (text_bytes_ == -2 ||
          (text_bytes_ >= 0 && text_bytes_ != static_cast<int64_t>(revision_.text.size()))) {
        return Fail(line, which + " holds " + std::to_string(revision_.text.size()) +
                              " bytes of text where its bytes attribute says otherwise");
      }
      // Both <text sha1> and <sha1> name the text (a revision of one
      // slot, as every dump of pages has): each given must match it.
      if (!text_sha1_.empty() || !revision_.sha1.empty()) {
        const std::string sha1 = MediaWikiSha1(revision_.text);
        if ((!text_sha1_.empty() && text_sha1_ != sha1) ||
            (!revision_.sha1.empty() && revision_.sha1 != sha1)) {
          return Fail(line, which + " has a text whose SHA-1 is not the one the file gives");
        }
      }
    }
    if (handler_.revision) {
      if (Status s = handler_.revision(page_, revision_); !s.ok()) {
        if (s.IsInvalid()) return Fail(line, s.message());
        return Fail(std::move(s));
      }
    }
  }

  const DumpHandler& handler_;
  XML_Parser parser_ = nullptr;
  Status failure_;
  int depth_ = 0;
  bool capture_ = false;
  std::string chars_;
  bool in_page_ = false, in_revision_ = false, in_contributor_ = false;
  DumpPage page_;
  DumpRevision revision_;
  bool has_timestamp_ = false;
  int64_t text_bytes_ = -1;  // -1: not given; -2: not a number
  std::string text_sha1_;
};

}  // namespace

Status ReadDump(std::istream& in, const DumpHandler& handler) {
  DumpReader reader(handler);
  return reader.Read(in);
}

}  // namespace wikid
