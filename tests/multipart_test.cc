// multipart/form-data bodies (views/http/multipart.h): the upload form's
// encoding, parsed strictly, and a body cut short by the size limit
// giving back the fields before the cut.
#define BOOST_TEST_MODULE multipart
#include <boost/test/unit_test.hpp>

#include "views/http/http.h"
#include "views/http/multipart.h"

namespace wikid {
namespace {

constexpr char kBoundary[] = "----Boundary7MA4YWxk";

std::string Part(const std::string& name, const std::string& value) {
  return std::string("--") + kBoundary + "\r\nContent-Disposition: form-data; name=\"" + name +
         "\"\r\n\r\n" + value + "\r\n";
}

std::string FilePart(const std::string& name, const std::string& filename,
                     const std::string& bytes) {
  return std::string("--") + kBoundary + "\r\nContent-Disposition: form-data; name=\"" + name +
         "\"; filename=\"" + filename + "\"\r\nContent-Type: image/png\r\n\r\n" + bytes + "\r\n";
}

std::string End() { return std::string("--") + kBoundary + "--\r\n"; }

BOOST_AUTO_TEST_CASE(fields_and_files_are_read_as_sent) {
  const std::string bytes("\x89PNG\r\n\x1a\n\0\r\n--not the boundary\r\n", 31);
  const std::string body = Part("csrf", "token") + Part("summary", "line one, café") +
                           FilePart("file", "photo.png", bytes) + End();
  auto form = ParseMultipart(body, kBoundary, false);
  BOOST_REQUIRE_MESSAGE(form.ok(), form.status().message());
  BOOST_TEST(form->fields.at("csrf") == "token");
  BOOST_TEST(form->fields.at("summary") == "line one, café");
  BOOST_TEST(form->files.at("file").filename == "photo.png");
  BOOST_TEST(form->files.at("file").bytes == bytes);
}

BOOST_AUTO_TEST_CASE(the_boundary_comes_from_the_content_type) {
  BOOST_TEST(*MultipartBoundary("multipart/form-data; boundary=abc") == "abc");
  BOOST_TEST(*MultipartBoundary("Multipart/Form-Data;boundary=\"a b;c\"") == "a b;c");
  BOOST_TEST(!MultipartBoundary("multipart/form-data"));
  BOOST_TEST(!MultipartBoundary("multipart/form-data; boundary=" + std::string(71, 'x')));
  BOOST_TEST(!MultipartBoundary("application/x-www-form-urlencoded; boundary=abc"));
  BOOST_TEST(IsMultipartForm("multipart/form-data; boundary=x"));
  BOOST_TEST(!IsMultipartForm("multipart/mixed; boundary=x"));
}

BOOST_AUTO_TEST_CASE(a_body_cut_short_keeps_the_fields_before_the_cut) {
  const std::string body = Part("csrf", "token") + Part("name", "Photo.png") +
                           FilePart("file", "photo.png", std::string(1000, 'x')) + End();
  const std::string cut = body.substr(0, body.find("xxxx") + 100);
  auto form = ParseMultipart(cut, kBoundary, /*truncated=*/true);
  BOOST_REQUIRE_MESSAGE(form.ok(), form.status().message());
  BOOST_TEST(form->fields.at("name") == "Photo.png");
  BOOST_TEST(form->files.empty());  // the file was cut: dropped
  // Not cut by wikid: the same body is malformed.
  BOOST_TEST(ParseMultipart(cut, kBoundary, false).status().IsInvalid());
}

BOOST_AUTO_TEST_CASE(malformed_bodies_are_refused) {
  const std::string cases[] = {
      "no boundary at all",
      Part("a", "1") + Part("a", "2") + End(),                      // a name twice
      Part("a", std::string("\xff", 1)) + End(),                     // not UTF-8
      Part("a", std::string("x\0y", 3)) + End(),                     // a NUL
      std::string("--") + kBoundary + "\r\nContent-Disposition: form-data\r\n\r\nx\r\n" + End(),
      std::string("--") + kBoundary + "\r\nContent-Type: text/plain\r\n\r\nx\r\n" + End(),
      std::string("--") + kBoundary + "\r\nContent-Disposition: form-data; name=\"a\"\r\nx",
  };
  for (const std::string& body : cases) {
    BOOST_TEST_CONTEXT(body) { BOOST_TEST(ParseMultipart(body, kBoundary, false).status().IsInvalid()); }
  }
  std::string many;
  for (size_t i = 0; i <= kMaxFormParts; ++i) many += Part("f" + std::to_string(i), "v");
  BOOST_TEST(ParseMultipart(many + End(), kBoundary, false).status().IsInvalid());
}

BOOST_AUTO_TEST_CASE(a_multipart_post_decodes_into_the_request) {
  RawRequest raw{.method = "POST",
                 .request_uri = "/_upload",
                 .content_type = std::string("multipart/form-data; boundary=") + kBoundary,
                 .body = Part("name", "A.png") + FilePart("file", "a.png", "bytes") + End()};
  auto req = DecodeRequest(raw);
  BOOST_REQUIRE_MESSAGE(req.ok(), req.status().message());
  BOOST_TEST(req->FormText("name") == "A.png");
  BOOST_REQUIRE(req->File("file") != nullptr);
  BOOST_TEST(req->File("file")->bytes == "bytes");
  BOOST_TEST(!req->body_too_large);
  raw.body_too_large = true;
  raw.body = raw.body.substr(0, raw.body.find("bytes"));
  req = DecodeRequest(raw);
  BOOST_REQUIRE_MESSAGE(req.ok(), req.status().message());
  BOOST_TEST(req->body_too_large);
  BOOST_TEST(req->FormText("name") == "A.png");
  BOOST_TEST(req->File("file") == nullptr);
}

}  // namespace
}  // namespace wikid
