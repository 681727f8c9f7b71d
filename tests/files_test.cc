// Files as wikid makes and replaces them (model/base/files.h), on real
// files in a temporary folder.
#define BOOST_TEST_MODULE files
#include "model/base/files.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <boost/test/unit_test.hpp>
#include <fstream>

#include "tests/support/temp_dir.h"
#include "tests/support/test_wiki.h"

namespace wikid {
namespace {

using testing::ReadFile;

void WriteBytes(const std::string& path, const std::string& bytes) {
  std::ofstream(path, std::ios::binary) << bytes;
}

bool FdOpen(int fd) { return fcntl(fd, F_GETFD) != -1; }

BOOST_AUTO_TEST_SUITE(files)

BOOST_AUTO_TEST_CASE(copy_bytes_replaces_the_target_with_the_source) {
  testing::TempDir dir;
  // Bigger than the copy's buffer, so it takes more than one read.
  std::string big(3 * (1 << 20) + 17, '\0');
  for (size_t i = 0; i < big.size(); ++i) big[i] = static_cast<char>(i * 7);
  WriteBytes(dir.File("from"), big);
  WriteBytes(dir.File("to"), std::string(5 << 20, 'x'));  // longer: truncated
  BOOST_REQUIRE(CopyBytes(dir.File("from"), dir.File("to")).ok());
  BOOST_TEST((ReadFile(dir.File("to")) == big));
}

BOOST_AUTO_TEST_CASE(copy_bytes_says_which_file_failed) {
  testing::TempDir dir;
  WriteBytes(dir.File("from"), "text");
  Status no_source = CopyBytes(dir.File("missing"), dir.File("from"));
  BOOST_TEST(no_source.message().find("cannot read " + dir.File("missing")) !=
                 std::string::npos,
             no_source.message());
  // The target must exist: CopyBytes fills a file made private before.
  Status no_target = CopyBytes(dir.File("from"), dir.File("absent"));
  BOOST_TEST(no_target.message().find("cannot write " + dir.File("absent")) !=
                 std::string::npos,
             no_target.message());
  BOOST_TEST(!Exists(dir.File("absent")));
}

BOOST_AUTO_TEST_CASE(a_unique_fd_closes_its_descriptor_once) {
  testing::TempDir dir;
  int raw = open(dir.path().c_str(), O_RDONLY);
  {
    UniqueFd fd(raw);
    UniqueFd moved(std::move(fd));
    BOOST_TEST(!fd.valid());
    BOOST_TEST(moved.get() == raw);
    BOOST_TEST(FdOpen(raw));
  }
  BOOST_TEST(!FdOpen(raw));
  UniqueFd closed(open(dir.path().c_str(), O_RDONLY));
  const int number = closed.get();
  BOOST_TEST(closed.Close());
  BOOST_TEST(!closed.valid());
  BOOST_TEST(!FdOpen(number));
}

BOOST_AUTO_TEST_CASE(exists_sees_files_folders_and_dangling_links) {
  testing::TempDir dir;
  BOOST_TEST(Exists(dir.path()));
  BOOST_TEST(!Exists(dir.File("nothing")));
  BOOST_REQUIRE(symlink("nowhere", dir.File("link").c_str()) == 0);
  BOOST_TEST(Exists(dir.File("link")));
}

BOOST_AUTO_TEST_CASE(shared_locks_coexist_and_an_exclusive_one_excludes_them) {
  testing::TempDir dir;
  const std::string path = dir.File("x.lock");
  using Mode = FileLock::Mode;
  auto first = FileLock::Take(path, Mode::kShared, 0);
  BOOST_REQUIRE(first.ok());
  struct stat st {};
  BOOST_REQUIRE(stat(path.c_str(), &st) == 0);
  BOOST_TEST((st.st_mode & 07777) == 0600u);
  BOOST_TEST(FileLock::Take(path, Mode::kShared, 0).ok());
  // flock belongs to the open file: one process conflicts with itself.
  auto refused = FileLock::Take(path, Mode::kExclusive, 0);
  BOOST_TEST((refused.status().code() == Status::Code::kBusy));
  BOOST_TEST(refused.status().message().find(path) != std::string::npos);
  *first = FileLock();
  auto exclusive = FileLock::Take(path, Mode::kExclusive, 0);
  BOOST_REQUIRE(exclusive.ok());
  BOOST_TEST((FileLock::Take(path, Mode::kShared, 0).status().code() ==
              Status::Code::kBusy));
}

// A waiting taker gets the lock once the holder lets go, before its
// deadline; the holder here is another process, as in wikid.
BOOST_AUTO_TEST_CASE(a_taker_waits_for_the_holder_until_its_deadline) {
  testing::TempDir dir;
  const std::string path = dir.File("x.lock");
  const std::string go = dir.File("go");
  int ready[2];
  BOOST_REQUIRE(pipe(ready) == 0);
  pid_t holder = fork();
  if (holder == 0) {
    auto lock = FileLock::Take(path, FileLock::Mode::kExclusive, 0);
    char byte = lock.ok() ? 1 : 0;
    if (write(ready[1], &byte, 1) != 1) _exit(1);
    while (!Exists(go)) usleep(1000);  // until the test lets it go
    _exit(0);
  }
  char byte = 0;
  BOOST_REQUIRE(read(ready[0], &byte, 1) == 1);
  BOOST_REQUIRE(byte == 1);
  BOOST_TEST(
      (FileLock::Take(path, FileLock::Mode::kShared, 30).status().code() ==
       Status::Code::kBusy));
  WriteBytes(go, "");
  auto waited = FileLock::Take(path, FileLock::Mode::kShared, 60000);
  BOOST_TEST(waited.ok(), waited.status().message());
  waitpid(holder, nullptr, 0);
  close(ready[0]);
  close(ready[1]);
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace
}  // namespace wikid
