// fill_wiki: builds a large wiki for scripts/bench-scale through the same
// write path as every save (PageStore::Save, one transaction each, with
// its links, search entry and counts), from a seeded generator, so two
// runs with the same arguments make the same wiki.
//
//   fill_wiki --data DIR --pages N [--seed S] [--history REVISIONS]
//             [--database sqlite:PATH|postgresql://...]
//
// --database as wikid's (the data folder's wikid.db by default), so
// scripts/bench-engines fills a PostgreSQL wiki the same way.
//
// What it makes (issue 16's shape of a grown wiki):
// - N pages "Page 000001"..., 2-10 KB of words each, every one with the
//   word "common" and a word of its own ("rare000001"), and three links
//   to other pages, a tenth of them to names nobody wrote (wanted pages);
// - every fourth page links to "Hub", which has that many backlinks;
// - "History Page" with REVISIONS revisions (10,000 by default) and
//   "Big Page" with 1 MB of text;
// - every revision saved by the account "scale-user".
#include <boost/program_options.hpp>
#include <chrono>
#include <cstdio>
#include <iostream>
#include <cstdlib>
#include <random>
#include <set>
#include <string>

#include "model/wiki.h"

namespace {

using wikid::Edit;
using wikid::PageName;

std::string PageTitle(int64_t n) {
  char title[32];
  std::snprintf(title, sizeof title, "Page %06lld", static_cast<long long>(n));
  return title;
}

// A pronounceable word from the generator: the vocabulary of the wiki.
std::string Word(std::mt19937_64& random) {
  static const char* const kSyllables[] = {"wo", "ra", "ki", "tem", "lu", "nor",
                                           "sa", "pe", "di", "gon", "ma", "vel"};
  std::string word;
  for (int n = 2 + static_cast<int>(random() % 3); n > 0; --n) word += kSyllables[random() % 12];
  return word;
}

}  // namespace

int main(int argc, char** argv) {
  namespace po = boost::program_options;
  std::string data_dir, database;
  int64_t pages = 0, history = 10000;
  uint64_t seed = 16;
  po::options_description options;
  options.add_options()("data", po::value(&data_dir)->required())(
      "pages", po::value(&pages)->required())("seed", po::value(&seed))(
      "history", po::value(&history))("database", po::value(&database));
  try {
    po::variables_map vm;
    po::store(po::parse_command_line(argc, argv, options), vm);
    po::notify(vm);
  } catch (const po::error& e) {
    std::cerr << "fill_wiki: " << e.what()
              << "\nusage: fill_wiki --data DIR --pages N [--seed S] [--history REVISIONS] "
                 "[--database URL]\n";
    return 2;
  }
  wikid::WikiOptions wiki_options;
  wiki_options.storage.data_dir = data_dir;
  wiki_options.storage.database = database;
  wiki_options.tell_admins = false;
  auto wiki = wikid::Wiki::Open(wiki_options);
  if (!wiki.ok()) {
    std::cerr << "fill_wiki: " << wiki.status().message() << "\n";
    return 1;
  }
  const wikid::Stores& stores = (*wiki)->stores();
  auto user = stores.users.Create(*wikid::UserName::Parse("scale-user"), "not a hash",
                                  wikid::Role::kUser, "", 1700000000);
  if (!user.ok()) {
    std::cerr << "fill_wiki: " << user.status().message() << "\n";
    return 1;
  }
  wikid::PageStore& store = (*wiki)->page_store();
  std::mt19937_64 random(seed);
  int64_t clock = 1700000000;
  auto save = [&](const std::string& title, int64_t base, std::string text,
                  std::set<std::string> links) {
    // Straight to the store: no wikid runs while the wiki is filled, so
    // no cache can hold a view of it (PageWrites would have none to keep
    // true).
    auto saved = store.Save(Edit{.name = *PageName::Parse(title),
                                 .base_rev = base,
                                 .text = std::move(text),
                                 .summary = "generated",
                                 .author = user->name,
                                 .account_id = user->id,
                                 .account_created_at = user->created_at,
                                 .created_at = ++clock,
                                 .links = std::move(links)});
    if (!saved.ok()) {
      std::cerr << "fill_wiki: " << title << ": " << saved.status().message() << "\n";
      std::exit(1);
    }
  };
  const auto started = std::chrono::steady_clock::now();
  for (int64_t n = 1; n <= pages; ++n) {
    std::set<std::string> links;
    std::string text = "common rare" + PageTitle(n).substr(5) + "\n\n";
    for (int k = 0; k < 3; ++k) {
      // A tenth of the links lead past the last page: names nobody wrote.
      int64_t target = 1 + static_cast<int64_t>(random() % static_cast<uint64_t>(pages + pages / 10 + 1));
      links.insert(PageTitle(target));
    }
    if (n % 4 == 0) links.insert("Hub");
    for (const std::string& l : links) text += "See [[" + l + "]]. ";
    const size_t size = 2000 + random() % 8000;
    while (text.size() < size) {
      text += (random() % 12 == 0 ? "\n\n" : " ") + Word(random);
    }
    save(PageTitle(n), 0, text, links);
    if (n % 1000 == 0) {
      double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
      std::cerr << "\rfill_wiki: " << n << " of " << pages << " pages, "
                << static_cast<int64_t>(n / seconds) << " saves/s" << std::flush;
    }
  }
  std::cerr << "\n";
  save("Hub", 0, "Linked from every fourth page.", {});
  for (int64_t rev = 0; rev < history; ++rev) {
    save("History Page", rev, "revision " + std::to_string(rev + 1) + " " + Word(random), {});
  }
  std::string big;
  while (big.size() < (1u << 20) - 100) big += Word(random) + (random() % 12 == 0 ? "\n\n" : " ");
  save("Big Page", 0, big, {});
  double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  std::cout << pages + history + 2 << " revisions in " << static_cast<int64_t>(seconds) << " s\n";
  return 0;
}
