// What an uploaded file is, decided from its bytes alone: never from its
// name or the type the client claimed, which anyone can write. The kind
// decides how it is served (views/file_handlers.cc): the four image
// formats browsers show (PNG, JPEG, GIF, WebP) inline; everything else as
// an attachment, under `X-Content-Type-Options: nosniff` and
// `Content-Security-Policy: sandbox`, so nothing a user uploaded is ever a
// document that runs on the wiki's origin. HTML is refused outright (a
// wiki page is the way to publish text; there is nothing an HTML file
// would add but a way to run script). SVG is taken and only ever served
// as an attachment, sandboxed: a browser shows it only when downloaded,
// from the reader's disk, never as the wiki.
//
// An image's width and height come from its header (PNG's IHDR, JPEG's
// SOF, GIF's screen, WebP's VP8, VP8L or VP8X chunk), read in one bounded
// pass without decoding anything, so a decompression bomb (a few KB that
// claim 50,000 x 50,000 pixels) is refused before any decoder sees it.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "model/base/status.h"
#include "model/text/file_name.h"

namespace wikid {

enum class MediaKind {
  kPng,
  kJpeg,
  kGif,
  kWebp,
  kPdf,
  kSvg,
  kHtml,    // refused
  kXml,     // other XML, served as an attachment
  kText,    // UTF-8 text without control characters
  kBinary,  // anything else
};

// The kind of `bytes`, from their first bytes (a text's markup from its
// first 64 KiB): magic numbers for the binary formats; for text, markup
// that holds <svg is SVG, markup that starts as an HTML document does or
// holds <html, <script, <body or <iframe is HTML.
MediaKind SniffMedia(std::string_view bytes);

// The Content-Type it is served with ("image/png", "text/plain;
// charset=utf-8", "application/octet-stream"...).
const char* ContentTypeOf(MediaKind kind);

// Whether a file of this Content-Type is shown inline: the four image
// formats, and nothing else.
bool ServedInline(std::string_view content_type);

struct ImageSize {
  int64_t width = 0;
  int64_t height = 0;
};

// An image's size from its header, without decoding; nullopt when `kind`
// is not one of the four image formats or its header is cut short or
// malformed.
std::optional<ImageSize> ReadImageSize(MediaKind kind, std::string_view bytes);

// What an upload is, once inspected.
struct MediaInfo {
  MediaKind kind = MediaKind::kBinary;
  std::string content_type;
  ImageSize size;  // 0 x 0 for what is not an image
};

// Inspects an upload named `name`. Unsupported for HTML; Invalid when the
// name's extension belongs to another kind than the bytes are (a text
// named .png, a PNG named .jpg: the extension is what people and programs
// go by once the file is downloaded) or an image's header cannot be read;
// TooComplex when an image has more than `max_pixels` pixels.
Result<MediaInfo> InspectUpload(std::string_view bytes, const FileName& name,
                                int64_t max_pixels);

}  // namespace wikid
