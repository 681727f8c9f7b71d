// What an upload is, from its bytes alone (model/media/media.h): its kind,
// an image's size from its header, and the refusals: HTML, names whose
// extension belongs to another kind, headers cut short, and images past
// the pixel limit (decompression bombs) before anything decodes them.
#define BOOST_TEST_MODULE media_test
#include <boost/test/unit_test.hpp>

#include <string>

#include "model/media/media.h"
#include "tests/support/test_images.h"

namespace wikid {
namespace {

using testing::GifHeader;
using testing::JpegHeader;
using testing::PngHeader;
using testing::WebpHeader;

FileName Named(const std::string& name) { return *FileName::Parse(name); }

struct SniffCase {
  std::string bytes;
  MediaKind kind;
};

BOOST_AUTO_TEST_CASE(the_kind_comes_from_the_bytes) {
  const SniffCase cases[] = {
      {PngHeader(1, 1), MediaKind::kPng},
      {JpegHeader(1, 1), MediaKind::kJpeg},
      {GifHeader(1, 1), MediaKind::kGif},
      {std::string("GIF87a") + std::string(8, '\0'), MediaKind::kGif},
      {WebpHeader(1, 1), MediaKind::kWebp},
      {"%PDF-1.7\n...", MediaKind::kPdf},
      {"<svg xmlns=\"http://www.w3.org/2000/svg\" onload=\"alert(1)\"/>", MediaKind::kSvg},
      {"<?xml version=\"1.0\"?>\n<!DOCTYPE svg>\n<svg><script>alert(1)</script></svg>",
       MediaKind::kSvg},
      {"\xef\xbb\xbf  <SVG></SVG>", MediaKind::kSvg},
      {"<!DOCTYPE html><p>hi", MediaKind::kHtml},
      {"  <html><script>alert(1)</script>", MediaKind::kHtml},
      {"<script>alert(1)</script>", MediaKind::kHtml},
      {"<p>a paragraph", MediaKind::kHtml},
      {"<!-- a comment -->", MediaKind::kHtml},
      {"<?xml version=\"1.0\"?><x><body onload=\"alert(1)\"></body></x>", MediaKind::kHtml},
      {"<?xml version=\"1.0\"?><gpx></gpx>", MediaKind::kXml},
      {"<3 plain text that starts with a heart", MediaKind::kText},
      {"Just some text.\nWith lines.\tAnd tabs.\n", MediaKind::kText},
      {"caf\xc3\xa9", MediaKind::kText},
      {"caf\xe9", MediaKind::kBinary},                   // Latin-1: not UTF-8
      {std::string("text\0with a NUL", 14), MediaKind::kBinary},
      {"\x7f" "ELF\x02\x01", MediaKind::kBinary},
      {"\x89PNX", MediaKind::kBinary},  // a signature cut short is not one
  };
  for (const SniffCase& c : cases) {
    BOOST_TEST_CONTEXT(c.bytes) {
      BOOST_TEST(static_cast<int>(SniffMedia(c.bytes)) == static_cast<int>(c.kind));
    }
  }
}

BOOST_AUTO_TEST_CASE(only_the_four_image_formats_are_served_inline) {
  for (const char* type : {"image/png", "image/jpeg", "image/gif", "image/webp"}) {
    BOOST_TEST(ServedInline(type));
  }
  for (MediaKind kind : {MediaKind::kPdf, MediaKind::kSvg, MediaKind::kHtml, MediaKind::kXml,
                         MediaKind::kText, MediaKind::kBinary}) {
    BOOST_TEST(!ServedInline(ContentTypeOf(kind)));
  }
}

BOOST_AUTO_TEST_CASE(an_images_size_is_read_from_its_header) {
  struct Case {
    MediaKind kind;
    std::string bytes;
    int64_t width, height;
  } cases[] = {
      {MediaKind::kPng, PngHeader(640, 480), 640, 480},
      {MediaKind::kGif, GifHeader(32, 16), 32, 16},
      {MediaKind::kJpeg, JpegHeader(1024, 768), 1024, 768},
      {MediaKind::kWebp, WebpHeader(300, 200), 300, 200},
  };
  for (const Case& c : cases) {
    auto size = ReadImageSize(c.kind, c.bytes);
    BOOST_REQUIRE(size.has_value());
    BOOST_TEST(size->width == c.width);
    BOOST_TEST(size->height == c.height);
  }
}

BOOST_AUTO_TEST_CASE(webp_lossy_and_lossless_headers_give_their_size) {
  // VP8 (lossy): a key frame's start code, then 14-bit width and height.
  std::string lossy = "RIFF" + std::string("\x40\0\0\0", 4) + "WEBPVP8 " +
                      std::string("\x30\0\0\0", 4) + std::string("\x10\x02\x00", 3) +
                      std::string("\x9d\x01\x2a", 3) + testing::LittleEndian16(400) +
                      testing::LittleEndian16(300) + std::string(8, '\0');
  auto size = ReadImageSize(MediaKind::kWebp, lossy);
  BOOST_REQUIRE(size.has_value());
  BOOST_TEST(size->width == 400);
  BOOST_TEST(size->height == 300);
  // VP8L (lossless): 0x2f, then width-1 and height-1 in 14 bits each.
  const uint32_t bits = (100 - 1) | ((50 - 1) << 14);
  std::string lossless = "RIFF" + std::string("\x40\0\0\0", 4) + "WEBPVP8L" +
                         std::string("\x30\0\0\0", 4) + "\x2f" +
                         std::string{static_cast<char>(bits), static_cast<char>(bits >> 8),
                                     static_cast<char>(bits >> 16),
                                     static_cast<char>(bits >> 24)} +
                         std::string(8, '\0');
  size = ReadImageSize(MediaKind::kWebp, lossless);
  BOOST_REQUIRE(size.has_value());
  BOOST_TEST(size->width == 100);
  BOOST_TEST(size->height == 50);
}

BOOST_AUTO_TEST_CASE(a_jpeg_skips_fill_bytes_and_segments_before_its_frame) {
  std::string jpeg = JpegHeader(20, 10);
  // Fill bytes before the APP0 marker, and a comment segment.
  jpeg.insert(2, std::string("\xff\xff\xfe\x00\x04hi", 7));
  auto size = ReadImageSize(MediaKind::kJpeg, jpeg);
  BOOST_REQUIRE(size.has_value());
  BOOST_TEST(size->width == 20);
  BOOST_TEST(size->height == 10);
}

BOOST_AUTO_TEST_CASE(headers_cut_short_or_malformed_give_no_size) {
  const std::string png = PngHeader(10, 10);
  const std::string jpeg = JpegHeader(10, 10);
  BOOST_TEST(!ReadImageSize(MediaKind::kPng, png.substr(0, 20)));
  BOOST_TEST(!ReadImageSize(MediaKind::kJpeg, jpeg.substr(0, jpeg.size() - 14)));
  BOOST_TEST(!ReadImageSize(MediaKind::kGif, GifHeader(1, 1).substr(0, 8)));
  BOOST_TEST(!ReadImageSize(MediaKind::kWebp, WebpHeader(1, 1).substr(0, 26)));
  // IHDR must be the first chunk.
  std::string other = png;
  other.replace(12, 4, "tEXt");
  BOOST_TEST(!ReadImageSize(MediaKind::kPng, other));
  // A JPEG whose scan starts before any frame header.
  BOOST_TEST(!ReadImageSize(MediaKind::kJpeg, std::string("\xff\xd8\xff\xda\x00\x02", 6)));
  // A segment length below 2 would loop for ever if trusted.
  BOOST_TEST(!ReadImageSize(MediaKind::kJpeg, std::string("\xff\xd8\xff\xe0\x00\x00", 6)));
  BOOST_TEST(!ReadImageSize(MediaKind::kPdf, "%PDF-1.4"));
}

BOOST_AUTO_TEST_CASE(an_upload_is_inspected_for_its_type_and_size) {
  auto png = InspectUpload(PngHeader(640, 480), Named("Photo.png"), 1'000'000);
  BOOST_REQUIRE(png.ok());
  BOOST_TEST(png->content_type == "image/png");
  BOOST_TEST(png->size.width == 640);
  BOOST_TEST(png->size.height == 480);
  auto jpeg = InspectUpload(JpegHeader(10, 10), Named("Photo.JPEG"), 1'000'000);
  BOOST_REQUIRE(jpeg.ok());
  BOOST_TEST(jpeg->content_type == "image/jpeg");
  auto text = InspectUpload("notes\n", Named("notes.md"), 1);
  BOOST_REQUIRE(text.ok());
  BOOST_TEST(text->content_type == "text/plain; charset=utf-8");
  BOOST_TEST(text->size.width == 0);
  auto svg = InspectUpload("<svg onload=\"alert(1)\"/>", Named("Logo.svg"), 1);
  BOOST_REQUIRE(svg.ok());
  BOOST_TEST(svg->content_type == "image/svg+xml");
}

BOOST_AUTO_TEST_CASE(html_is_refused_whatever_its_name) {
  for (const char* name : {"page.html", "photo.png", "notes.txt", "logo.svg"}) {
    auto html = InspectUpload("<html><script>alert(1)</script></html>", Named(name), 1000);
    BOOST_TEST_CONTEXT(name) {
      BOOST_TEST((html.status().code() == Status::Code::kUnsupported));
    }
  }
}

BOOST_AUTO_TEST_CASE(an_extension_must_match_the_bytes) {
  // Text named as an image, and one image named as another.
  BOOST_TEST(InspectUpload("just text", Named("photo.png"), 1000).status().IsInvalid());
  BOOST_TEST(InspectUpload(PngHeader(1, 1), Named("photo.jpg"), 1000).status().IsInvalid());
  BOOST_TEST(InspectUpload(JpegHeader(1, 1), Named("photo.gif"), 1000).status().IsInvalid());
  BOOST_TEST(InspectUpload("<svg/>", Named("drawing.png"), 1000).status().IsInvalid());
  BOOST_TEST(InspectUpload(PngHeader(1, 1), Named("photo.txt"), 1000).status().IsInvalid());
  BOOST_TEST(InspectUpload("%PDF-1.4", Named("paper.svg"), 1000).status().IsInvalid());
}

BOOST_AUTO_TEST_CASE(a_decompression_bomb_is_refused_from_its_header) {
  // 50,000 x 50,000 pixels claimed by a few dozen bytes, in every format.
  const std::string bombs[][2] = {{PngHeader(50'000, 50'000), "bomb.png"},
                                  {JpegHeader(50'000, 50'000), "bomb.jpg"},
                                  {GifHeader(50'000, 50'000), "bomb.gif"},
                                  {WebpHeader(50'000, 50'000), "bomb.webp"}};
  for (const auto& [bytes, name] : bombs) {
    auto inspected = InspectUpload(bytes, Named(name), 100'000'000);
    BOOST_TEST_CONTEXT(name) {
      BOOST_TEST((inspected.status().code() == Status::Code::kTooComplex));
    }
  }
  // At the limit is fine; one pixel more is not.
  BOOST_TEST(InspectUpload(PngHeader(100, 100), Named("a.png"), 10'000).ok());
  BOOST_TEST(!InspectUpload(PngHeader(100, 101), Named("a.png"), 10'000).ok());
  // Sides that overflow 64 bits when multiplied are refused too.
  BOOST_TEST(!InspectUpload(PngHeader(0xffffffff, 0xffffffff), Named("a.png"), 10'000).ok());
  // An image with no pixels, and one whose header is cut, are refused.
  BOOST_TEST(InspectUpload(PngHeader(0, 10), Named("a.png"), 10'000).status().IsInvalid());
  BOOST_TEST(InspectUpload(PngHeader(1, 1).substr(0, 18), Named("a.png"), 10'000)
                 .status()
                 .IsInvalid());
}

}  // namespace
}  // namespace wikid
