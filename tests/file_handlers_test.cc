// The file routes in-process (views/file_handlers.h): uploads through the
// form and the API, how bytes are served (nginx's copy through
// X-Accel-Redirect, inline for images only, ETag the SHA-256, 304), file
// pages, restores, and every refusal keeping the form and saying why.
#define BOOST_TEST_MODULE file_handlers
#include <boost/test/unit_test.hpp>

#include <unistd.h>

#include <fstream>
#include <iterator>

#include "model/base/sha256.h"
#include "tests/support/test_images.h"
#include "tests/support/wiki_fixture.h"
#include "views/api_handlers.h"

namespace wikid {
namespace {

using testing::PngHeader;

std::string ReadFileBytes(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

struct FilesFixture : testing::WikiFixture {
  FilesFixture() : WikiFixture(EditPolicy::kUsers) { LogInAs("alice", Role::kUser); }

  // The upload form as a browser sends it: its token, fields, the file.
  Response Upload(const std::string& name, const std::string& bytes,
                  const std::string& summary = "", int64_t base_rev = 0,
                  bool with_token = true) {
    Request req = Base(Method::kPost, "/_upload");
    req.form = {{"name", name}, {"summary", summary}, {"base_rev", std::to_string(base_rev)}};
    if (with_token) req.form.emplace(kCsrfField, csrf->TokenFor(req, session).token);
    req.files.emplace("file", FormFile{.filename = "upload", .bytes = bytes});
    return Dispatch(req, *ctx);
  }
  Response GetWith(const std::string& path, const std::string& if_none_match) {
    Request req = Base(Method::kGet, path);
    req.if_none_match = if_none_match;
    return Dispatch(req, *ctx);
  }
  Response Put(const std::string& path, const std::string& body, const std::string& if_match,
               const std::string& if_none_match = "") {
    Request req = Base(Method::kPut, path);
    req.method_name = "PUT";
    req.body = body;
    req.if_match = if_match;
    req.if_none_match = if_none_match;
    return Dispatch(req, *ctx);
  }
  bool Stored(const std::string& name) {
    return wiki->stores().files.Find(*FileName::Parse(name), std::nullopt).ok();
  }
};

BOOST_FIXTURE_TEST_SUITE(file_handlers, FilesFixture)

BOOST_AUTO_TEST_CASE(an_image_is_served_inline_by_nginx_from_its_copy) {
  const std::string png = PngHeader(64, 32, "pixels");
  Response uploaded = Upload("Photo.png", png, "first");
  BOOST_TEST(uploaded.status == 303);
  BOOST_TEST(Header(uploaded, "Location") == "/_file-page/Photo.png");
  const std::string sha = Sha256Hex(png);
  Response latest = Get("/_file/Photo.png");
  BOOST_TEST(latest.status == 200);
  BOOST_TEST(latest.content_type == "image/png");
  BOOST_TEST(Header(latest, "X-Accel-Redirect") == "/_wikid_file/" + sha);
  BOOST_TEST(latest.body.empty());  // nginx sends the bytes
  BOOST_TEST(Header(latest, "Content-Disposition").starts_with("inline;"));
  BOOST_TEST(Header(latest, "ETag") == "\"" + sha + "\"");
  BOOST_TEST(Header(latest, "Cache-Control") == "no-cache");
  BOOST_TEST(ReadFileBytes(dir.File("files") + "/" + sha) == png);
  Response immutable = Get("/_blob/" + sha + "/Photo.png");
  BOOST_TEST(immutable.status == 200);
  BOOST_TEST(Header(immutable, "Cache-Control") == "public, max-age=31536000, immutable");
  BOOST_TEST(Header(immutable, "X-Accel-Redirect") == "/_wikid_file/" + sha);
  // The browser that has them gets 304, at both addresses.
  BOOST_TEST(GetWith("/_file/Photo.png", "\"" + sha + "\"").status == 304);
  BOOST_TEST(GetWith("/_blob/" + sha + "/Photo.png", "W/\"" + sha + "\"").status == 304);
  BOOST_TEST(GetWith("/_file/Photo.png", "\"" + Sha256Hex("other") + "\"").status == 200);
  // An address for bytes the file never had is no address.
  BOOST_TEST(Get("/_blob/" + Sha256Hex("other") + "/Photo.png").status == 404);
  BOOST_TEST(Get("/_blob/not-a-hash/Photo.png").status == 404);
}

BOOST_AUTO_TEST_CASE(anything_but_an_image_is_an_attachment) {
  BOOST_TEST(Upload("notes.txt", "some notes").status == 303);
  BOOST_TEST(Upload("Logo.svg", "<svg onload=\"alert(1)\"><script>alert(2)</script></svg>")
                 .status == 303);
  for (const char* path : {"/_file/notes.txt", "/_file/Logo.svg"}) {
    Response r = Get(path);
    BOOST_TEST_CONTEXT(path) {
      BOOST_TEST(r.status == 200);
      BOOST_TEST(Header(r, "Content-Disposition").starts_with("attachment;"));
    }
  }
  BOOST_TEST(Get("/_file/Logo.svg").content_type == "image/svg+xml");
  BOOST_TEST(Get("/_file/notes.txt").content_type == "text/plain; charset=utf-8");
}

BOOST_AUTO_TEST_CASE(without_a_copy_the_worker_sends_the_bytes_sandboxed) {
  const std::string text = "plain text";
  BOOST_REQUIRE(Upload("a.txt", text).status == 303);
  // A copy that cannot be made (its folder is a file) is no error.
  BOOST_REQUIRE(unlink((dir.File("files") + "/" + Sha256Hex(text)).c_str()) == 0);
  BOOST_REQUIRE(rmdir(dir.File("files").c_str()) == 0);
  std::ofstream(dir.File("files")) << "a file where the folder was";
  Response r = Get("/_file/a.txt");
  BOOST_TEST(r.status == 200);
  BOOST_TEST(r.body == text);
  BOOST_TEST(Header(r, "X-Accel-Redirect").empty());
  BOOST_TEST(Header(r, "Content-Security-Policy") == "default-src 'none'; sandbox");
}

BOOST_AUTO_TEST_CASE(reupload_history_and_restore) {
  const std::string one = PngHeader(10, 10, "one"), two = PngHeader(20, 20, "two");
  BOOST_REQUIRE(Upload("Photo.png", one, "first").status == 303);
  BOOST_TEST(Upload("Photo.png", two, "second", 1).status == 303);
  BOOST_TEST(Header(Get("/_file/Photo.png"), "ETag") == "\"" + Sha256Hex(two) + "\"");
  Response page = Get("/_file-page/Photo.png");
  BOOST_TEST(page.status == 200);
  BOOST_TEST(Contains(page, "first"));
  BOOST_TEST(Contains(page, "second"));
  BOOST_TEST(Contains(page, "width=\"20\" height=\"20\""));
  BOOST_TEST(Contains(page, "Restore revision 1"));
  BOOST_TEST(Contains(page, "enctype=\"multipart/form-data\""));
  // An old revision's page shows that revision.
  BOOST_TEST(Contains(Get("/_file-page/Photo.png", {{"rev", "1"}}), "/_blob/" + Sha256Hex(one)));
  Response restored = Post("/_file-restore/Photo.png", {{"rev", "1"}, {"base_rev", "2"}});
  BOOST_TEST(restored.status == 303);
  auto latest = wiki->stores().files.Find(*FileName::Parse("Photo.png"), std::nullopt);
  BOOST_REQUIRE(latest.ok());
  BOOST_TEST(latest->rev == 3);
  BOOST_TEST(latest->sha256 == Sha256Hex(one));
  BOOST_TEST(latest->summary == "Restored revision 1");
  // A restore based on a revision that is no longer the latest: 409.
  BOOST_TEST(Post("/_file-restore/Photo.png", {{"rev", "2"}, {"base_rev", "2"}}).status == 409);
  // A new file named like an existing one: 409, the form kept.
  Response taken = Upload("Photo.png", PngHeader(5, 5), "mine");
  BOOST_TEST(taken.status == 409);
  BOOST_TEST(Contains(taken, "value=\"mine\""));
}

BOOST_AUTO_TEST_CASE(every_refusal_keeps_the_form_and_says_why) {
  struct Case {
    const char* what;
    int status;
    std::string name, bytes;
    const char* says;
  } cases[] = {
      {"html", 415, "page.png", "<html><script>alert(1)</script></html>", "HTML"},
      {"html renamed", 415, "photo.png", "<!DOCTYPE html><p>x", "HTML"},
      {"bomb", 422, "bomb.png", PngHeader(50'000, 50'000), "pixels"},
      {"wrong extension", 400, "photo.jpg", PngHeader(1, 1), "name it .png"},
      {"bad name", 400, "no extension", "x", "extension"},
      {"no file", 400, "empty.txt", "", "Choose a file"},
  };
  for (const Case& c : cases) {
    BOOST_TEST_CONTEXT(c.what) {
      Response r = Upload(c.name, c.bytes, "my summary");
      BOOST_TEST(r.status == c.status);
      BOOST_TEST(Contains(r, c.says));
      BOOST_TEST(Contains(r, "value=\"my summary\""));
      BOOST_TEST(Contains(r, "Nothing was uploaded"));
    }
  }
  site.max_upload_bytes = 100;
  Response big = Upload("big.txt", std::string(101, 'x'), "my summary");
  BOOST_TEST(big.status == 413);
  BOOST_TEST(Contains(big, "value=\"big.txt\""));
  BOOST_TEST(Contains(big, "value=\"my summary\""));
  BOOST_TEST(Upload("small.txt", std::string(100, 'x')).status == 303);
  BOOST_TEST(!Stored("big.txt"));
  BOOST_TEST(!Stored("photo.png"));
  BOOST_TEST(!Stored("bomb.png"));
}

BOOST_AUTO_TEST_CASE(the_router_refuses_forged_logged_out_and_cut_short_uploads) {
  Response forged = Upload("a.txt", "x", "my summary", 0, /*with_token=*/false);
  BOOST_TEST(forged.status == 403);
  BOOST_TEST(Contains(forged, "security token"));
  BOOST_TEST(Contains(forged, "value=\"my summary\""));
  // A body too large to keep: the fields before the cut come back.
  Request cut = Base(Method::kPost, "/_upload");
  cut.form = {{"name", "huge.txt"}, {"summary", "my summary"}};
  cut.body_too_large = true;
  Response too_large = Dispatch(cut, *ctx);
  BOOST_TEST(too_large.status == 413);
  BOOST_TEST(Contains(too_large, "value=\"huge.txt\""));
  BOOST_TEST(Contains(too_large, "value=\"my summary\""));
  session.clear();
  Response logged_out = Upload("a.txt", "x", "my summary");
  BOOST_TEST(logged_out.status == 403);
  BOOST_TEST(Contains(logged_out, "log in to upload"));
  BOOST_TEST(Contains(logged_out, "value=\"my summary\""));
  BOOST_TEST(!Stored("a.txt"));
  BOOST_TEST(!Stored("huge.txt"));
  // Anyone may look.
  BOOST_TEST(Get("/_files").status == 200);
  // The upload form itself sends a reader who is not logged in to log in.
  BOOST_TEST(Get("/_upload").status == 303);
}

BOOST_AUTO_TEST_CASE(names_and_summaries_are_escaped_everywhere) {
  const std::string summary = "<script>alert(1)</script><img src=x onerror=alert(2)>";
  const std::string name = "x\" onerror=\"alert(3).png";
  BOOST_REQUIRE(Upload(name, PngHeader(1, 1), summary).status == 303);
  Response by_name = Get("/_file-page/" + name);
  BOOST_TEST(by_name.status == 200);
  BOOST_TEST(!Contains(by_name, "<script>alert(1)"));
  BOOST_TEST(!Contains(by_name, "<img src=x"));
  BOOST_TEST(!Contains(by_name, "\" onerror=\""));
  BOOST_TEST(Contains(by_name, "&lt;script&gt;alert(1)"));
  Response list = Get("/_files");
  BOOST_TEST(!Contains(list, "\" onerror=\""));
  // The download's file name keeps no quote to break out of.
  Response bytes = Get("/_file/" + name);
  BOOST_TEST(Header(bytes, "Content-Disposition").find("filename=\"x_ onerror=_alert(3).png\"") !=
             std::string::npos);
  BOOST_TEST(Header(bytes, "Content-Disposition")
                 .ends_with("filename*=UTF-8''x%22%20onerror%3D%22alert%283%29.png"));
}

BOOST_AUTO_TEST_CASE(the_api_puts_files_with_the_pages_etag_rules) {
  const std::string one = PngHeader(3, 3, "1"), two = PngHeader(3, 3, "2");
  BOOST_TEST(Put("/_api/file/Icon.png", one, "").status == 428);
  Response created = Put("/_api/file/Icon.png", one, "", "*");
  BOOST_TEST(created.status == 201);
  BOOST_TEST(Header(created, "ETag") == "\"r1\"");
  BOOST_TEST(Contains(created, Sha256Hex(one)));
  Response updated = Put("/_api/file/Icon.png", two, "\"r1\"");
  BOOST_TEST(updated.status == 200);
  BOOST_TEST(Header(updated, "ETag") == "\"r2\"");
  Response stale = Put("/_api/file/Icon.png", PngHeader(3, 3, "3"), "\"r1\"");
  BOOST_TEST(stale.status == 412);
  BOOST_TEST(Header(stale, "ETag") == "\"r2\"");
  BOOST_TEST(Put("/_api/file/Icon.png", "<html>x", "\"r2\"").status == 415);
  BOOST_TEST(Put("/_api/file/Icon.png", two, "nonsense").status == 412);
  Response got = Get("/_api/file/Icon.png");
  BOOST_TEST(got.status == 200);
  BOOST_TEST(Header(got, "ETag") == "\"r2\"");
  BOOST_TEST(Contains(got, "\"width\":3"));
  session.clear();
  BOOST_TEST(Put("/_api/file/Other.png", one, "", "*").status == 401);
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace
}  // namespace wikid
