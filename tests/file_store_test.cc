// The file store against a real database, on the engine
// WIKID_TEST_DATABASE names (tests/support/test_database.h; ctest runs
// both): revisions of uploads, their bytes stored once per content,
// conflicts and races, immutable addresses by hash, history and the list
// of files; and FileWrites above it, with this host's disk copies
// (model/cache/file_cache.h).
#define BOOST_TEST_MODULE file_store
#include <boost/test/unit_test.hpp>

#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <random>
#include <set>
#include <thread>

#include <fstream>
#include <iterator>
#include <vector>

#include "model/base/sha256.h"
#include "model/file_writes.h"
#include "model/store/postgres/pg_connection.h"
#include "tests/support/processes_together.h"
#include "tests/support/test_database.h"
#include "tests/support/test_images.h"

namespace wikid {
namespace {

std::string ReadFileOrEmpty(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

FileName Name(std::string_view text) {
  auto name = FileName::Parse(text);
  BOOST_REQUIRE_MESSAGE(name.ok(), name.status().message());
  return *name;
}

// An upload of `bytes` as `name` on top of revision `base`. `bytes` must
// outlive the edit.
FileEdit EditOf(const FileName& name, int64_t base, const std::string& bytes,
                std::string summary = "summary") {
  return FileEdit{.name = name,
                  .base_rev = base,
                  .bytes = &bytes,
                  .sha256 = Sha256Hex(bytes),
                  .content_type = "text/plain; charset=utf-8",
                  .summary = std::move(summary),
                  .author = "192.0.2.1",
                  .created_at = 1700000000 + base};
}

// For a case about what only one engine does.
boost::test_tools::assertion_result OnPostgres(boost::unit_test::test_unit_id) {
  boost::test_tools::assertion_result on =
      testing::EngineUnderTest() == testing::Engine::kPostgres;
  on.message() << "holds an upload with a PostgreSQL table lock (on SQLite, files_http_test "
                  "kills a worker mid-upload)";
  return on;
}

struct StoreFixture {
  testing::TestDatabase database;
  const testing::TempDir& dir = database.dir();
  std::unique_ptr<Storage> storage;
  std::unique_ptr<FileStore> store;

  StoreFixture() { Reopen(); }
  void Reopen() {
    store.reset();
    storage.reset();
    auto opened = database.Open();
    BOOST_REQUIRE_MESSAGE(opened.ok(), opened.status().message());
    storage = std::move(*opened);
    auto created = storage->OpenFiles();
    BOOST_REQUIRE_MESSAGE(created.ok(), created.status().message());
    store = std::move(*created);
  }
  Result<FileSaveResult> Save(std::string_view name, int64_t base, const std::string& bytes,
                              std::string summary = "summary") {
    return store->Save(EditOf(Name(name), base, bytes, std::move(summary)));
  }
  int64_t Count(const char* sql) { return std::stoll(database.Column(sql).at(0)); }
  // Runs `uploads(index, files)` in two processes at once, each on a
  // connection of its own (opened after fork, as a worker's; none of this
  // process's crosses the fork, as SQLite's must not), then opens this
  // one's again. `uploads` returns its exit status, 0 for success.
  void RaceUploads(const std::function<int(int index, FileStore& files)>& uploads) {
    store.reset();
    storage.reset();
    testing::RunProcessesTogether(2, [&](int index, const std::function<void()>& start) {
      auto mine = database.Open();
      if (!mine.ok()) return 10;
      auto files = (*mine)->OpenFiles();
      if (!files.ok()) return 11;
      start();
      return uploads(index, **files);
    });
    Reopen();
  }
};

BOOST_FIXTURE_TEST_SUITE(file_store, StoreFixture)

BOOST_AUTO_TEST_CASE(an_upload_is_revision_one_with_its_bytes) {
  auto saved = Save("notes.txt", 0, "first");
  BOOST_REQUIRE_MESSAGE(saved.ok(), saved.status().message());
  BOOST_TEST(saved->created);
  BOOST_TEST(saved->rev == 1);
  auto file = store->Find(Name("notes.txt"), std::nullopt);
  BOOST_REQUIRE(file.ok());
  BOOST_TEST(file->rev == 1);
  BOOST_TEST(file->latest_rev == 1);
  BOOST_TEST(file->size == 5);
  BOOST_TEST(file->sha256 == Sha256Hex("first"));
  BOOST_TEST(file->summary == "summary");
  BOOST_TEST(*store->ReadBytes(file->sha256) == "first");
}

// A page view's revision names the files its embeds show, at their latest
// revisions, found by key as links find pages; an embed is never a wanted
// page (both engines: PostgreSQL asks for the files in a second query).
BOOST_AUTO_TEST_CASE(a_page_view_finds_the_files_it_embeds_and_never_wants_them) {
  const std::string png = "png bytes";
  FileEdit upload = EditOf(Name("Chart.png"), 0, png);
  upload.content_type = "image/png";
  upload.width = 400;
  upload.height = 300;
  BOOST_REQUIRE(store->Save(upload).ok());
  auto pages = std::move(*storage->OpenPages(nullptr));
  auto page = PageName::Parse("Gallery");
  BOOST_REQUIRE(page.ok());
  auto saved = pages->Save(Edit{.name = *page,
                                .text = "[[File:chart.png]] [[File:Missing.png]] [[Other]]",
                                .author = "192.0.2.1",
                                .created_at = 1700000000,
                                .links = {"File:chart.png", "File:Missing.png", "Other"}});
  BOOST_REQUIRE_MESSAGE(saved.ok(), saved.status().message());
  auto found = pages->Find(*page, std::nullopt);
  BOOST_REQUIRE_MESSAGE(found.ok(), found.status().message());
  BOOST_TEST(found->files.size() == 1u);
  BOOST_REQUIRE(found->files.contains("chart.png"));
  const EmbeddedFile& chart = found->files.at("chart.png");
  BOOST_TEST(chart.name == "Chart.png");
  BOOST_TEST(chart.sha256 == Sha256Hex(png));
  BOOST_TEST(chart.content_type == "image/png");
  BOOST_TEST((chart.width == 400 && chart.height == 300));
  auto wanted = pages->ListWanted(WantedCursor{}, 10);
  BOOST_REQUIRE(wanted.ok());
  BOOST_REQUIRE(wanted->pages.size() == 1u);
  BOOST_TEST(wanted->pages[0].title == "Other");
}

// Uploads stand among page revisions in recent changes where they were
// made (issue 19), and a reader paging as /_recent does (the next window
// before the oldest revision shown) sees every change once, whatever the
// window's size, an upload to a wiki with no page yet included.
BOOST_AUTO_TEST_CASE(uploads_page_among_revisions_in_recent_changes_once_each) {
  auto pages = std::move(*storage->OpenPages(nullptr));
  int64_t at = 1700000000;
  auto save_page = [&](const char* title, int64_t base) {
    auto name = PageName::Parse(title);
    BOOST_REQUIRE(name.ok());
    auto saved = pages->Save(Edit{.name = *name, .base_rev = base, .text = "text " +
                                  std::to_string(at), .author = "192.0.2.1", .created_at = at++});
    BOOST_REQUIRE_MESSAGE(saved.ok(), saved.status().message());
  };
  std::vector<std::string> bytes = {"early", "a1", "b1", "a2"};
  auto upload = [&](const char* name, int64_t base, const std::string& held) {
    FileEdit edit = EditOf(Name(name), base, held, std::string("up ") + name);
    edit.created_at = at++;
    BOOST_REQUIRE(store->Save(edit).ok());
  };
  upload("early.txt", 0, bytes[0]);
  save_page("P1", 0);
  upload("a.txt", 0, bytes[1]);
  upload("b.txt", 0, bytes[2]);
  save_page("P2", 0);
  upload("a.txt", 1, bytes[3]);
  save_page("P1", 1);
  save_page("P3", 0);
  const std::vector<std::string> expected = {
      "P3 1", "P1 2", "upload a.txt 2", "P2 1", "upload b.txt 1", "upload a.txt 1", "P1 1",
      "upload early.txt 1"};
  for (int limit : {1, 2, 3, 10}) {
    std::vector<std::string> seen;
    std::optional<int64_t> before;
    for (int window = 0; window < 20; ++window) {
      auto recent = pages->ListRecentChanges(before, limit);
      BOOST_REQUIRE_MESSAGE(recent.ok(), recent.status().message());
      int revisions = 0;
      int64_t oldest = 0;
      for (const Change& c : recent->changes) {
        if (c.log_action == "upload") {
          seen.push_back("upload " + c.title + " " + std::to_string(c.file_rev));
          BOOST_TEST(c.summary == "up " + c.title);
          BOOST_TEST(c.file_size == 2 + (c.title == "early.txt" ? 3 : 0));
          continue;
        }
        seen.push_back(c.title + " " + std::to_string(c.rev));
        ++revisions;
        oldest = c.revision_id;
      }
      if (revisions < limit || oldest <= 1) break;  // views/fill/page_fill.cc's pager
      before = oldest;
    }
    BOOST_TEST_CONTEXT("windows of " << limit) {
      BOOST_TEST(seen == expected, boost::test_tools::per_element());
    }
  }
}

// A search by name: the files whose keys start with the prefix's, in
// windows, one index range.
BOOST_AUTO_TEST_CASE(files_are_found_by_the_start_of_their_names_in_any_case) {
  const std::string a = "a", b = "b", c = "c", d = "d";
  BOOST_REQUIRE(Save("Team photo.png", 0, a).ok());
  BOOST_REQUIRE(Save("team plan.txt", 0, b).ok());
  BOOST_REQUIRE(Save("Teal.txt", 0, c).ok());
  BOOST_REQUIRE(Save("Ärger.txt", 0, d).ok());
  auto found = store->FindByNamePrefix("TEAM", 10);
  BOOST_REQUIRE_MESSAGE(found.ok(), found.status().message());
  BOOST_REQUIRE(found->files.size() == 2u);
  BOOST_TEST(found->files[0].name == "Team photo.png");
  BOOST_TEST(found->files[0].size == 1);
  BOOST_TEST(found->files[1].name == "team plan.txt");
  BOOST_TEST(!found->more);
  auto first = store->FindByNamePrefix("te", 1);
  BOOST_REQUIRE(first.ok());
  BOOST_TEST(first->files.size() == 1u);
  BOOST_TEST(first->more);
  auto umlaut = store->FindByNamePrefix("ärg", 10);
  BOOST_REQUIRE(umlaut.ok());
  BOOST_REQUIRE(umlaut->files.size() == 1u);
  BOOST_TEST(umlaut->files[0].name == "Ärger.txt");
  BOOST_TEST(store->FindByNamePrefix("x", 10)->files.empty());
}

// A search word finds the files with that word anywhere in their names
// (issue 19), in any letter case, newest first, in windows; a word
// that is only part of a name's word finds nothing.
BOOST_AUTO_TEST_CASE(files_are_found_by_any_word_of_their_names) {
  const std::string a = "a", b = "b", c = "c", d = "d";
  BOOST_REQUIRE(Save("Team photo.png", 0, a).ok());
  BOOST_REQUIRE(Save("Photography.txt", 0, b).ok());
  BOOST_REQUIRE(Save("old-photo.jpg", 0, c).ok());
  BOOST_REQUIRE(Save("Plan.txt", 0, d).ok());
  BOOST_TEST((FileNameWords("Team_photo.jpg, x!") ==
              std::vector<std::string>{"Team", "photo", "jpg", "x"}));
  auto found = store->FindByNameWords({"PHOTO"}, 10);
  BOOST_REQUIRE_MESSAGE(found.ok(), found.status().message());
  BOOST_REQUIRE(found->files.size() == 2u);
  BOOST_TEST(found->files[0].name == "old-photo.jpg");
  BOOST_TEST(found->files[1].name == "Team photo.png");
  BOOST_TEST(!found->more);
  auto first = store->FindByNameWords({"photo"}, 1);
  BOOST_REQUIRE(first.ok());
  BOOST_TEST(first->files.size() == 1u);
  BOOST_TEST(first->more);
  auto either = store->FindByNameWords({"plan", "team"}, 10);
  BOOST_REQUIRE(either.ok());
  BOOST_TEST(either->files.size() == 2u);
  BOOST_TEST(store->FindByNameWords({"phot"}, 10)->files.empty());
  BOOST_TEST(store->FindByNameWords({}, 10)->files.empty());
}

// Protection (issue 19): only an admin's upload or restore is taken,
// and nothing is written for anyone else's.
BOOST_AUTO_TEST_CASE(a_protected_file_takes_uploads_from_admins_only) {
  const std::string one = "one", two = "two", three = "three";
  BOOST_REQUIRE(Save("notes.txt", 0, one).ok());
  BOOST_TEST(store->SetProtected(Name("missing.txt"), true).IsNotFound());
  BOOST_REQUIRE(store->SetProtected(Name("notes.txt"), true).ok());
  BOOST_TEST(store->Find(Name("notes.txt"), std::nullopt)->is_protected);
  BOOST_TEST(Save("notes.txt", 1, two).status().IsForbidden());
  BOOST_TEST(store->Find(Name("notes.txt"), std::nullopt)->latest_rev == 1);
  FileEdit by_admin = EditOf(Name("notes.txt"), 1, two);
  by_admin.may_edit_protected = true;
  auto saved = store->Save(by_admin);
  BOOST_REQUIRE_MESSAGE(saved.ok(), saved.status().message());
  BOOST_TEST(saved->rev == 2);
  BOOST_REQUIRE(store->SetProtected(Name("notes.txt"), false).ok());
  BOOST_TEST(!store->Find(Name("notes.txt"), std::nullopt)->is_protected);
  BOOST_TEST(Save("notes.txt", 2, three).ok());
}

// Deletion (issue 19): the file keeps its revisions (Find, history) but
// leaves the lists, the searches, the pages that embed it and recent
// changes, where the delete is logged; undelete brings all of it back.
BOOST_AUTO_TEST_CASE(a_deleted_file_is_kept_but_listed_nowhere_until_undeleted) {
  auto pages = std::move(*storage->OpenPages(nullptr));
  const std::string png = "png bytes", more = "more bytes";
  BOOST_REQUIRE(Save("Team photo.png", 0, png, "first").ok());
  BOOST_REQUIRE(Save("Team photo.png", 1, more, "second").ok());
  auto page = PageName::Parse("Gallery");
  BOOST_REQUIRE(page.ok());
  BOOST_REQUIRE(pages
                    ->Save(Edit{.name = *page,
                                .text = "[[File:Team photo.png]]",
                                .author = "192.0.2.1",
                                .created_at = 1700000000,
                                .links = {"File:Team photo.png"}})
                    .ok());
  const FileLogRequest request{.name = Name("Team photo.png"),
                               .reason = "not ours",
                               .author = "Boss",
                               .at = 1700000100};
  BOOST_TEST(store->Undelete(request).IsNotFound());
  BOOST_TEST(store->FindDeletion(request.name).status().IsNotFound());
  BOOST_REQUIRE(store->Delete(request).ok());
  BOOST_TEST(store->Delete(request).IsNotFound());
  BOOST_TEST(store->Delete(FileLogRequest{.name = Name("missing.txt")}).IsNotFound());

  auto kept = store->Find(request.name, std::nullopt);
  BOOST_REQUIRE(kept.ok());
  BOOST_TEST(kept->deleted);
  BOOST_TEST(store->FindBytes(request.name, Sha256Hex(png))->deleted);
  BOOST_TEST(store->ListHistory(request.name, std::nullopt, 10)->revisions.size() == 2u);
  auto deletion = store->FindDeletion(request.name);
  BOOST_REQUIRE_MESSAGE(deletion.ok(), deletion.status().message());
  BOOST_TEST(deletion->deleted_by == "Boss");
  BOOST_TEST(deletion->reason == "not ours");
  BOOST_TEST(deletion->deleted_at == 1700000100);
  BOOST_TEST(store->ListFiles("", 10)->files.empty());
  BOOST_TEST(store->FindByNamePrefix("team", 10)->files.empty());
  BOOST_TEST(store->FindByNameWords({"photo"}, 10)->files.empty());
  BOOST_TEST(pages->Find(*page, std::nullopt)->files.empty());
  const std::string other = "other";
  BOOST_TEST(Save("Team photo.png", 2, other).status().IsForbidden());
  BOOST_TEST(Save("team photo.png", 0, other).status().IsInvalid());
  auto recent = pages->ListRecentChanges(std::nullopt, 10);
  BOOST_REQUIRE_MESSAGE(recent.ok(), recent.status().message());
  std::vector<std::string> seen;
  for (const Change& c : recent->changes) {
    seen.push_back(c.log_action + " " + c.title + (c.of_file ? " (file) " : " ") + c.summary);
  }
  BOOST_TEST(seen == (std::vector<std::string>{"delete Team photo.png (file) not ours",
                                               " Gallery "}),
             boost::test_tools::per_element());

  BOOST_REQUIRE(
      store->Undelete(FileLogRequest{.name = request.name, .author = "Boss", .at = 1700000200})
          .ok());
  BOOST_TEST(!store->Find(request.name, std::nullopt)->deleted);
  BOOST_TEST(store->ListFiles("", 10)->files.size() == 1u);
  BOOST_TEST(store->FindByNameWords({"photo"}, 10)->files.size() == 1u);
  BOOST_TEST(pages->Find(*page, std::nullopt)->files.size() == 1u);
  recent = pages->ListRecentChanges(std::nullopt, 10);
  BOOST_REQUIRE(recent.ok());
  seen.clear();
  for (const Change& c : recent->changes) seen.push_back(c.log_action + " " + c.title);
  BOOST_TEST(seen == (std::vector<std::string>{"undelete Team photo.png", "delete Team photo.png",
                                               " Gallery", "upload Team photo.png",
                                               "upload Team photo.png"}),
             boost::test_tools::per_element());
  BOOST_TEST(Save("Team photo.png", 2, other).ok());
}

BOOST_AUTO_TEST_CASE(the_same_bytes_are_stored_once) {
  BOOST_REQUIRE(Save("a.txt", 0, "shared").ok());
  BOOST_REQUIRE(Save("b.txt", 0, "shared").ok());
  BOOST_REQUIRE(Save("a.txt", 1, "other").ok());
  BOOST_REQUIRE(Save("a.txt", 2, "shared").ok());
  BOOST_TEST(Count("SELECT count(*) FROM file_blob") == 2);
  BOOST_TEST(Count("SELECT count(*) FROM file_revision") == 4);
}

BOOST_AUTO_TEST_CASE(the_latest_bytes_again_are_no_new_revision) {
  BOOST_REQUIRE(Save("a.txt", 0, "same").ok());
  auto again = Save("a.txt", 0, "same");  // even on a stale base
  BOOST_REQUIRE(again.ok());
  BOOST_TEST(!again->created);
  BOOST_TEST(again->rev == 1);
}

BOOST_AUTO_TEST_CASE(an_upload_on_a_stale_revision_is_a_conflict_and_writes_nothing) {
  BOOST_REQUIRE(Save("a.txt", 0, "one").ok());
  BOOST_REQUIRE(Save("a.txt", 1, "two").ok());
  BOOST_TEST(Save("a.txt", 1, "three").status().IsConflict());
  BOOST_TEST(Save("a.txt", 0, "four").status().IsConflict());  // "new", but it exists
  BOOST_TEST(Save("b.txt", 1, "five").status().IsConflict());  // no such file
  BOOST_TEST(Count("SELECT count(*) FROM file_revision") == 2);
  BOOST_TEST(Count("SELECT count(*) FROM file_blob") == 2);
}

BOOST_AUTO_TEST_CASE(a_name_in_another_letter_case_is_the_same_file) {
  BOOST_REQUIRE(Save("Photo.txt", 0, "one").ok());
  auto other = Save("photo.TXT", 0, "two");
  BOOST_TEST(other.status().IsInvalid());
  BOOST_TEST(other.status().message().find("Photo.txt") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(a_revision_of_stored_bytes_needs_no_bytes) {
  BOOST_REQUIRE(Save("a.txt", 0, "old").ok());
  BOOST_REQUIRE(Save("a.txt", 1, "new").ok());
  auto restored = store->Save(FileEdit{.name = Name("a.txt"),
                                       .base_rev = 2,
                                       .sha256 = Sha256Hex("old"),
                                       .content_type = "text/plain; charset=utf-8",
                                       .summary = "Restored revision 1",
                                       .author = "x"});
  BOOST_REQUIRE(restored.ok());
  BOOST_TEST(restored->rev == 3);
  BOOST_TEST(store->Find(Name("a.txt"), std::nullopt)->sha256 == Sha256Hex("old"));
  // Bytes that were never stored cannot be named.
  auto unknown = store->Save(FileEdit{.name = Name("a.txt"),
                                      .base_rev = 3,
                                      .sha256 = Sha256Hex("never"),
                                      .content_type = "text/plain",
                                      .author = "x"});
  BOOST_TEST(unknown.status().IsNotFound());
}

BOOST_AUTO_TEST_CASE(bytes_are_found_by_hash_only_under_a_name_that_had_them) {
  BOOST_REQUIRE(Save("a.txt", 0, "one").ok());
  BOOST_REQUIRE(Save("a.txt", 1, "two").ok());
  BOOST_REQUIRE(Save("b.txt", 0, "bee").ok());
  auto old = store->FindBytes(Name("a.txt"), Sha256Hex("one"));
  BOOST_REQUIRE(old.ok());
  BOOST_TEST(old->rev == 1);
  BOOST_TEST(old->latest_rev == 2);
  BOOST_TEST(store->FindBytes(Name("b.txt"), Sha256Hex("one")).status().IsNotFound());
  BOOST_TEST(store->FindBytes(Name("a.txt"), Sha256Hex("bee")).status().IsNotFound());
  BOOST_TEST(store->ReadBytes(Sha256Hex("nothing")).status().IsNotFound());
}

BOOST_AUTO_TEST_CASE(history_is_newest_first_in_windows) {
  for (int rev = 0; rev < 5; ++rev) {
    BOOST_REQUIRE(Save("a.txt", rev, "version " + std::to_string(rev + 1)).ok());
  }
  auto newest = store->ListHistory(Name("a.txt"), std::nullopt, 2);
  BOOST_REQUIRE(newest.ok());
  BOOST_TEST(newest->latest_rev == 5);
  BOOST_REQUIRE(newest->revisions.size() == 2u);
  BOOST_TEST(newest->revisions[0].rev == 5);
  BOOST_TEST(newest->revisions[1].rev == 4);
  auto older = store->ListHistory(Name("a.txt"), 2, 10);
  BOOST_REQUIRE(older.ok());
  BOOST_REQUIRE(older->revisions.size() == 2u);
  BOOST_TEST(older->revisions[0].rev == 2);
  BOOST_TEST(store->ListHistory(Name("none.txt"), std::nullopt, 2).status().IsNotFound());
}

BOOST_AUTO_TEST_CASE(files_are_listed_alphabetically_in_windows) {
  for (const char* name : {"b.txt", "A.txt", "c.txt", "a2.txt"}) {
    BOOST_REQUIRE(Save(name, 0, name).ok());
  }
  auto first = store->ListFiles("", 2);
  BOOST_REQUIRE(first.ok());
  BOOST_REQUIRE(first->files.size() == 2u);
  BOOST_TEST(first->files[0].name == "A.txt");
  BOOST_TEST(first->files[1].name == "a2.txt");
  BOOST_TEST(first->more);
  auto next = store->ListFiles(first->files.back().name, 2);
  BOOST_REQUIRE(next.ok());
  BOOST_REQUIRE(next->files.size() == 2u);
  BOOST_TEST(next->files[0].name == "b.txt");
  BOOST_TEST(next->files[1].name == "c.txt");
  BOOST_TEST(!next->more);
}

// Bytes of every value, NUL among them, several MB: what a text format
// would cut short or escape, and what binary parameters and results must
// carry as they are.
BOOST_AUTO_TEST_CASE(a_large_file_round_trips_byte_exact) {
  std::string big(6 << 20, '\0');
  std::mt19937 random(19);
  for (char& c : big) c = static_cast<char>(random());
  auto saved = Save("big.bin", 0, big);
  BOOST_REQUIRE_MESSAGE(saved.ok(), saved.status().message());
  auto file = store->Find(Name("big.bin"), std::nullopt);
  BOOST_REQUIRE(file.ok());
  BOOST_TEST(file->size == static_cast<int64_t>(big.size()));
  BOOST_TEST(file->sha256 == Sha256Hex(big));
  auto bytes = store->ReadBytes(file->sha256);
  BOOST_REQUIRE(bytes.ok());
  BOOST_TEST(bytes->size() == big.size());
  BOOST_TEST((*bytes == big));  // not printed: 6 MB
  // Empty bytes are bytes too, not NULL.
  BOOST_REQUIRE(Save("empty.txt", 0, "").ok());
  auto empty = store->ReadBytes(Sha256Hex(""));
  BOOST_REQUIRE_MESSAGE(empty.ok(), empty.status().message());
  BOOST_TEST(empty->empty());
}

// Two processes upload, at the same moments, different bytes under one
// name: a new file (neither has seen it) and a file both saw at revision
// 1. Each time one upload wins and the other is told of the revision it
// had not seen, the store's own answer (not a broken constraint's), with
// nothing of it written.
BOOST_AUTO_TEST_CASE(two_uploads_racing_on_one_name_one_wins_the_other_gets_the_conflict) {
  constexpr int kRounds = 20;
  for (int i = 0; i < kRounds; ++i) {
    BOOST_REQUIRE(Save("old " + std::to_string(i) + ".txt", 0, "first").ok());
  }
  RaceUploads([&](int index, FileStore& files) {
    for (int i = 0; i < kRounds; ++i) {
      for (const auto& [name, base] : {std::pair{"new " + std::to_string(i) + ".txt", 0},
                                       std::pair{"old " + std::to_string(i) + ".txt", 1}}) {
        const std::string bytes = "process " + std::to_string(index) + ", " + name;
        auto saved = files.Save(EditOf(*FileName::Parse(name), base, bytes));
        if (saved.ok()) {
          if (!saved->created || saved->rev != base + 1) return 12;
          continue;
        }
        if (!saved.status().IsConflict()) return 13;
        if (saved.status().message().find("that you had not seen") == std::string::npos) {
          return 14;
        }
      }
    }
    return 0;
  });
  BOOST_TEST(Count("SELECT count(*) FROM file") == 2 * kRounds);
  BOOST_TEST(Count("SELECT count(*) FROM file WHERE latest_rev = 1") == kRounds);
  // The first revisions of the old files, and one winner of each race.
  BOOST_TEST(Count("SELECT count(*) FROM file_revision") == 3 * kRounds);
  BOOST_TEST(Count("SELECT count(*) FROM file_blob") == 1 + 2 * kRounds);
}

// Two processes upload the same bytes under two names at the same
// moments: both uploads succeed, and the bytes are stored once.
BOOST_AUTO_TEST_CASE(the_same_bytes_uploaded_under_two_names_at_once_are_stored_once) {
  constexpr int kRounds = 20;
  RaceUploads([&](int index, FileStore& files) {
    for (int i = 0; i < kRounds; ++i) {
      const std::string bytes = "the same bytes, round " + std::to_string(i);
      const std::string name = (index == 0 ? "a " : "b ") + std::to_string(i) + ".txt";
      auto saved = files.Save(EditOf(*FileName::Parse(name), 0, bytes));
      if (!saved.ok() || !saved->created) return 12;
    }
    return 0;
  });
  BOOST_TEST(Count("SELECT count(*) FROM file_revision") == 2 * kRounds);
  BOOST_TEST(Count("SELECT count(*) FROM file_blob") == kRounds);
  auto a = store->Find(Name("a 7.txt"), std::nullopt);
  auto b = store->Find(Name("b 7.txt"), std::nullopt);
  BOOST_REQUIRE((a.ok() && b.ok()));
  BOOST_TEST(a->sha256 == b->sha256);
  BOOST_TEST(*store->ReadBytes(a->sha256) == "the same bytes, round 7");
}

// A process killed inside an upload's transaction, its bytes and file row
// written, not committed: nothing of the upload remains, and the name's
// lock dies with it. The upload is held where it writes its revision by
// a lock this test takes on file_revision, so it dies at a known place,
// found in pg_locks, with no sleep.
BOOST_AUTO_TEST_CASE(a_process_killed_mid_upload_leaves_nothing,
                     *boost::unit_test::precondition(OnPostgres)) {
  store.reset();
  storage.reset();
  // The child prepares its statements first (preparing an INSERT locks
  // its table as running it does), says so, and uploads when told.
  int ready[2], go[2];
  BOOST_REQUIRE((pipe(ready) == 0 && pipe(go) == 0));
  const std::string bytes(1 << 20, 'k');
  const pid_t child = fork();
  BOOST_REQUIRE(child >= 0);
  if (child == 0) {
    auto mine = database.Open();
    if (!mine.ok()) _exit(10);
    auto files = (*mine)->OpenFiles();
    if (!files.ok()) _exit(11);
    char byte = 0;
    if (write(ready[1], &byte, 1) != 1 || read(go[0], &byte, 1) != 1) _exit(12);
    (*files)->Save(EditOf(*FileName::Parse("Killed.bin"), 0, bytes));
    _exit(13);  // not reached while this test holds the lock
  }
  auto holder = PgConnection::Open(database.url(), {});
  BOOST_REQUIRE_MESSAGE(holder.ok(), holder.status().message());
  PgConnection& db = **holder;
  auto hold = std::make_unique<PgTransaction>(db);
  char byte = 0;
  BOOST_REQUIRE(read(ready[0], &byte, 1) == 1);
  BOOST_REQUIRE(hold->Begin().ok());
  BOOST_REQUIRE(db.Exec("LOCK TABLE file_revision IN SHARE MODE").ok());
  BOOST_REQUIRE(write(go[1], &byte, 1) == 1);
  for (int fd : {ready[0], ready[1], go[0], go[1]}) close(fd);
  // The child's server process, waiting for the lock.
  std::string backend;
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
  while (backend.empty() && std::chrono::steady_clock::now() < deadline) {
    auto waiting = db.Exec(
        "SELECT pid FROM pg_locks WHERE NOT granted AND relation = 'file_revision'::regclass");
    BOOST_REQUIRE(waiting.ok());
    if (waiting->rows() > 0) backend = waiting->Text(0, 0);
    else std::this_thread::sleep_for(std::chrono::milliseconds(5));  // a poll, not a wait
  }
  BOOST_REQUIRE_MESSAGE(!backend.empty(), "the upload never reached its revision");
  // It wrote its bytes (and its file row) before it waited.
  BOOST_TEST(db.Exec("SELECT 1 FROM pg_locks WHERE pid = " + backend +
                     " AND relation = 'file_blob'::regclass AND mode = 'RowExclusiveLock'")
                 ->rows() == 1);
  BOOST_REQUIRE(kill(child, SIGKILL) == 0);
  int status = 0;
  BOOST_REQUIRE(waitpid(child, &status, 0) == child);
  BOOST_TEST((WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL));
  hold.reset();  // rolls back: the lock goes, the server finds its client gone
  bool gone = false;
  while (!gone && std::chrono::steady_clock::now() < deadline) {
    auto left = db.Exec("SELECT 1 FROM pg_stat_activity WHERE pid = " + backend);
    BOOST_REQUIRE(left.ok());
    gone = left->rows() == 0;
    if (!gone) std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  BOOST_REQUIRE_MESSAGE(gone, "the killed upload's server process stayed");
  BOOST_TEST(Count("SELECT count(*) FROM file") == 0);
  BOOST_TEST(Count("SELECT count(*) FROM file_revision") == 0);
  BOOST_TEST(Count("SELECT count(*) FROM file_blob") == 0);
  Reopen();
  // Nobody holds the name: the next upload of it works.
  auto saved = Save("Killed.bin", 0, bytes);
  BOOST_REQUIRE_MESSAGE(saved.ok(), saved.status().message());
  BOOST_TEST(saved->rev == 1);
}

// FileWrites: the bytes inspected before anything is written, the copy on
// this host's disk named by the hash and whole.
// Steps 2 and 4's stand-in: records the files whose embedding pages a
// write marked (before its commit) and what each completion was told
// (whether the write committed), and answers `retired`.
struct Retirer {
  std::vector<std::string> names;
  std::vector<bool> committed;
  bool retired = true;
  FileWrites::RetireEmbedders Function() {
    return [this](const std::string& name) -> FileWrites::FinishRetiring {
      names.push_back(name);
      return [this](bool done) {
        committed.push_back(done);
        return retired;
      };
    };
  }
};

BOOST_AUTO_TEST_CASE(file_writes_inspect_then_commit_then_copy) {
  FileCache cache(dir.File("copies"));
  Retirer retirer;
  FileWrites writes(*store, cache, retirer.Function(), 1'000'000);
  const FileAuthor by{.name = "192.0.2.1", .at = 1700000000};
  const std::string png = testing::PngHeader(20, 10, "pixels");
  auto saved = writes.Upload(Name("Photo.png"), 0, png, "", by);
  BOOST_REQUIRE_MESSAGE(saved.ok(), saved.status().message());
  auto file = store->Find(Name("Photo.png"), std::nullopt);
  BOOST_REQUIRE(file.ok());
  BOOST_TEST(file->content_type == "image/png");
  BOOST_TEST(file->width == 20);
  BOOST_TEST(file->height == 10);
  // The copy: whole, readable by nginx's user, in a folder it may search.
  const std::string copy = dir.File("copies") + "/" + Sha256Hex(png);
  struct stat info;
  BOOST_REQUIRE(stat(copy.c_str(), &info) == 0);
  BOOST_TEST((info.st_mode & 0777) == 0644u);
  BOOST_TEST(static_cast<size_t>(info.st_size) == png.size());
  BOOST_REQUIRE(stat(dir.File("copies").c_str(), &info) == 0);
  BOOST_TEST((info.st_mode & 0777) == 0755u);
  // Refused before anything is written.
  BOOST_TEST((writes.Upload(Name("bomb.png"), 0, testing::PngHeader(5000, 5000), "", by)
                  .status()
                  .code() == Status::Code::kTooComplex));
  BOOST_TEST((writes.Upload(Name("page.png"), 0, "<html><script>x</script>", "", by)
                  .status()
                  .code() == Status::Code::kUnsupported));
  BOOST_TEST(Count("SELECT count(*) FROM file_revision") == 1);
  // Served from the copy; a copy removed is made again from the store.
  BOOST_TEST(writes.Serve(file->sha256)->on_disk);
  BOOST_REQUIRE(unlink(copy.c_str()) == 0);
  auto served = writes.Serve(file->sha256);
  BOOST_REQUIRE(served.ok());
  BOOST_TEST(served->on_disk);
  BOOST_TEST(stat(copy.c_str(), &info) == 0);
  // A restore names the old bytes again.
  BOOST_REQUIRE(writes.Upload(Name("Photo.png"), 1, testing::PngHeader(20, 10, "new"), "", by).ok());
  auto restored = writes.Restore(Name("Photo.png"), 1, 2, "Restored revision 1", by);
  BOOST_REQUIRE(restored.ok());
  BOOST_TEST(restored->rev == 3);
  BOOST_TEST(store->Find(Name("Photo.png"), std::nullopt)->sha256 == Sha256Hex(png));
  BOOST_TEST(Count("SELECT count(*) FROM file_blob") == 2);
  // An upload the store refuses (on top of an old revision) is marked,
  // and then told nothing was committed, so the pages' numbers stay.
  BOOST_TEST((writes.Upload(Name("Photo.png"), 1, testing::PngHeader(20, 10, "late"), "", by)
                  .status()
                  .code() == Status::Code::kConflict));
  // Each write the store was asked for (four) marked the pages showing
  // the file; the three new revisions retired them. The uploads refused
  // on their bytes did neither.
  BOOST_TEST((retirer.names == std::vector<std::string>(4, "Photo.png")));
  BOOST_TEST((retirer.committed == std::vector<bool>{true, true, true, false}));
}

// A new revision whose pages' views could not be retired is committed but
// not acknowledged as shown everywhere.
BOOST_AUTO_TEST_CASE(an_upload_whose_pages_cannot_be_retired_is_unavailable) {
  FileCache cache(dir.File("copies"));
  Retirer retirer{.retired = false};
  FileWrites writes(*store, cache, retirer.Function(), 1'000'000);
  const FileAuthor by{.name = "192.0.2.1", .at = 1700000000};
  auto saved =
      writes.Upload(Name("Photo.png"), 0, testing::PngHeader(20, 10), "", by);
  BOOST_TEST((saved.status().code() == Status::Code::kUnavailable));
  BOOST_TEST(saved.status().message().find("saved as revision 1") !=
             std::string::npos);
  BOOST_TEST(Count("SELECT count(*) FROM file_revision") == 1);
  BOOST_TEST(retirer.names.size() == 1u);
  BOOST_TEST((retirer.committed == std::vector<bool>{true}));
}

// Thumbnails: made once per (bytes, width) on this host's disk, named
// beside the bytes, and refused before decoding past the pixel limit.
BOOST_AUTO_TEST_CASE(file_writes_make_a_thumbnail_once) {
  FileCache cache(dir.File("copies"));
  Retirer retirer;
  FileWrites writes(*store, cache, retirer.Function(), 1'000'000);
  const FileAuthor by{.name = "192.0.2.1", .at = 1700000000};
  const std::string png = testing::RealPng(400, 300);
  BOOST_REQUIRE(writes.Upload(Name("Chart.png"), 0, png, "", by).ok());
  auto file = store->Find(Name("Chart.png"), std::nullopt);
  BOOST_REQUIRE(file.ok());
  bool made = false;
  auto first = writes.ServeThumbnail(*file, 100, &made);
  BOOST_REQUIRE_MESSAGE(first.ok(), first.status().message());
  BOOST_TEST(first->on_disk);
  BOOST_TEST(made);
  const std::string copy = dir.File("copies") + "/" + Sha256Hex(png) + "-100";
  BOOST_TEST((testing::PngSize(ReadFileOrEmpty(copy)) ==
              std::pair<uint32_t, uint32_t>(100, 75)));
  auto second = writes.ServeThumbnail(*file, 100, &made);
  BOOST_REQUIRE(second.ok());
  BOOST_TEST(!made);
  // The pixel limit lowered since the upload: refused, nothing decoded.
  FileWrites stricter(*store, cache, retirer.Function(), 1000);
  BOOST_TEST((stricter.ServeThumbnail(*file, 200, &made).status().code() ==
              Status::Code::kTooComplex));
  BOOST_TEST(!made);
  // Without a folder, the worker sends the thumbnail it made.
  FileCache none("");
  FileWrites uncached(*store, none, retirer.Function(), 1'000'000);
  auto sent = uncached.ServeThumbnail(*file, 100, &made);
  BOOST_REQUIRE(sent.ok());
  BOOST_TEST(!sent->on_disk);
  BOOST_TEST((testing::PngSize(sent->bytes) ==
              std::pair<uint32_t, uint32_t>(100, 75)));
}

BOOST_AUTO_TEST_CASE(a_copy_must_hold_the_bytes_its_name_says) {
  FileCache cache(dir.File("copies"));
  BOOST_TEST(cache.Put(Sha256Hex("right"), "wrong").IsInvalid());
  BOOST_TEST(!cache.Has(Sha256Hex("right")));
  BOOST_TEST(!cache.Has("../wikid.db"));
  BOOST_TEST(cache.Put(Sha256Hex("right"), "right").ok());
  BOOST_TEST(cache.Has(Sha256Hex("right")));
  // Without a folder, nothing is kept and the worker sends the bytes.
  FileCache none("");
  Retirer retirer;
  FileWrites writes(*store, none, retirer.Function(), 1'000'000);
  BOOST_REQUIRE(Save("a.txt", 0, "plain").ok());
  auto served = writes.Serve(Sha256Hex("plain"));
  BOOST_REQUIRE(served.ok());
  BOOST_TEST(!served->on_disk);
  BOOST_TEST(served->bytes == "plain");
}

// Published links (what nginx sends without asking a worker): images
// only, a link per copy with the extension of the sniffed type, removed
// for one file at once and for all once a minute old.
BOOST_AUTO_TEST_CASE(only_images_are_published_and_links_expire) {
  const std::string folder = dir.File("published");
  FileCache cache(folder);
  const std::string image = Sha256Hex("image bytes"), text = Sha256Hex("text bytes");
  BOOST_REQUIRE(cache.Put(image, "image bytes").ok());
  BOOST_REQUIRE(cache.Put(text, "text bytes").ok());
  BOOST_REQUIRE(cache.PutThumbnail(image, 100, "small").ok());
  cache.Publish(image, "image/jpeg");
  cache.Publish(FileCache::ThumbnailName(image, 100), "image/jpeg");
  cache.Publish(text, "text/plain; charset=utf-8");
  cache.Publish(Sha256Hex("no copy"), "image/png");
  auto links = [&] {
    std::set<std::string> names;
    for (const auto& entry : std::filesystem::directory_iterator(folder)) {
      if (entry.is_symlink()) names.insert(entry.path().filename().string());
    }
    return names;
  };
  BOOST_TEST((links() == std::set<std::string>{image + ".jpg", image + "-100.jpg"}));
  std::ifstream through(folder + "/" + image + ".jpg");
  BOOST_TEST(std::string(std::istreambuf_iterator<char>(through), {}) == "image bytes");
  // A file deleted here: its links go, its copies stay (a cache).
  cache.Unpublish({image});
  BOOST_TEST(links().empty());
  BOOST_TEST(cache.Has(image));
  // Each link lives kPublishedSeconds; a sweep runs at most every
  // kPublishSweepSeconds in a process.
  cache.Publish(image, "image/jpeg");
  const time_t now = time(nullptr);
  const time_t young = now + FileCache::kPublishedSeconds - FileCache::kPublishSweepSeconds / 2;
  cache.SweepPublished(young);  // a sweep, while the link is young
  BOOST_TEST(links().size() == 1u);
  const time_t old = now + FileCache::kPublishedSeconds + 1;
  cache.SweepPublished(old);  // old enough, but too soon after that sweep
  BOOST_TEST(links().size() == 1u);
  cache.SweepPublished(young + FileCache::kPublishSweepSeconds);
  BOOST_TEST(links().empty());
  BOOST_TEST(cache.Has(image));
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace
}  // namespace wikid
