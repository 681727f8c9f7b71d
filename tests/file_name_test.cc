// What a file may be named (model/text/file_name.h): a page name (the same
// rules, so the same tricks are refused) with an extension, and no '/'.
#define BOOST_TEST_MODULE file_name
#include <boost/test/unit_test.hpp>

#include "model/text/file_name.h"

namespace wikid {
namespace {

BOOST_AUTO_TEST_CASE(accepted_names_their_titles_and_extensions) {
  struct Case {
    std::string input, title, extension, url_name;
  } cases[] = {
      {"Photo.jpg", "Photo.jpg", "jpg", "Photo.jpg"},
      {"Team_photo.JPEG", "Team photo.JPEG", "jpeg", "Team_photo.JPEG"},
      {"Café menu.pdf", "Café menu.pdf", "pdf", "Caf%C3%A9_menu.pdf"},
      {"archive.tar.gz", "archive.tar.gz", "gz", "archive.tar.gz"},
      {"v1.2 notes.txt", "v1.2 notes.txt", "txt", "v1.2_notes.txt"},
  };
  for (const Case& c : cases) {
    BOOST_TEST_CONTEXT(c.input) {
      auto name = FileName::Parse(c.input);
      BOOST_REQUIRE_MESSAGE(name.ok(), name.status().message());
      BOOST_TEST(name->title() == c.title);
      BOOST_TEST(name->extension() == c.extension);
      BOOST_TEST(name->UrlName() == c.url_name);
    }
  }
}

BOOST_AUTO_TEST_CASE(refused_names_say_which_rule) {
  struct Case {
    std::string input, says;
  } cases[] = {
      {"photo", "extension"},
      {"photo.", "extension"},
      {".png", "extension"},
      {"photo .png", "space before"},
      {"photo.p-g", "ASCII letters and digits"},
      {"photo.abcdefghijk", "at most 10"},
      {"dir/photo.png", "'/'"},
      {"_hidden.png", "reserved"},
      {"<script>alert(1)</script>.png", "must not contain"},
      {"a[b].png", "must not contain"},
      {"zero\u200bwidth.png", "file name"},
      {"", "file name"},
  };
  for (const Case& c : cases) {
    BOOST_TEST_CONTEXT(c.input) {
      auto name = FileName::Parse(c.input);
      BOOST_REQUIRE(!name.ok());
      BOOST_TEST(name.status().IsInvalid());
      BOOST_TEST(name.status().message().find(c.says) != std::string::npos,
                 name.status().message());
      // PageName's messages are about page names; these say file.
      BOOST_TEST(name.status().message().find("page name") == std::string::npos);
    }
  }
}

}  // namespace
}  // namespace wikid
