#include "model/media/media.h"

#include <algorithm>
#include <array>
#include <vector>

namespace wikid {
namespace {

// How much of a text is searched for markup: enough for any document's
// head, and a bounded cost whatever the size of the upload.
constexpr size_t kMarkupWindow = 64 << 10;

uint32_t Byte(std::string_view b, size_t i) { return static_cast<unsigned char>(b[i]); }
uint32_t BigEndian16(std::string_view b, size_t i) { return Byte(b, i) << 8 | Byte(b, i + 1); }
uint32_t LittleEndian16(std::string_view b, size_t i) { return Byte(b, i) | Byte(b, i + 1) << 8; }
uint32_t LittleEndian24(std::string_view b, size_t i) {
  return Byte(b, i) | Byte(b, i + 1) << 8 | Byte(b, i + 2) << 16;
}
uint32_t BigEndian32(std::string_view b, size_t i) {
  return BigEndian16(b, i) << 16 | BigEndian16(b, i + 2);
}

std::string Lowered(std::string_view text) {
  std::string out(text);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return out;
}

// Valid UTF-8 with no control characters but tab, line feed, form feed
// and carriage return (and no NUL): text a person wrote.
bool IsPlainText(std::string_view bytes) {
  size_t i = 0;
  while (i < bytes.size()) {
    const uint32_t c = Byte(bytes, i);
    if (c < 0x80) {
      if ((c < 0x20 && c != '\t' && c != '\n' && c != '\f' && c != '\r') || c == 0x7f) {
        return false;
      }
      ++i;
      continue;
    }
    // The length of the sequence, and the least code point it may hold
    // (no overlong forms), as RFC 3629 says.
    size_t length = 0;
    uint32_t code = 0, least = 0;
    if ((c & 0xe0) == 0xc0) {
      length = 2, code = c & 0x1f, least = 0x80;
    } else if ((c & 0xf0) == 0xe0) {
      length = 3, code = c & 0x0f, least = 0x800;
    } else if ((c & 0xf8) == 0xf0) {
      length = 4, code = c & 0x07, least = 0x10000;
    } else {
      return false;
    }
    if (i + length > bytes.size()) return false;
    for (size_t k = 1; k < length; ++k) {
      const uint32_t next = Byte(bytes, i + k);
      if ((next & 0xc0) != 0x80) return false;
      code = code << 6 | (next & 0x3f);
    }
    if (code < least || code > 0x10ffff || (code >= 0xd800 && code <= 0xdfff)) return false;
    i += length;
  }
  return true;
}

// Markup's kind: SVG, HTML, other XML, or none (plain text that happens
// to start with '<').
std::optional<MediaKind> MarkupKind(std::string_view start) {
  const std::string text = Lowered(start.substr(0, kMarkupWindow));
  if (text.find("<svg") != std::string::npos) return MediaKind::kSvg;
  // The WHATWG sniffing standard's HTML patterns at the start (a tag name
  // then a space or '>'), and the tags that make any markup a document
  // with script, wherever they are.
  static constexpr std::array<std::string_view, 17> kStarts = {
      "<!doctype html", "<html", "<head", "<script", "<iframe", "<h1", "<div", "<font",
      "<table", "<a", "<style", "<title", "<b", "<body", "<br", "<p", "<!--"};
  for (std::string_view tag : kStarts) {
    if (!text.starts_with(tag)) continue;
    if (tag == "<!--" || text.size() == tag.size()) return MediaKind::kHtml;
    const char after = text[tag.size()];
    if (after == ' ' || after == '>' || after == '\t' || after == '\n' || after == '\r' ||
        after == '\f') {
      return MediaKind::kHtml;
    }
  }
  for (std::string_view tag : {"<html", "<script", "<body", "<iframe"}) {
    if (text.find(tag) != std::string::npos) return MediaKind::kHtml;
  }
  if (text.starts_with("<?xml")) return MediaKind::kXml;
  return std::nullopt;
}

std::optional<ImageSize> PngSize(std::string_view b) {
  // Signature (8), then the first chunk, which must be IHDR: length (4),
  // type (4), width (4), height (4), big-endian.
  if (b.size() < 24 || b.substr(12, 4) != "IHDR") return std::nullopt;
  return ImageSize{BigEndian32(b, 16), BigEndian32(b, 20)};
}

std::optional<ImageSize> GifSize(std::string_view b) {
  // The logical screen's width and height follow the signature.
  if (b.size() < 10) return std::nullopt;
  return ImageSize{LittleEndian16(b, 6), LittleEndian16(b, 8)};
}

// A start-of-frame marker: C0-CF but DHT (C4), JPG (C8) and DAC (CC).
bool IsStartOfFrame(uint32_t marker) {
  return marker >= 0xc0 && marker <= 0xcf && marker != 0xc4 && marker != 0xc8 &&
         marker != 0xcc;
}

std::optional<ImageSize> JpegSize(std::string_view b) {
  // Walks the segments from after SOI to the first start-of-frame, each
  // step past one segment's declared length: linear in the header.
  size_t at = 2;
  while (at < b.size()) {
    if (Byte(b, at) != 0xff) return std::nullopt;
    while (at < b.size() && Byte(b, at) == 0xff) ++at;  // fill bytes
    if (at >= b.size()) return std::nullopt;
    const uint32_t marker = Byte(b, at++);
    if (marker == 0x01 || marker == 0xd8 || (marker >= 0xd0 && marker <= 0xd7)) continue;
    if (marker == 0xd9 || marker == 0xda) return std::nullopt;  // no frame before data
    if (at + 2 > b.size()) return std::nullopt;
    const uint32_t length = BigEndian16(b, at);
    if (length < 2) return std::nullopt;
    if (IsStartOfFrame(marker)) {
      // Length (2), precision (1), height (2), width (2).
      if (at + 7 > b.size()) return std::nullopt;
      return ImageSize{BigEndian16(b, at + 5), BigEndian16(b, at + 3)};
    }
    at += length;
  }
  return std::nullopt;
}

std::optional<ImageSize> WebpSize(std::string_view b) {
  // "RIFF", size, "WEBP", then the first chunk's four-character code.
  if (b.size() < 30) return std::nullopt;
  const std::string_view chunk = b.substr(12, 4);
  if (chunk == "VP8 ") {
    // A lossy frame: its start code, then 14-bit width and height.
    if (Byte(b, 23) != 0x9d || Byte(b, 24) != 0x01 || Byte(b, 25) != 0x2a) return std::nullopt;
    return ImageSize{LittleEndian16(b, 26) & 0x3fff, LittleEndian16(b, 28) & 0x3fff};
  }
  if (chunk == "VP8L") {
    // A lossless stream: its signature, then width-1 and height-1 in 14
    // bits each.
    if (Byte(b, 20) != 0x2f) return std::nullopt;
    const uint32_t bits = Byte(b, 21) | Byte(b, 22) << 8 | Byte(b, 23) << 16 | Byte(b, 24) << 24;
    return ImageSize{(bits & 0x3fff) + 1, ((bits >> 14) & 0x3fff) + 1};
  }
  if (chunk == "VP8X") {
    // The extended format's canvas: width-1 and height-1 in 24 bits each.
    return ImageSize{LittleEndian24(b, 24) + int64_t{1}, LittleEndian24(b, 27) + int64_t{1}};
  }
  return std::nullopt;
}

// The extensions a kind's files must have (and only its files may).
std::vector<std::string_view> ExtensionsOf(MediaKind kind) {
  switch (kind) {
    case MediaKind::kPng: return {"png"};
    case MediaKind::kJpeg: return {"jpg", "jpeg", "jpe", "jfif"};
    case MediaKind::kGif: return {"gif"};
    case MediaKind::kWebp: return {"webp"};
    case MediaKind::kPdf: return {"pdf"};
    case MediaKind::kSvg: return {"svg"};
    default: return {};
  }
}

const char* KindName(MediaKind kind) {
  switch (kind) {
    case MediaKind::kPng: return "a PNG image";
    case MediaKind::kJpeg: return "a JPEG image";
    case MediaKind::kGif: return "a GIF image";
    case MediaKind::kWebp: return "a WebP image";
    case MediaKind::kPdf: return "a PDF document";
    case MediaKind::kSvg: return "an SVG drawing";
    case MediaKind::kHtml: return "HTML";
    case MediaKind::kXml: return "XML";
    case MediaKind::kText: return "text";
    case MediaKind::kBinary: return "of no kind this wiki knows";
  }
  return "";
}

constexpr MediaKind kNamedKinds[] = {MediaKind::kPng, MediaKind::kJpeg, MediaKind::kGif,
                                     MediaKind::kWebp, MediaKind::kPdf, MediaKind::kSvg};

}  // namespace

MediaKind SniffMedia(std::string_view bytes) {
  if (bytes.starts_with("\x89PNG\r\n\x1a\n")) return MediaKind::kPng;
  if (bytes.starts_with("\xff\xd8\xff")) return MediaKind::kJpeg;
  if (bytes.starts_with("GIF87a") || bytes.starts_with("GIF89a")) return MediaKind::kGif;
  if (bytes.size() >= 12 && bytes.starts_with("RIFF") && bytes.substr(8, 4) == "WEBP") {
    return MediaKind::kWebp;
  }
  if (bytes.starts_with("%PDF-")) return MediaKind::kPdf;
  // Markup may follow a byte-order mark and white space.
  std::string_view start = bytes;
  if (start.starts_with("\xef\xbb\xbf")) start.remove_prefix(3);
  while (!start.empty() && std::string_view(" \t\n\r\f").find(start.front()) !=
                               std::string_view::npos) {
    start.remove_prefix(1);
  }
  if (start.starts_with("<")) {
    if (auto markup = MarkupKind(start)) return *markup;
  }
  return IsPlainText(bytes) ? MediaKind::kText : MediaKind::kBinary;
}

const char* ContentTypeOf(MediaKind kind) {
  switch (kind) {
    case MediaKind::kPng: return "image/png";
    case MediaKind::kJpeg: return "image/jpeg";
    case MediaKind::kGif: return "image/gif";
    case MediaKind::kWebp: return "image/webp";
    case MediaKind::kPdf: return "application/pdf";
    case MediaKind::kSvg: return "image/svg+xml";
    case MediaKind::kHtml: return "text/html";
    case MediaKind::kXml: return "application/xml";
    case MediaKind::kText: return "text/plain; charset=utf-8";
    case MediaKind::kBinary: return "application/octet-stream";
  }
  return "application/octet-stream";
}

bool ServedInline(std::string_view content_type) {
  return content_type == "image/png" || content_type == "image/jpeg" ||
         content_type == "image/gif" || content_type == "image/webp";
}

std::optional<ImageSize> ReadImageSize(MediaKind kind, std::string_view bytes) {
  switch (kind) {
    case MediaKind::kPng: return PngSize(bytes);
    case MediaKind::kJpeg: return JpegSize(bytes);
    case MediaKind::kGif: return GifSize(bytes);
    case MediaKind::kWebp: return WebpSize(bytes);
    default: return std::nullopt;
  }
}

Result<MediaInfo> InspectUpload(std::string_view bytes, const FileName& name,
                                int64_t max_pixels) {
  const MediaKind kind = SniffMedia(bytes);
  if (kind == MediaKind::kHtml) {
    return Status::Unsupported(
        "This file is HTML, which this wiki does not take: served from the wiki's "
        "address it could run scripts as the wiki. Write it as a wiki page instead.");
  }
  const std::string& extension = name.extension();
  const auto expected = ExtensionsOf(kind);
  if (!expected.empty() &&
      std::find(expected.begin(), expected.end(), extension) == expected.end()) {
    return Status::Invalid("The file is " + std::string(KindName(kind)) +
                           ", but its name ends in ." + extension + ": name it ." +
                           std::string(expected.front()) + ".");
  }
  for (MediaKind named : kNamedKinds) {
    const auto claimed = ExtensionsOf(named);
    if (named != kind && std::find(claimed.begin(), claimed.end(), extension) != claimed.end()) {
      return Status::Invalid("The file's name ends in ." + extension + ", but it is not " +
                             KindName(named) + " (it is " + KindName(kind) + ").");
    }
  }
  MediaInfo info{.kind = kind, .content_type = ContentTypeOf(kind)};
  if (ServedInline(info.content_type)) {
    auto size = ReadImageSize(kind, bytes);
    if (!size || size->width <= 0 || size->height <= 0) {
      return Status::Invalid("The file starts as " + std::string(KindName(kind)) +
                             " does, but its header (which gives its width and height) "
                             "is cut short or malformed.");
    }
    // Before anything decodes it: width x height is what a decoder would
    // allocate for, whatever the size of the file. (Divided, not
    // multiplied: two 32-bit sides overflow 64 bits.)
    if (size->width > max_pixels / size->height) {
      return Status::TooComplex(
          "The image is " + std::to_string(size->width) + " x " + std::to_string(size->height) +
          " pixels; this wiki takes images of at most " + std::to_string(max_pixels) +
          " pixels.");
    }
    info.size = *size;
  }
  return info;
}

}  // namespace wikid
