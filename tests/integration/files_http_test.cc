// Uploaded files through a real nginx, several wikid workers and
// memcached (issue 19): upload, view inline, re-upload, history, restore;
// the immutable address, 304 and Range answered by nginx from this host's
// copy; every refusal keeping the form and saying why; hostile names,
// summaries and files never served as something that runs on the wiki's
// origin; and a worker killed mid-upload or mid-copy leaving no half file
// and no row pointing at nothing.
#define BOOST_TEST_MODULE files_http_test
#include <boost/test/unit_test.hpp>

#include <dirent.h>
#include <signal.h>
#include <sys/stat.h>

#include <future>
#include <set>

#include "model/base/sha256.h"
#include "tests/support/html_safety.h"
#include "tests/support/test_images.h"
#include "tests/support/test_wiki.h"

namespace wikid::testing {
namespace {

using namespace std::chrono_literals;

FormFilePart File(const std::string& filename, const std::string& bytes,
                  const std::string& claimed = "image/png") {
  return FormFilePart{.filename = filename, .content_type = claimed, .bytes = bytes};
}

// The upload form as a browser sends it.
HttpResponse UploadAs(Browser& browser, const std::string& name, const std::string& bytes,
                      const std::string& summary = "", int64_t base_rev = 0) {
  return browser.PostMultipart("/_upload",
                               {{"name", name},
                                {"summary", summary},
                                {"base_rev", std::to_string(base_rev)}},
                               File(name, bytes));
}

// Whether nginx sent the bytes: a worker's answer carries X-Wikid-Worker
// (test builds), and nginx keeps none of a worker's headers but a few
// when it follows X-Accel-Redirect.
bool SentByNginx(const HttpResponse& r) { return r.Header("x-wikid-worker").empty(); }

// The names in the folder `path`.
std::set<std::string> Listing(const std::string& path) {
  std::set<std::string> names;
  if (DIR* dir = opendir(path.c_str())) {
    while (const dirent* entry = readdir(dir)) {
      const std::string name = entry->d_name;
      if (name != "." && name != "..") names.insert(name);
    }
    closedir(dir);
  }
  return names;
}

TestWikiOptions Stack() {
  return TestWikiOptions{.workers = 3, .memcached = true};
}

BOOST_AUTO_TEST_CASE(upload_view_inline_reupload_history_restore) {
  TestWiki wiki(Stack());
  Browser& editor = wiki.Editor();
  const std::string one = PngHeader(64, 48, "first image's pixels");
  const std::string two = PngHeader(128, 96, "second image's pixels");
  HttpResponse uploaded = UploadAs(editor, "Team photo.png", one, "first");
  BOOST_TEST(uploaded.status == 303);
  BOOST_TEST(uploaded.Header("location") == "/_file-page/Team_photo.png");
  // Every reader, on any worker, sees the upload at once: nothing about a
  // file is cached, and nginx sends the bytes named by their hash.
  for (int i = 0; i < 6; ++i) {
    HttpResponse r = wiki.Get("/_file/Team_photo.png");
    BOOST_TEST(r.status == 200);
    BOOST_TEST(r.body == one);
    BOOST_TEST(r.Header("content-type") == "image/png");
    BOOST_TEST(r.Header("content-disposition").starts_with("inline;"));
    BOOST_TEST(r.Header("etag") == "\"" + Sha256Hex(one) + "\"");
    BOOST_TEST(r.Header("x-content-type-options") == "nosniff");
    BOOST_TEST(r.Header("content-security-policy").find("sandbox") != std::string::npos);
    BOOST_TEST(r.Header("accept-ranges") == "bytes");
    BOOST_TEST(SentByNginx(r));
  }
  HttpResponse again = UploadAs(editor, "Team photo.png", two, "second", 1);
  BOOST_TEST(again.status == 303);
  for (int i = 0; i < 6; ++i) BOOST_TEST(wiki.Get("/_file/Team_photo.png").body == two);
  HttpResponse page = wiki.Get("/_file-page/Team_photo.png");
  BOOST_TEST(page.status == 200);
  BOOST_TEST(page.body.find("first") != std::string::npos);
  BOOST_TEST(page.body.find("second") != std::string::npos);
  BOOST_TEST(page.body.find("width=\"128\" height=\"96\"") != std::string::npos);
  // The old revision keeps its address and its bytes.
  BOOST_TEST(wiki.Get("/_blob/" + Sha256Hex(one) + "/Team_photo.png").body == one);
  // Restored: a new revision with the old bytes, stored once.
  HttpResponse restored =
      editor.Post("/_file-restore/Team_photo.png", {{"rev", "1"}, {"base_rev", "2"}});
  BOOST_TEST(restored.status == 303);
  for (int i = 0; i < 6; ++i) BOOST_TEST(wiki.Get("/_file/Team_photo.png").body == one);
  BOOST_TEST(wiki.Scalar("SELECT count(*) FROM file_revision") == 3);
  BOOST_TEST(wiki.Scalar("SELECT count(*) FROM file_blob") == 2);
  BOOST_TEST(wiki.Get("/_files").body.find("Team photo.png") !=
             std::string::npos);
}

// The <img> of `html` whose src starts with `prefix`: its src, width and
// height attributes as written ("" when absent).
struct ImgTag {
  std::string src, width, height;
};
ImgTag FindImg(const std::string& html, const std::string& prefix) {
  const size_t at = html.find("<img src=\"" + prefix);
  if (at == std::string::npos) return {};
  const std::string tag = html.substr(at, html.find('>', at) - at);
  auto attribute = [&](const std::string& name) {
    const size_t start = tag.find(" " + name + "=\"");
    if (start == std::string::npos) return std::string();
    const size_t from = start + name.size() + 3;
    return tag.substr(from, tag.find('"', from) - from);
  };
  return {.src = tag.substr(10, tag.find('"', 10) - 10),
          .width = attribute("width"),
          .height = attribute("height")};
}

// The inode of `path`, 0 when there is none: a copy made again is a new
// file renamed onto the name.
ino_t InodeOf(const std::string& path) {
  struct stat info;
  return stat(path.c_str(), &info) == 0 ? info.st_ino : 0;
}

BOOST_AUTO_TEST_CASE(
    pages_show_thumbnails_made_once_and_a_new_revision_at_once) {
  TestWiki wiki(
      TestWikiOptions{.workers = 3, .memcached = true, .fast_path = true});
  Browser& editor = wiki.Editor();
  const std::string first = RealPng(400, 300);
  const std::string sha = Sha256Hex(first);
  BOOST_REQUIRE(UploadAs(editor, "Chart.png", first).status == 303);
  BOOST_REQUIRE(editor
                    .Save("Gallery", 0,
                          "Our chart: [[File:Chart.png|the chart|100px]]\n\n"
                          "[[File:Missing.png|to come]]\n")
                    .status == 303);
  // Anonymous, until nginx serves it from memcached (the fast path).
  HttpResponse view = wiki.ViewUntilFast("/Gallery");
  BOOST_TEST(view.Header("x-cache") == "nginx");
  ImgTag img = FindImg(view.body, "/_thumb/");
  BOOST_TEST(img.src == "/_thumb/" + sha + "/100/Chart.png");
  BOOST_TEST(img.width == "100");
  BOOST_TEST(img.height == "75");
  BOOST_TEST(view.body.find("loading=\"lazy\"") != std::string::npos);
  BOOST_TEST(view.body.find("href=\"/_upload?name=Missing.png\"") !=
             std::string::npos);
  // The thumbnail: a real PNG 100 pixels wide, for ever, sent by nginx
  // from this host's copy, made by the first request only.
  HttpResponse thumb = wiki.Get(img.src);
  BOOST_TEST(thumb.status == 200);
  BOOST_TEST(thumb.Header("content-type") == "image/png");
  BOOST_TEST(thumb.Header("cache-control") ==
             "public, max-age=31536000, immutable");
  BOOST_TEST(thumb.Header("etag") == "\"" + sha + "-100\"");
  BOOST_TEST(SentByNginx(thumb));
  BOOST_TEST((PngSize(thumb.body) == std::pair<uint32_t, uint32_t>(100, 75)));
  const std::string copy = wiki.file_cache_dir() + "/" + sha + "-100";
  const ino_t made = InodeOf(copy);
  BOOST_TEST(made != 0u);
  for (int i = 0; i < 4; ++i) BOOST_TEST(wiki.Get(img.src).body == thumb.body);
  BOOST_TEST(InodeOf(copy) == made);  // not made again
  BOOST_TEST(wiki.Get(img.src, {"If-None-Match: \"" + sha + "-100\""}).status ==
             304);
  // Only the widths of the steps, and never wider than the image.
  BOOST_TEST(wiki.Get("/_thumb/" + sha + "/101/Chart.png").status == 404);
  BOOST_TEST(wiki.Get("/_thumb/" + sha + "/400/Chart.png").status == 404);
  BOOST_TEST(
      wiki.Get("/_thumb/" + std::string(64, 'a') + "/100/Chart.png").status ==
      404);
  // A logged-in view, cached too.
  BOOST_TEST(FindImg(editor.Get("/Gallery").body, "/_thumb/").height == "75");
  // A page that shows no file, viewed from the cache, and the front page
  // with its recent changes, from nginx (issue 19: uploads are among
  // them).
  BOOST_REQUIRE(editor.Save("Plain", 0, "No pictures here.\n").status == 303);
  BOOST_REQUIRE(editor.Save("Main_Page", 0, "Welcome.\n").status == 303);
  bool plain_cached = false;
  for (int i = 0; i < 20 && !plain_cached; ++i) {
    plain_cached = editor.Get("/Plain").Header("x-cache") == "hit";
  }
  BOOST_REQUIRE(plain_cached);
  HttpResponse front = wiki.ViewUntilFast("/");
  BOOST_TEST(front.Header("x-cache") == "nginx");
  BOOST_TEST(front.body.find("href=\"/_file-page/Chart.png?rev=1\">file revision 1</a>") !=
             std::string::npos);

  // A new revision of the file, with other proportions: the very next
  // view shows it, anonymous (nginx's entry was deleted before the upload
  // was answered) and logged in (every page view's stamp moved).
  const std::string second = RealPng(200, 400);
  const std::string second_sha = Sha256Hex(second);
  BOOST_REQUIRE(UploadAs(editor, "Chart.png", second, "taller", 1).status ==
                303);
  for (int i = 0; i < 6; ++i) {
    HttpResponse anonymous = wiki.Get("/Gallery");
    ImgTag now = FindImg(anonymous.body, "/_thumb/");
    BOOST_TEST(now.src == "/_thumb/" + second_sha + "/100/Chart.png");
    BOOST_TEST(now.height == "200");
    BOOST_TEST(FindImg(editor.Get("/Gallery").body, "/_thumb/").height ==
               "200");
  }
  // Only the pages showing the file were retired: the other stays a hit
  // (its views were not re-read), and the front page lists the upload at
  // once, as do recent changes and the feed.
  BOOST_TEST(editor.Get("/Plain").Header("x-cache") == "hit");
  const std::string listed = "href=\"/_file-page/Chart.png?rev=2\">file revision 2</a>";
  BOOST_TEST(wiki.Get("/").body.find(listed) != std::string::npos);
  BOOST_TEST(wiki.Get("/_recent").body.find(listed) != std::string::npos);
  HttpResponse feed = wiki.Get("/_recent.atom");
  BOOST_TEST(feed.body.find("Chart.png (file revision 2)") != std::string::npos);
  BOOST_TEST(feed.body.find("taller (") != std::string::npos);
  HttpResponse fast = wiki.ViewUntilFast("/Gallery");
  BOOST_TEST(FindImg(fast.body, "/_thumb/").src ==
             "/_thumb/" + second_sha + "/100/Chart.png");
  BOOST_TEST(
      (PngSize(wiki.Get("/_thumb/" + second_sha + "/100/Chart.png").body) ==
       std::pair<uint32_t, uint32_t>(100, 200)));
  // Restoring the first revision is a new revision too.
  BOOST_REQUIRE(
      editor.Post("/_file-restore/Chart.png", {{"rev", "1"}, {"base_rev", "2"}})
          .status == 303);
  BOOST_TEST(FindImg(wiki.Get("/Gallery").body, "/_thumb/").height == "75");
  // Where it is used: the file page lists the page.
  BOOST_TEST(wiki.Get("/_file-page/Chart.png").body.find("href=\"/Gallery\"") !=
             std::string::npos);
  // An embed is no wanted page.
  BOOST_TEST(wiki.Get("/_wanted").body.find("Missing.png") ==
             std::string::npos);
}

// Issue 19's admin part. A protected file takes new revisions from
// admins only: an editor's upload is refused (403) with the form and its
// summary kept. A deleted file is gone (410) for everyone else at every
// address of it, on every worker, whatever was cached before (the page
// that shows it, from nginx's fast path and memcached; its bytes and
// thumbnail on this host's disk): the page shows the missing file's red
// link instead, /_files and search leave it out, and recent changes, the
// feed and /_api/recent log the delete. An admin still sees its history
// and its bytes (kept by no one), and undeletes it: everything is back.
BOOST_AUTO_TEST_CASE(protect_delete_and_undelete_a_file) {
  TestWiki wiki(TestWikiOptions{.workers = 3, .memcached = true, .fast_path = true});
  Browser& editor = wiki.Editor();
  auto admin = wiki.LoggedInAs("Boss", "a long admin password", true);
  const std::string first = RealPng(400, 300);
  const std::string second = RealPng(300, 200);
  const std::string sha = Sha256Hex(first), second_sha = Sha256Hex(second);
  BOOST_REQUIRE(UploadAs(editor, "Team photo.png", first, "first").status == 303);
  BOOST_REQUIRE(editor.Save("Gallery", 0, "[[File:Team photo.png|team|100px]]\n").status == 303);
  // Found by a word of its name, not only by its start.
  BOOST_TEST(wiki.Get("/_search?q=photo").body.find("/_file-page/Team_photo.png") !=
             std::string::npos);

  // Protected: only admins upload.
  BOOST_TEST(editor.Post("/_file-protect/Team_photo.png", {{"protect", "1"}}).status == 403);
  BOOST_REQUIRE(admin->Post("/_file-protect/Team_photo.png", {{"protect", "1"}}).status == 303);
  BOOST_TEST(editor.Get("/_file-page/Team_photo.png").body.find("Protected") !=
             std::string::npos);
  HttpResponse refused = UploadAs(editor, "Team photo.png", second, "mine now", 1);
  BOOST_TEST(refused.status == 403);
  BOOST_TEST(refused.body.find("protected") != std::string::npos);
  BOOST_TEST(refused.body.find("value=\"mine now\"") != std::string::npos);
  BOOST_TEST(wiki.Scalar("SELECT count(*) FROM file_revision") == 1);
  BOOST_REQUIRE(UploadAs(*admin, "Team photo.png", second, "the admin's", 1).status == 303);
  BOOST_REQUIRE(admin->Post("/_file-protect/Team_photo.png", {{"protect", "0"}}).status == 303);

  // Every cache warm: the page from nginx's fast path and from a
  // logged-in view's copy, the thumbnail and the bytes on disk.
  ImgTag img = FindImg(wiki.ViewUntilFast("/Gallery").body, "/_thumb/");
  BOOST_REQUIRE(img.src == "/_thumb/" + second_sha + "/100/Team_photo.png");
  BOOST_REQUIRE(FindImg(editor.Get("/Gallery").body, "/_thumb/").src == img.src);
  BOOST_REQUIRE(wiki.Get(img.src).status == 200);
  BOOST_REQUIRE(wiki.Get("/_file/Team_photo.png").body == second);

  // Deleted, after a confirmation page with a reason box, by an admin only.
  HttpResponse confirm = admin->Get("/_file-delete/Team_photo.png");
  BOOST_TEST(confirm.status == 200);
  BOOST_TEST(confirm.body.find("name=\"reason\"") != std::string::npos);
  BOOST_TEST(editor.Get("/_file-delete/Team_photo.png").status == 403);
  BOOST_TEST(editor.Post("/_file-delete/Team_photo.png", {{"reason", "mine"}}).status == 403);
  BOOST_TEST(admin->PostWithoutToken("/_file-delete/Team_photo.png", {{"reason", "x"}}).status ==
             403);
  BOOST_TEST(wiki.Get("/_file/Team_photo.png").status == 200);
  BOOST_REQUIRE(
      admin->Post("/_file-delete/Team_photo.png", {{"reason", "Not our photo"}}).status == 303);
  const std::vector<std::string> addresses = {
      "/_file-page/Team_photo.png", "/_file-page/Team_photo.png?rev=1",
      "/_file/Team_photo.png",      "/_blob/" + sha + "/Team_photo.png",
      "/_blob/" + second_sha + "/Team_photo.png", img.src,
      "/_api/file/Team_photo.png"};
  for (int round = 0; round < 3; ++round) {  // three workers
    for (const std::string& address : addresses) {
      BOOST_TEST_CONTEXT(address) {
        BOOST_TEST(wiki.Get(address).status == 410);
        BOOST_TEST(editor.Get(address).status == 410);
      }
    }
    BOOST_TEST(wiki.Get("/_blob/" + second_sha + "/Team_photo.png",
                        {"If-None-Match: \"" + second_sha + "\""})
                   .status == 410);
    HttpResponse gallery = wiki.Get("/Gallery");
    BOOST_TEST(gallery.body.find("/_thumb/") == std::string::npos);
    BOOST_TEST(gallery.body.find("href=\"/_upload?name=Team") != std::string::npos);
    BOOST_TEST(editor.Get("/Gallery").body.find("/_thumb/") == std::string::npos);
  }
  // nginx's location over the copies answers only a worker's redirect.
  BOOST_TEST(wiki.Get("/_wikid_file/" + second_sha).status == 404);
  BOOST_TEST(wiki.Get("/_file-page/Team_photo.png").body.find("Not our photo") !=
             std::string::npos);
  BOOST_TEST(wiki.Get("/_files").body.find("Team photo.png") == std::string::npos);
  BOOST_TEST(wiki.Get("/_search?q=photo").body.find("/_file-page/Team_photo.png") ==
             std::string::npos);
  BOOST_TEST(wiki.Get("/_search?q=Team").body.find("/_file-page/Team_photo.png") ==
             std::string::npos);
  // Logged where everyone sees the changes; the uploads' summaries are
  // not (they are the admins', with the history).
  HttpResponse recent = wiki.Get("/_recent");
  BOOST_TEST(recent.body.find("href=\"/_file-page/Team_photo.png\">Team photo.png</a> "
                              "<span class=\"log delete\">deleted</span>") != std::string::npos);
  BOOST_TEST(recent.body.find("Not our photo") != std::string::npos);
  BOOST_TEST(recent.body.find("the admin&#39;s") == std::string::npos);
  BOOST_TEST(wiki.Get("/_recent.atom").body.find("Team photo.png (deleted)") !=
             std::string::npos);
  HttpResponse api = wiki.Get("/_api/recent");
  BOOST_TEST(api.body.find("\"event\":\"delete\"") != std::string::npos);
  BOOST_TEST(api.body.find("\"kind\":\"file\"") != std::string::npos);
  // An admin sees the page (gone all the same), its history and bytes.
  HttpResponse history = admin->Get("/_file-page/Team_photo.png");
  BOOST_TEST(history.status == 410);
  BOOST_TEST(history.body.find("the admin&#39;s") != std::string::npos);
  BOOST_TEST(history.body.find("Undelete") != std::string::npos);
  HttpResponse bytes = admin->Get("/_file/Team_photo.png");
  BOOST_TEST(bytes.status == 200);
  BOOST_TEST(bytes.body == second);
  BOOST_TEST(bytes.Header("cache-control") == "private, no-store");
  // Nothing is uploaded to a deleted file, by anyone.
  BOOST_TEST(UploadAs(*admin, "Team photo.png", first, "back", 2).status == 403);

  // Undeleted: every address, list, search and the page again.
  BOOST_REQUIRE(admin->Post("/_file-undelete/Team_photo.png", {}).status == 303);
  for (int round = 0; round < 3; ++round) {
    for (const std::string& address : addresses) {
      BOOST_TEST_CONTEXT(address) { BOOST_TEST(wiki.Get(address).status == 200); }
    }
    BOOST_TEST(FindImg(wiki.Get("/Gallery").body, "/_thumb/").src == img.src);
  }
  BOOST_TEST(wiki.Get("/_search?q=photo").body.find("/_file-page/Team_photo.png") !=
             std::string::npos);
  BOOST_TEST(wiki.Get("/_recent").body.find("<span class=\"log undelete\">undeleted</span>") !=
             std::string::npos);
}

BOOST_AUTO_TEST_CASE(the_immutable_address_304_and_ranges) {
  TestWiki wiki(Stack());
  const std::string image = PngHeader(800, 600, std::string(200 << 10, 'p'));
  const std::string sha = Sha256Hex(image);
  BOOST_REQUIRE(UploadAs(wiki.Editor(), "Big.png", image).status == 303);
  const std::string address = "/_blob/" + sha + "/Big.png";
  HttpResponse full = wiki.Get(address);
  BOOST_TEST(full.status == 200);
  BOOST_TEST(full.body == image);
  BOOST_TEST(full.Header("cache-control") == "public, max-age=31536000, immutable");
  BOOST_TEST(full.Header("etag") == "\"" + sha + "\"");
  BOOST_TEST(SentByNginx(full));
  HttpResponse same = wiki.Get(address, {"If-None-Match: \"" + sha + "\""});
  BOOST_TEST(same.status == 304);
  BOOST_TEST(same.body.empty());
  BOOST_TEST(wiki.Get("/_file/Big.png", {"If-None-Match: \"" + sha + "\""}).status == 304);
  HttpResponse part = wiki.Get(address, {"Range: bytes=0-99"});
  BOOST_TEST(part.status == 206);
  BOOST_TEST(part.body == image.substr(0, 100));
  BOOST_TEST(part.Header("content-range") == "bytes 0-99/" + std::to_string(image.size()));
  HttpResponse tail = wiki.Get("/_file/Big.png", {"Range: bytes=-10"});
  BOOST_TEST(tail.status == 206);
  BOOST_TEST(tail.body == image.substr(image.size() - 10));
  HttpResponse head = wiki.Head(address);
  BOOST_TEST(head.status == 200);
  BOOST_TEST(head.Header("content-length") == std::to_string(image.size()));
  // The bytes' folder is nginx's to read, but not a route of its own.
  BOOST_TEST(wiki.Get("/_wikid_file/" + sha).status == 404);

  // Published by the worker that served it: from now on this host's nginx
  // sends the image at that address without asking wikid, as wikid did
  // (model/cache/file_cache.h: Publish). Shown with wikid stopped.
  BOOST_TEST(Listing(wiki.file_cache_dir()).count(sha + ".png") == 1u);
  wiki.StopWikid(std::chrono::seconds(30));
  HttpResponse direct = wiki.Get(address);
  BOOST_TEST(direct.status == 200);
  BOOST_TEST(direct.body == image);
  for (const char* header : {"content-type", "cache-control", "etag", "x-content-type-options",
                             "content-security-policy", "x-frame-options"}) {
    BOOST_TEST(direct.Header(header) == full.Header(header), header);
  }
  BOOST_TEST(direct.Header("content-disposition").starts_with("inline"));
  BOOST_TEST(wiki.Get(address, {"Range: bytes=0-99"}).body == image.substr(0, 100));
  BOOST_TEST(wiki.Head(address).Header("content-length") == std::to_string(image.size()));
  // What nginx cannot decide alone still asks wikid: the latest revision,
  // whether a browser's copy still holds (a file may have been deleted
  // since), another method, bytes never published here.
  BOOST_TEST(wiki.Get("/_file/Big.png").status == 502);
  BOOST_TEST(wiki.Get(address, {"If-None-Match: \"" + sha + "\""}).status == 502);
  BOOST_TEST(wiki.Request("DELETE", address, "", {}).status == 502);
  BOOST_TEST(wiki.Get("/_blob/" + std::string(64, 'b') + "/Big.png").status == 502);
  wiki.StartWikid();
  BOOST_TEST(wiki.Request("DELETE", address, "", {}).status == 405);
}

BOOST_AUTO_TEST_CASE(every_refusal_keeps_the_form_and_says_why) {
  // Bodies over 8 KiB are too large for wikid but for its upload routes,
  // which take 4 KiB files and 64 KiB of form beside them.
  TestWiki wiki(TestWikiOptions{
      .max_upload_bytes = 4096,
      .memcached = true,
      .extra_args = {"--max-body-bytes", "8192", "--max-page-bytes", "4096"}});
  Browser& editor = wiki.Editor();
  auto kept = [](const HttpResponse& r, const std::string& name) {
    return r.body.find("value=\"my summary\"") != std::string::npos &&
           r.body.find(name) != std::string::npos;
  };
  // Too big for wikid (nginx lets twice the limit through for this).
  HttpResponse big = UploadAs(editor, "big.txt", std::string(5000, 'x'), "my summary");
  BOOST_TEST(big.status == 413);
  BOOST_TEST(kept(big, "big.txt"));
  BOOST_TEST(big.body.find("4096") != std::string::npos);
  // Too big for wikid to keep at all (over 4 KiB and 64 KiB): it reads it
  // to its end, keeps the fields before the file and refuses it.
  HttpResponse cut = UploadAs(editor, "cut.txt", std::string(70000, 'x'), "my summary");
  BOOST_TEST(cut.status == 413);
  BOOST_TEST(kept(cut, "cut.txt"));
  // Far too big: nginx refuses it on its Content-Length.
  BOOST_TEST(UploadAs(editor, "huge.txt", std::string(100000, 'x'), "my summary").status == 413);
  // HTML, renamed as an image.
  HttpResponse html = UploadAs(editor, "cat.png", "<!DOCTYPE html><script>alert(1)</script>",
                               "my summary");
  BOOST_TEST(html.status == 415);
  BOOST_TEST(kept(html, "cat.png"));
  // A decompression bomb: 50,000 x 50,000 pixels in a few dozen bytes.
  HttpResponse bomb = UploadAs(editor, "bomb.png", PngHeader(50'000, 50'000), "my summary");
  BOOST_TEST(bomb.status == 422);
  BOOST_TEST(kept(bomb, "bomb.png"));
  // A forged form: a token that is not this browser's.
  HttpResponse forged = editor.PostMultipart(
      "/_upload", {{"csrf", "forged"}, {"name", "forged.txt"}, {"summary", "my summary"}},
      File("forged.txt", "text"), /*with_token=*/false);
  BOOST_TEST(forged.status == 403);
  BOOST_TEST(kept(forged, "forged.txt"));
  // Someone not logged in.
  Browser stranger(wiki);
  HttpResponse anonymous = UploadAs(stranger, "anon.txt", "text", "my summary");
  BOOST_TEST(anonymous.status == 403);
  BOOST_TEST(kept(anonymous, "anon.txt"));
  BOOST_TEST(anonymous.body.find("log in") != std::string::npos);
  for (const HttpResponse* r : {&big, &cut, &html, &bomb, &forged, &anonymous}) {
    BOOST_TEST(r->body.find("Nothing was") != std::string::npos);
  }
  BOOST_TEST(wiki.Scalar("SELECT count(*) FROM file") == 0);
  BOOST_TEST(wiki.Scalar("SELECT count(*) FROM file_blob") == 0);
  // Within the limit, the same form works.
  BOOST_TEST(UploadAs(editor, "fine.txt", std::string(4096, 'x')).status == 303);
}

BOOST_AUTO_TEST_CASE(nothing_uploaded_is_served_as_something_that_runs) {
  TestWiki wiki(TestWikiOptions{.memcached = true});
  Browser& editor = wiki.Editor();
  struct Upload {
    std::string name, bytes;
  } accepted[] = {
      {"onload.svg", "<svg xmlns=\"http://www.w3.org/2000/svg\" onload=\"alert(1)\"/>"},
      {"script.svg", "<?xml version=\"1.0\"?><svg><script>alert(document.cookie)</script></svg>"},
      {"href.svg", "<svg><a href=\"javascript:alert(1)\"><text>x</text></a></svg>"},
      {"notes.txt", "hello <script>alert(1)</script>"},
      {"page.htm", "an .htm name, text inside <b>bold</b>"},
      {"data.bin", std::string("\0\1\2<script>alert(1)</script>", 28)},
      {"x\" onmouseover=\"alert(1).txt", "a quote in the name"},
  };
  int n = 0;
  for (const Upload& u : accepted) {
    const std::string summary = XssPayloads()[n++ % XssPayloads().size()];
    HttpResponse saved = UploadAs(editor, u.name, u.bytes, summary);
    BOOST_TEST_CONTEXT(u.name) {
      BOOST_REQUIRE_EQUAL(saved.status, 303);
      const std::string location = saved.Header("location");
      const std::string url_name = location.substr(std::string("/_file-page/").size());
      HttpResponse bytes = wiki.Get("/_file/" + url_name);
      BOOST_TEST(bytes.status == 200);
      BOOST_TEST(bytes.body == u.bytes);
      BOOST_TEST(bytes.Header("content-type").find("html") == std::string::npos);
      BOOST_TEST(bytes.Header("content-disposition").starts_with("attachment;"));
      BOOST_TEST(bytes.Header("content-disposition").find("\" onmouseover") == std::string::npos);
      BOOST_TEST(bytes.Header("x-content-type-options") == "nosniff");
      BOOST_TEST(bytes.Header("content-security-policy").find("sandbox") != std::string::npos);
      BOOST_TEST(PageDangers(wiki.Get(location).body) == "");
    }
  }
  BOOST_TEST(PageDangers(wiki.Get("/_files").body) == "");
  // HTML under any name is refused, and the refusal is inert too.
  for (const char* name : {"cat.png", "cat.txt", "cat.html", "cat.svg.txt"}) {
    HttpResponse refused =
        UploadAs(editor, name, "<html><body onload=alert(1)><script>alert(2)</script>", "x");
    BOOST_TEST_CONTEXT(name) {
      BOOST_TEST(refused.status == 415);
      BOOST_TEST(PageDangers(refused.body) == "");
    }
  }
  // A hostile name that is no file name is refused, escaped.
  HttpResponse bad = UploadAs(editor, "<img src=x onerror=alert(1)>.png", PngHeader(1, 1), "x");
  BOOST_TEST(bad.status == 400);
  BOOST_TEST(PageDangers(bad.body) == "");
}

// A worker SIGKILLed inside the upload's transaction, bytes and revision
// written but not committed: nothing of it remains, and the next upload
// of the same name works.
BOOST_AUTO_TEST_CASE(a_worker_killed_mid_upload_leaves_no_half_file_and_no_row) {
  TestWiki wiki(TestWikiOptions{.memcached = true,
                                .env = {{"WIKID_FAILPOINTS", "file_save_in_txn_sleep=1500"}}});
  Browser& editor = wiki.Editor();
  const std::string image = PngHeader(10, 10, std::string(1 << 20, 'k'));
  for (int i = 0; i < 3; ++i) {
    BOOST_REQUIRE(wiki.WaitForWorkerCount(2, 60s));
    const size_t inside_before = wiki.LogCount("failpoint file_save_in_txn_sleep");
    auto upload = std::async(std::launch::async, [&] { return UploadAs(editor, "Killed.png", image); });
    BOOST_REQUIRE(WaitUntil(
        [&] { return wiki.LogCount("failpoint file_save_in_txn_sleep") > inside_before; }, 60s));
    BOOST_REQUIRE(wiki.WaitForWriteLock(60s));
    for (pid_t pid : wiki.WorkerPids()) kill(pid, SIGKILL);
    BOOST_TEST(upload.get().status == 502);
  }
  BOOST_REQUIRE(wiki.WaitForWorkerCount(2, 60s));
  // (PostgreSQL checks its own pages and every foreign key as it writes.)
  const bool sqlite = wiki.engine() == Engine::kSqlite;
  if (sqlite) {
    BOOST_TEST(wiki.Scalar("SELECT count(*) FROM pragma_integrity_check WHERE integrity_check != 'ok'") == 0);
  }
  BOOST_TEST(wiki.Scalar("SELECT count(*) FROM file") == 0);
  BOOST_TEST(wiki.Scalar("SELECT count(*) FROM file_revision") == 0);
  BOOST_TEST(wiki.Scalar("SELECT count(*) FROM file_blob") == 0);
  BOOST_TEST(!Listing(wiki.file_cache_dir()).contains(Sha256Hex(image)));
  BOOST_TEST(wiki.Get("/_file/Killed.png").status == 404);
  // Whoever held the write lock is dead: the next upload gets it.
  BOOST_TEST(UploadAs(editor, "Killed.png", image).status == 303);
  BOOST_TEST(wiki.Get("/_file/Killed.png").body == image);
  if (sqlite) BOOST_TEST(wiki.Scalar("SELECT count(*) FROM pragma_foreign_key_check") == 0);
}

// A worker SIGKILLed while it writes this host's copy, after the commit:
// the copy's name never shows part of the bytes; the next view makes the
// copy again and nginx sends it whole.
BOOST_AUTO_TEST_CASE(a_worker_killed_mid_copy_leaves_no_half_copy) {
  TestWiki wiki(TestWikiOptions{.memcached = true,
                                .env = {{"WIKID_FAILPOINTS", "file_cache_before_rename=1500"}}});
  Browser& editor = wiki.Editor();
  const std::string image = PngHeader(10, 10, std::string(1 << 20, 'c'));
  const std::string sha = Sha256Hex(image);
  const size_t before = wiki.LogCount("failpoint file_cache_before_rename");
  auto upload = std::async(std::launch::async, [&] { return UploadAs(editor, "Copy.png", image); });
  BOOST_REQUIRE(WaitUntil(
      [&] { return wiki.LogCount("failpoint file_cache_before_rename") > before; }, 60s));
  for (pid_t pid : wiki.WorkerPids()) kill(pid, SIGKILL);
  BOOST_TEST(upload.get().status == 502);
  BOOST_REQUIRE(wiki.WaitForWorkerCount(2, 60s));
  // Committed before the copy began (an upload killed after its commit is
  // not acknowledged, but it is saved); the copy is only a temporary file.
  BOOST_TEST(wiki.Scalar("SELECT count(*) FROM file_revision") == 1);
  std::set<std::string> names = Listing(wiki.file_cache_dir());
  BOOST_TEST(!names.contains(sha));
  BOOST_TEST(std::count_if(names.begin(), names.end(), [&](const std::string& name) {
               return name.starts_with(sha + ".partial-");
             }) == 1);
  HttpResponse served = wiki.Get("/_file/Copy.png");
  BOOST_TEST(served.status == 200);
  BOOST_TEST(served.body == image);
  BOOST_TEST(Listing(wiki.file_cache_dir()).contains(sha));
  BOOST_TEST(ReadFile(wiki.file_cache_dir() + "/" + sha).size() == image.size());
}

}  // namespace
}  // namespace wikid::testing
