// Full-text search: what readers type parsed into queries
// (model/text/search_query.h) and made into each engine's expression, and
// the index the page store keeps (PageStore::Search, RebuildSearchIndex,
// `wikid reindex`), against a real database on the engine
// WIKID_TEST_DATABASE names (tests/support/test_database.h; ctest runs
// both): the same searches find the same pages on SQLite and PostgreSQL.
// The cases about SQLite's own index (FTS5's segments, search_word, its
// external content) run on SQLite alone and say so.
#define BOOST_TEST_MODULE search
#include <sys/wait.h>

#include <boost/test/unit_test.hpp>
#include <cstdio>
#include <map>
#include <random>
#include <set>

#include "model/store/postgres/postgres_page_store.h"
#include "model/store/sqlite/database.h"
#include "model/store/sqlite/fts5_query.h"
#include "model/store/sqlite/search_words.h"
#include "model/store/sqlite/sqlite_page_store.h"
#include "model/text/search_query.h"
#include "tests/support/test_database.h"

namespace wikid {
namespace {

// For a case about SQLite's own index.
boost::test_tools::assertion_result OnSqlite(boost::unit_test::test_unit_id) {
  boost::test_tools::assertion_result on =
      testing::EngineUnderTest() == testing::Engine::kSqlite;
  on.message() << "about SQLite's FTS5 index";
  return on;
}

SearchQuery Parse(std::string_view text) {
  auto query = ParseSearch(text);
  BOOST_REQUIRE_MESSAGE(query.ok(), query.status().message());
  return *query;
}

// A parsed query, readably: clauses joined by OR, each its terms (a
// phrase in quotes, a prefix with *) and -term for each it subtracts.
std::string Describe(std::string_view text) {
  auto term = [](const SearchTerm& t) {
    return (t.phrase ? "\"" + t.text + "\"" : t.text) + (t.prefix ? "*" : "");
  };
  std::string out;
  for (const SearchClause& clause : Parse(text).any_of) {
    if (!out.empty()) out += " OR ";
    std::string words;
    for (const SearchTerm& t : clause.all_of) words += (words.empty() ? "" : " ") + term(t);
    for (const SearchTerm& t : clause.none_of) words += " -" + term(t);
    out += words;
  }
  return out;
}

std::string Fts(std::string_view text) { return Fts5Expression(Parse(text)); }

BOOST_AUTO_TEST_CASE(words_are_terms_a_page_must_all_hold) {
  BOOST_TEST(Describe("quick fox") == "quick fox");
  BOOST_TEST(Describe("  café\t") == "café");
  BOOST_TEST(Describe("c++") == "c++");
  BOOST_TEST(Describe("say \"hi\"there") == "say \"hi\" there");
  const SearchQuery parsed = Parse("\"brown fox\" jumps* -lazy");
  BOOST_TEST((parsed == SearchQuery{.any_of = {SearchClause{
                            .all_of = {{.text = "brown fox", .phrase = true},
                                       {.text = "jumps", .prefix = true}},
                            .none_of = {{.text = "lazy"}}}}}));
}

BOOST_AUTO_TEST_CASE(phrases_prefixes_and_the_operators_readers_mean_are_kept) {
  BOOST_TEST(Describe("\"brown fox\" jumps") == "\"brown fox\" jumps");
  BOOST_TEST(Describe("fox*") == "fox*");
  BOOST_TEST(Describe("cat OR dog") == "cat OR dog");
  BOOST_TEST(Describe("cat NOT dog") == "cat -dog");
  BOOST_TEST(Describe("cat -dog") == "cat -dog");
  BOOST_TEST(Describe("cat AND dog") == "cat dog");
}

// As FTS5 (and websearch_to_tsquery) read them: AND binds tighter than
// OR, NOT takes a word out of the words since the last OR, -word out of
// everything before it.
BOOST_AUTO_TEST_CASE(operators_bind_as_they_always_have) {
  BOOST_TEST(Describe("a b OR c") == "a b OR c");
  BOOST_TEST(Describe("a OR b c") == "a OR b c");
  BOOST_TEST(Describe("a OR b NOT c") == "a OR b -c");
  BOOST_TEST(Describe("a OR b -c") == "a -c OR b -c");
  BOOST_TEST(Describe("a -c OR b") == "a -c OR b");
  BOOST_TEST(Describe("a OR b -c d") == "a d -c OR b d -c");
  BOOST_TEST(Describe("a OR b -c d OR e f") == "a d -c OR b d -c OR e f");
  BOOST_TEST(Describe("a OR -b") == "a -b");
}

BOOST_AUTO_TEST_CASE(operators_out_of_place_are_words) {
  BOOST_TEST(Describe("OR") == "OR");
  BOOST_TEST(Describe("OR cat") == "OR cat");
  BOOST_TEST(Describe("cat OR") == "cat OR");
  BOOST_TEST(Describe("cat or dog") == "cat or dog");
  BOOST_TEST(Describe("-dog cat") == "cat");  // nothing to subtract from yet
  BOOST_TEST(Describe("NEAR(a b)") == "NEAR(a b)");
  BOOST_TEST(Describe("title:secret") == "title:secret");
}

BOOST_AUTO_TEST_CASE(quotes_inside_and_unbalanced_are_literal) {
  BOOST_TEST(Describe("\"unbalanced phrase") == "\"unbalanced phrase\"");
  BOOST_TEST(Describe("c++ \"unbalanced") == "c++ \"unbalanced\"");
  BOOST_TEST(Describe("it's") == "it's");
  BOOST_TEST(Describe("a\"\"b") == "a b");
  BOOST_TEST(Describe(std::string_view("nul\0byte", 8)) == "nul byte");
}

BOOST_AUTO_TEST_CASE(nothing_to_search_for_is_a_message_not_a_query) {
  for (const char* text :
       {"", "   ", "***", "\"\"", "-", "+ - ^ :", "\"   \"", "&|!():'\\", "* - \""}) {
    auto query = ParseSearch(text);
    BOOST_TEST(!query.ok(), text);
    BOOST_TEST(query.status().IsInvalid());
    BOOST_TEST(query.status().message() ==
               "Type a word or a number to search for.");
  }
  auto too_long = ParseSearch(std::string(kMaxSearchBytes + 1, 'a'));
  BOOST_TEST(!too_long.ok());
  BOOST_TEST(too_long.status().message().find("at most 500") !=
             std::string::npos);
}

// Issue 16: a one-character prefix would merge the index lists of every
// word that starts with it; two characters have a list of their own.
BOOST_AUTO_TEST_CASE(a_prefix_needs_two_characters) {
  for (const char* text : {"w*", "fox w*", "é*", "a-b*"}) {
    auto query = ParseSearch(text);
    BOOST_TEST(!query.ok(), text);
    BOOST_TEST(query.status().IsInvalid());
    BOOST_TEST(query.status().message().find("at least two letters") !=
               std::string::npos, text);
  }
  for (const char* text : {"wo*", "éa*", "a-bc*", "12*"}) {
    BOOST_TEST(ParseSearch(text).ok(), text);
  }
}

// The SQLite engine's expression: every term an FTS5 string, the
// operators FTS5's own, whose precedence is the query's.
BOOST_AUTO_TEST_CASE(fts5_expressions_quote_every_term) {
  BOOST_TEST(Fts("quick fox") == "\"quick\" AND \"fox\"");
  BOOST_TEST(Fts("say \"hi\"there") == "\"say\" AND \"hi\" AND \"there\"");
  BOOST_TEST(Fts("\"brown fox\" jumps") == "\"brown fox\" AND \"jumps\"");
  BOOST_TEST(Fts("fox*") == "\"fox\"*");
  BOOST_TEST(Fts("cat OR dog") == "\"cat\" OR \"dog\"");
  BOOST_TEST(Fts("cat -dog") == "\"cat\" NOT \"dog\"");
  BOOST_TEST(Fts("a OR b -c") == "\"a\" NOT \"c\" OR \"b\" NOT \"c\"");
  BOOST_TEST(Fts("NEAR(a b)") == "\"NEAR(a\" AND \"b)\"");
  BOOST_TEST(Fts("say\"\"\"hi") == "\"say\" AND \"hi\"");
  BOOST_TEST(Fts("it\"s\"") == "\"it\" AND \"s\"");
  BOOST_TEST(Fts("\"a \"\"b\"") == "\"a \" AND \"b\"");
}

// A store of either engine, and its searches.
struct StoreFixture {
  testing::TestDatabase database;
  std::unique_ptr<Storage> storage;
  std::unique_ptr<PageStore> store;

  StoreFixture() {
    auto opened = database.Open();
    BOOST_REQUIRE_MESSAGE(opened.ok(), opened.status().message());
    storage = std::move(*opened);
    auto created = storage->OpenPages(nullptr);
    BOOST_REQUIRE_MESSAGE(created.ok(), created.status().message());
    store = std::move(*created);
  }
  void Save(std::string_view title, int64_t base, std::string text) {
    auto saved = store->Save(Edit{.name = *PageName::Parse(title),
                                  .base_rev = base,
                                  .text = std::move(text),
                                  .author = "127.0.0.1",
                                  .created_at = 1700000000});
    BOOST_REQUIRE_MESSAGE(saved.ok(), saved.status().message());
  }
  Result<SearchResults> Search(std::string_view text, int64_t offset = 0, int limit = 10) {
    return store->Search(Parse(text), offset, limit);
  }
  std::vector<std::string> Titles(std::string_view text, int64_t offset = 0,
                                  int limit = 10) {
    auto results = Search(text, offset, limit);
    BOOST_REQUIRE_MESSAGE(results.ok(), results.status().message());
    std::vector<std::string> titles;
    for (const auto& hit : results->hits) titles.push_back(hit.title);
    return titles;
  }
  void SetSearchCandidates(int64_t n) {
    if (auto* sqlite = dynamic_cast<SqlitePageStore*>(store.get())) {
      sqlite->set_search_candidates(n);
    } else {
      dynamic_cast<PostgresPageStore&>(*store).set_search_candidates(n);
    }
  }
};

// SQLite's own connection and store, for the cases about its index.
struct SqliteFixture : StoreFixture {
  std::unique_ptr<Database> db = std::move(*Database::Open(database.dir().File("wikid.db"), {}));
  SqliteFixture() {
    store.reset();
    store = std::move(*SqlitePageStore::Create(*db));
  }
};

using V = std::vector<std::string>;

// Whatever a reader types is refused with a message by the parser, or
// searched: never an error of the engine's query language (FTS5's MATCH
// syntax, PostgreSQL's tsquery), whose operators and quotes are only text.
BOOST_FIXTURE_TEST_CASE(any_text_a_reader_types_is_a_query_the_engine_accepts,
                        StoreFixture) {
  Save("Some page", 0,
       "with some text (and brackets) \"quoted\" and c++ code: a:b ^x");
  std::mt19937 random(3);
  // Bytes, so "é" is sometimes cut in two: not UTF-8.
  const std::string alphabet = "ab \"*-():^+{}[]ORNTADE\\'.,;é&|!<>";
  for (int round = 0; round < 2000; ++round) {
    std::string text;
    int n = std::uniform_int_distribution<>(1, 16)(random);
    for (int i = 0; i < n; ++i) text += alphabet[random() % alphabet.size()];
    auto query = ParseSearch(text);
    if (!query.ok()) continue;
    auto results = store->Search(*query, 0, 5);
    BOOST_TEST(results.ok(),
               "typed: " << text << " FTS5: " << Fts5Expression(*query)
                         << " error: " << results.status().message());
  }
  // The classics.
  for (const char* text :
       {"c++ \"unbalanced", "NOT", "a NOT", "(((", "\"*\"", "a* OR* b",
        "^start", "{title}: x", "NEAR/3", "\"some\" OR OR text", "—", "— some",
        "some -—", "\xff\xfe", "s\xc3", "\xed\xa0\x80text"}) {
    auto query = ParseSearch(text);
    if (!query.ok()) continue;
    auto results = store->Search(*query, 0, 5);
    BOOST_TEST(results.ok(), text << ": " << results.status().message());
  }
}

// The query languages' metacharacters (FTS5's, tsquery's, SQL's) are
// words' edges like any punctuation: the words between them are found.
BOOST_FIXTURE_TEST_CASE(metacharacters_are_text, StoreFixture) {
  Save("Some page", 0,
       "with some text (and brackets) \"quoted\" and c++ code: a:b ^x");
  for (const char* text :
       {"some & text", "some | text", "!some", "(some)", "'some'", "some\\", "\\some",
        "some''", "text' OR '1'='1", "some <-> text", "some:text", "c++", "a:b",
        "\"quoted\"", "brackets)", "some;--", "some' & !'x", "some\\' | 'x",
        "\"some text", "some -'absent'", "-some text", "so*"}) {
    BOOST_TEST((Titles(text) == V{"Some page"}), text);
  }
  for (const char* text :
       {"absent & text", "!!!absent", "absent | missing", "zzz' OR 'yyy", "some -text",
        "'some' -'text'", "\"text some\"", "some -so*"}) {
    BOOST_TEST(Titles(text).empty(), text);
  }
}

BOOST_FIXTURE_TEST_CASE(name_matches_come_first_then_relevance, StoreFixture) {
  Save("Gardening", 0,
       "How to grow tomatoes. Tomatoes need sun. Tomatoes, tomatoes.");
  Save("Tomatoes", 0, "A red fruit.");
  Save("Kitchen", 0, "Cook the tomatoes.");
  Save("Unrelated", 0, "Nothing here.");
  V titles = Titles("tomatoes");
  BOOST_REQUIRE_EQUAL(titles.size(), 3u);
  BOOST_TEST(titles[0] == "Tomatoes");
  BOOST_TEST(titles[1] == "Gardening");  // more often, so ranked higher
  BOOST_TEST(titles[2] == "Kitchen");
  // A prefix: names first, then the newest (a prefix's words are not
  // weighed).
  BOOST_TEST((Titles("tomato*") == V{"Tomatoes", "Kitchen", "Gardening"}));
  BOOST_TEST((Titles("tomatoes", 1, 1) == V{"Gardening"}));
  auto results = Search("tomatoes", 0, 1);
  BOOST_TEST(results->total == 3);
  BOOST_TEST(results->hits.size() == 1u);
  BOOST_TEST(Search("tomatoes", 7, 10)->hits.empty());
}

// Issue 16: a search ranks a bounded number of candidates, whatever the
// size of the wiki, and says when more match than it counted.
BOOST_FIXTURE_TEST_CASE(a_search_ranks_the_newest_candidates_and_says_so,
                        StoreFixture) {
  SetSearchCandidates(4);
  Save("Word list", 0, "the oldest page, named for the word");
  for (int i = 1; i <= 8; ++i) {
    Save("Page " + std::to_string(i), 0,
         "word " + std::string(static_cast<size_t>(i), 'x') + " filler");
  }
  auto results = Search("word", 0, 10);
  BOOST_REQUIRE(results.ok());
  BOOST_TEST(results->total == 4);
  BOOST_TEST(results->more);
  // The page named for the word first, though it is the oldest; then the
  // newest four that match.
  V titles;
  for (const auto& hit : results->hits) titles.push_back(hit.title);
  BOOST_REQUIRE_EQUAL(titles.size(), 5u);
  BOOST_TEST(titles[0] == "Word list");
  V rest(titles.begin() + 1, titles.end());
  std::sort(rest.begin(), rest.end());
  BOOST_TEST((rest == V{"Page 5", "Page 6", "Page 7", "Page 8"}));
  // Under the cap, the count is exact.
  auto few = Search("oldest", 0, 10);
  BOOST_TEST(few->total == 1);
  BOOST_TEST(!few->more);
}

// Issue 16: a prefix of five characters or more becomes the words that
// start with it (search_words.h), recorded as pages are saved; one of
// four or fewer reads FTS5's own prefix list (schema 17).
BOOST_FIXTURE_TEST_CASE(a_long_prefix_finds_every_word_that_starts_with_it,
                        StoreFixture) {
  Save("Alpha", 0, "the wodingar sings");
  Save("Beta", 0, "a Wódinmo, folded");        // diacritics and case folded
  Save("Gamma", 0, "Wodin alone");             // the prefix itself is a word
  Save("Delta", 0, "wodj is past the prefix");
  Save("Epsilon", 0, "big-wodinrun and small-wodinrun");
  BOOST_TEST((Titles("wodin*") == V{"Epsilon", "Gamma", "Beta", "Alpha"}));
  BOOST_TEST((Titles("wódin*") == V{"Epsilon", "Gamma", "Beta", "Alpha"}));
  BOOST_TEST((Titles("wodi*") == V{"Epsilon", "Gamma", "Beta", "Alpha"}));
  BOOST_TEST((Titles("woding*") == V{"Alpha"}));
  BOOST_TEST((Titles("wodingar*") == V{"Alpha"}));
  BOOST_TEST(Titles("wodingars*").empty());
  // The prefix ends a phrase: only the phrase's other words before it.
  BOOST_TEST((Titles("big-wodin*") == V{"Epsilon"}));
  BOOST_TEST(Titles("sings-wodin*").empty());
  // With other words and operators around it.
  BOOST_TEST((Titles("wodin* folded") == V{"Beta"}));
  BOOST_TEST((Titles("wodin* -alone") == V{"Epsilon", "Beta", "Alpha"}));
  BOOST_TEST((Titles("sings OR wodj*") == V{"Delta", "Alpha"}));
  // Matches are marked in the snippet as any word's.
  auto results = Search("woding*", 0, 10);
  BOOST_REQUIRE(results.ok());
  BOOST_REQUIRE_EQUAL(results->hits.size(), 1u);
  BOOST_TEST(results->hits[0].snippet.find(std::string(1, kMatchStart) + "wodingar" +
                                           kMatchEnd) != std::string::npos,
             results->hits[0].snippet);
  // A word that left its page no longer finds it.
  Save("Alpha", 1, "silent now");
  BOOST_TEST((Titles("wodin*") == V{"Epsilon", "Gamma", "Beta"}));
}

BOOST_FIXTURE_TEST_CASE(a_prefix_of_too_many_words_asks_for_more_letters, SqliteFixture,
                        *boost::unit_test::precondition(OnSqlite)) {
  std::string text;
  for (int i = 0; i <= kMaxPrefixWords; ++i) text += "zyxw" + std::to_string(1000 + i) + " ";
  Save("Many", 0, text);
  auto refused = Search("zyxw1*", 0, 10);
  BOOST_REQUIRE(!refused.ok());
  BOOST_TEST(refused.status().IsInvalid());
  BOOST_TEST(refused.status().message().find("add a letter") != std::string::npos,
             refused.status().message());
  // One letter more and it is a search again; four letters or fewer read
  // FTS5's own prefix index, however many words.
  BOOST_TEST((Titles("zyxw12*") == V{"Many"}));
  BOOST_TEST((Titles("zyxw*") == V{"Many"}));
  BOOST_TEST((Titles("zyx*") == V{"Many"}));
}

BOOST_FIXTURE_TEST_CASE(a_reindex_makes_the_words_those_of_the_index, SqliteFixture,
                        *boost::unit_test::precondition(OnSqlite)) {
  Save("Alpha", 0, "wodigar");
  Save("Beta", 0, "wodigmo");
  // A word lost (an index restored from an older backup), and a save
  // whose hundreds of words left with the next one.
  BOOST_REQUIRE(db->Exec("DELETE FROM search_word WHERE word = 'wodigmo'").ok());
  BOOST_TEST((Titles("wodig*") == V{"Alpha"}));
  std::string text;
  for (int i = 0; i <= kMaxPrefixWords; ++i) text += "wikip" + std::to_string(1000 + i) + " ";
  Save("Vandal", 0, text);
  Save("Vandal", 1, "wikipedia, reverted");
  BOOST_TEST(!Search("wikip*", 0, 10).ok());
  auto indexed = store->RebuildSearchIndex(2);
  BOOST_REQUIRE_MESSAGE(indexed.ok(), indexed.status().message());
  BOOST_TEST((Titles("wodig*") == V{"Beta", "Alpha"}));
  BOOST_TEST((Titles("wikip*") == V{"Vandal"}));
  auto q = db->Prepare("SELECT count(*) FROM search_word");
  Query count(**q);
  BOOST_REQUIRE(*count->Step());
  // Five characters or more: alpha, vandal, wodigar, wodigmo, wikipedia,
  // reverted.
  BOOST_TEST(count->ColumnInt(0) == 6);
}

BOOST_FIXTURE_TEST_CASE(a_subtracted_prefix_leaves_the_ranking_alone, StoreFixture) {
  Save("Aaa", 0, "cat cat cat");
  Save("Bbb", 0, "cat");
  BOOST_TEST((Titles("cat") == V{"Aaa", "Bbb"}));
  BOOST_TEST((Titles("cat -wodi*") == V{"Aaa", "Bbb"}));
  BOOST_TEST((Titles("ca*") == V{"Bbb", "Aaa"}));  // a prefix: newest first
}

BOOST_FIXTURE_TEST_CASE(a_name_that_matches_counts_only_if_the_page_does,
                        StoreFixture) {
  Save("Apple pie", 0, "with banana, oddly");
  Save("Apple tart", 0, "apples only");
  BOOST_TEST((Titles("apple -banana") == V{"Apple tart"}));
  BOOST_TEST((Titles("apple") == V{"Apple tart", "Apple pie"}));
}

BOOST_FIXTURE_TEST_CASE(matches_are_marked_in_names_and_snippets,
                        StoreFixture) {
  Save("Café Müller", 0, "The CAFÉ opens at nine; coffee is served all day.");
  auto results = Search("cafe", 0, 10);
  BOOST_REQUIRE(results.ok());
  BOOST_REQUIRE_EQUAL(results->hits.size(), 1u);
  const SearchHit& hit = results->hits[0];
  BOOST_TEST(hit.title_marked ==
             std::string() + kMatchStart + "Café" + kMatchEnd + " Müller");
  BOOST_TEST(hit.snippet.find(std::string() + kMatchStart + "CAFÉ" +
                              kMatchEnd) != std::string::npos);
  BOOST_TEST(hit.latest_rev == 1);
  BOOST_TEST((Titles("\"coffee nine\"") == V{}));  // not in that order
  BOOST_TEST((Titles("\"opens at nine\"") == V{"Café Müller"}));
  BOOST_TEST((Titles("coffee -tea") == V{"Café Müller"}));
  BOOST_TEST((Titles("coffee -served") == V{}));
  BOOST_TEST((Titles("tea OR coffee") == V{"Café Müller"}));
}

// A snippet is a few words around the first match, whatever the length of
// the page or the number of its matches.
BOOST_FIXTURE_TEST_CASE(a_snippet_is_a_window_around_the_first_match,
                        StoreFixture) {
  std::string text;
  for (int i = 0; i < 1000; ++i) {
    text += i == 500 ? "the needle in a haystack " : "hay" + std::to_string(i) + " ";
  }
  for (int i = 0; i < 300; ++i) text += "needles ";
  Save("Long page", 0, text);
  auto results = Search("needle*", 0, 10);
  BOOST_REQUIRE(results.ok());
  BOOST_REQUIRE_EQUAL(results->hits.size(), 1u);
  const std::string& snippet = results->hits[0].snippet;
  BOOST_TEST(snippet.starts_with("…hay495 "), snippet);
  BOOST_TEST(snippet.find(std::string() + kMatchStart + "needle" + kMatchEnd +
                          " in a haystack") != std::string::npos);
  BOOST_TEST(snippet.ends_with("…"));
  BOOST_TEST(std::count(snippet.begin(), snippet.end(), ' ') == 23);
  // A phrase is one mark, never cut in two.
  auto phrase = Search("\"needle in a haystack\"", 0, 10);
  BOOST_REQUIRE(phrase.ok());
  BOOST_REQUIRE_EQUAL(phrase->hits.size(), 1u);
  const std::string& marked = phrase->hits[0].snippet;
  BOOST_TEST(marked.find(std::string() + kMatchStart + "needle in a haystack" +
                         kMatchEnd) != std::string::npos, marked);
  // A short text is shown whole, and a name's match shows the text's start.
  Save("Straße", 0, "Ünïcode text, short.");
  auto whole = Search("unicode", 0, 10);
  BOOST_REQUIRE(whole.ok());
  BOOST_REQUIRE_EQUAL(whole->hits.size(), 1u);
  BOOST_TEST(whole->hits[0].snippet ==
             std::string() + kMatchStart + "Ünïcode" + kMatchEnd + " text, short.");
  auto named = Search("strasse OR straße", 0, 10);
  BOOST_REQUIRE(named.ok());
  BOOST_REQUIRE_EQUAL(named->hits.size(), 1u);
  BOOST_TEST(named->hits[0].snippet == "Ünïcode text, short.");
  // A "word" of a thousand characters (CJK runs are one token) is cut,
  // at a character's start.
  std::string run;
  for (int i = 0; i < 1000; ++i) run += "漢";
  Save("Kanji", 0, "kanji " + run);
  auto long_word = Search("kanji", 0, 10);
  BOOST_REQUIRE(long_word.ok());
  BOOST_REQUIRE_EQUAL(long_word->hits.size(), 1u);
  const std::string& cut = long_word->hits[0].snippet;
  BOOST_TEST(cut.size() < 420u);
  BOOST_TEST(cut.ends_with("漢…"));
}

BOOST_FIXTURE_TEST_CASE(the_index_follows_every_save_in_its_transaction,
                        StoreFixture) {
  Save("Notes", 0, "the first draft mentions apples");
  BOOST_TEST((Titles("apples") == V{"Notes"}));
  Save("Notes", 1, "now only pears");
  BOOST_TEST(Titles("apples").empty());  // old revisions are not searched
  BOOST_TEST((Titles("pears") == V{"Notes"}));
  // A refused save (a conflict) changes nothing in the index either.
  auto refused = store->Save(Edit{.name = *PageName::Parse("Notes"),
                                  .base_rev = 1,
                                  .text = "bananas",
                                  .author = "127.0.0.1"});
  BOOST_TEST(refused.status().IsConflict());
  BOOST_TEST(Titles("bananas").empty());
}

BOOST_FIXTURE_TEST_CASE(the_index_is_rebuilt_from_latest_revisions,
                        StoreFixture) {
  Save("One", 0, "alpha text");
  Save("Two", 0, "beta text");
  Save("Two", 1, "gamma text");
  database.Exec("DELETE FROM page_search");
  BOOST_TEST(Titles("text").empty());
  auto indexed = store->RebuildSearchIndex();
  BOOST_REQUIRE(indexed.ok());
  BOOST_TEST(*indexed == 2);
  // As relevant as each other: the newer page first.
  BOOST_TEST((Titles("text") == V{"Two", "One"}));
  BOOST_TEST(Titles("beta").empty());
  BOOST_TEST((Titles("gamma") == V{"Two"}));
}

// Issue 16: a rebuild goes in batches, each its own transaction, and a save
// between two batches is indexed whether its page was rebuilt already (its
// own transaction indexes it) or not yet (the later batch reads it).
BOOST_FIXTURE_TEST_CASE(a_rebuild_goes_in_batches_and_lets_saves_through,
                        StoreFixture) {
  for (int i = 0; i < 5; ++i) Save("Page " + std::to_string(i), 0, "old words");
  database.Exec("DELETE FROM page_search");
  std::vector<int64_t> progress;
  auto indexed = store->RebuildSearchIndex(2, [&](int64_t done, int64_t total) {
    progress.push_back(done);
    BOOST_TEST(total == 5);
    if (done == 2) {
      Save("Page 0", 1, "newer words");  // rebuilt already
      Save("Page 4", 1, "fresh words");  // not yet
    }
  });
  BOOST_REQUIRE(indexed.ok());
  BOOST_TEST(*indexed == 5);
  BOOST_TEST((progress == std::vector<int64_t>{2, 4, 5}));
  BOOST_TEST((Titles("newer") == V{"Page 0"}));
  BOOST_TEST((Titles("fresh") == V{"Page 4"}));
  BOOST_TEST((Titles("old") == V{"Page 3", "Page 2", "Page 1"}));
}

// Issue 16: batches leave the index in many segments, which every search
// reads; the rebuild packs them, a step per transaction.
BOOST_FIXTURE_TEST_CASE(a_rebuild_leaves_each_index_in_one_segment, SqliteFixture,
                        *boost::unit_test::precondition(OnSqlite)) {
  auto segments = [&](const char* index) {
    auto q = db->Prepare("SELECT count(DISTINCT segid) FROM " + std::string(index));
    BOOST_REQUIRE(q.ok());
    Query query(**q);
    BOOST_REQUIRE(*query->Step());
    return query->ColumnInt(0);
  };
  for (int i = 0; i < 12; ++i) Save("Page " + std::to_string(i), 0, "some words");
  // Each save committed its own segment; FTS5 merges four at a time.
  BOOST_REQUIRE_GT(segments("page_search_idx"), 1);
  BOOST_REQUIRE_GT(segments("page_title_search_idx"), 1);
  auto indexed = store->RebuildSearchIndex(1);
  BOOST_REQUIRE(indexed.ok());
  BOOST_TEST(segments("page_search_idx") == 1);
  BOOST_TEST(segments("page_title_search_idx") == 1);
  BOOST_TEST(Titles("words").size() == 10u);
  BOOST_TEST(Search("words", 0, 20)->total == 12);
}

// Schema 16: the index keeps no copy of the texts (FTS5 external content
// over page_search_source), so nothing but wikid's own care keeps it equal
// to them: a save removes what the view still shows before it moves the
// page, a rebuild empties the index once and refills it in batches while
// saves leave pages past its cursor alone, and an interrupted rebuild is
// resumed. FTS5's integrity check with rank 1 re-reads every text through
// the view and fails on any difference.
BOOST_FIXTURE_TEST_CASE(the_index_always_holds_exactly_the_latest_texts, SqliteFixture,
                        *boost::unit_test::precondition(OnSqlite)) {
  const std::vector<std::string> words = {"amber", "birch", "cedar", "dune",
                                          "ember", "fjord", "grove"};
  std::mt19937 random(16);
  std::map<std::string, std::pair<int64_t, std::string>> pages;  // latest
  auto text_of = [&] {
    std::string text;
    for (int i = std::uniform_int_distribution<>(1, 6)(random); i > 0; --i) {
      text += words[random() % words.size()] + " ";
    }
    return text;
  };
  auto save_something = [&] {
    std::string title = "Page " + std::to_string(random() % 40);
    auto& [rev, text] = pages[title];
    if (random() % 5 == 0 && rev > 0) {  // a conflict writes nothing
      auto refused = store->Save(Edit{.name = *PageName::Parse(title), .base_rev = rev - 1,
                                      .text = "conflicting ember", .author = "x"});
      BOOST_TEST(refused.status().IsConflict());
      return;
    }
    std::string next = text_of();
    if (next == text) return;
    Save(title, rev, next);
    rev += 1;
    text = next;
  };
  std::string phase = "start";
  auto index_matches_texts = [&] {
    auto check = db->Exec("INSERT INTO page_search (page_search, rank) VALUES ('integrity-check', 1)");
    BOOST_TEST(check.ok(), phase << ": " << check.message());
  };
  // While a rebuild runs, the index holds the pages up to its cursor, as
  // they are now, and nothing else.
  auto index_matches_texts_so_far = [&] {
    auto cursor = db->Prepare("SELECT indexed_through FROM search_rebuild");
    BOOST_REQUIRE(cursor.ok());
    Query c(**cursor);
    BOOST_REQUIRE(*c->Step());
    const int64_t through = c->ColumnInt(0);
    auto ids = db->Prepare("SELECT id, name FROM page");
    std::map<std::string, int64_t> id_of;
    Query q(**ids);
    while (*q->Step()) id_of[q->ColumnText(1)] = q->ColumnInt(0);
    for (const std::string& word : words) {
      std::set<int64_t> expected, found;
      for (const auto& [title, latest] : pages) {
        if (latest.first > 0 && id_of.at(title) <= through &&
            latest.second.find(word) != std::string::npos) {
          expected.insert(id_of.at(title));
        }
      }
      auto match = db->Prepare("SELECT rowid FROM page_search WHERE page_search MATCH ?1");
      Query m(**match);
      m->Bind(1, word);
      while (*m->Step()) found.insert(m->ColumnInt(0));
      BOOST_TEST((found == expected), phase << ": " << word);
    }
  };
  auto partial = [&] {
    auto found = Search("amber OR birch OR cedar", 0, 5);
    BOOST_REQUIRE(found.ok());
    return found->partial_index;
  };
  struct Interrupted {};
  // A rebuild that died right after emptying the index (its cursor at 0):
  // saves leave the index alone, the next rebuild refills it.
  BOOST_REQUIRE(db->Exec("INSERT INTO search_rebuild VALUES (1, 0); "
                         "INSERT INTO page_search (page_search) VALUES ('delete-all')").ok());
  phase = "after a rebuild died at its start";
  for (int i = 0; i < 20; ++i) save_something();
  index_matches_texts_so_far();
  BOOST_TEST(partial());
  // A second rebuild run while the first waits between batches finishes
  // the work; the first then finds nothing left.
  bool nested = false;
  auto first = store->RebuildSearchIndex(8, [&](int64_t, int64_t) {
    if (nested) return;
    nested = true;
    save_something();
    BOOST_TEST(store->RebuildSearchIndex(8).ok());
    save_something();
  });
  BOOST_TEST(first.ok());
  BOOST_TEST(nested);
  index_matches_texts();
  BOOST_TEST(!partial());
  for (int round = 0; round < 6; ++round) {
    phase = "saves of round " + std::to_string(round);
    for (int i = 0; i < 30; ++i) save_something();
    index_matches_texts();
    phase = "rebuild of round " + std::to_string(round);
    BOOST_TEST(!partial());
    // Saves (and new pages) between every two batches; every other round
    // the rebuild is interrupted half way and resumed by the next one.
    const bool interrupt = round % 2 == 0;
    try {
      auto rebuilt = store->RebuildSearchIndex(4, [&](int64_t done, int64_t total) {
        for (int i = 0; i < 3; ++i) save_something();
        index_matches_texts_so_far();
        BOOST_TEST(partial());
        if (interrupt && done * 2 >= total) throw Interrupted{};
      });
      BOOST_TEST(!interrupt);
      BOOST_TEST(rebuilt.ok());
    } catch (const Interrupted&) {
      BOOST_TEST(interrupt);
      BOOST_TEST(partial());
      phase = "after the interruption of round " + std::to_string(round);
      for (int i = 0; i < 10; ++i) save_something();
      index_matches_texts_so_far();
      BOOST_TEST(partial());
      auto resumed = store->RebuildSearchIndex(4);
      BOOST_TEST(resumed.ok());
    }
    phase = "after the rebuild of round " + std::to_string(round);
    index_matches_texts();
    BOOST_TEST(!partial());
  }
  // And the index finds what the texts hold, no more, no less.
  for (const std::string& word : words) {
    std::set<std::string> expected, found;
    for (const auto& [title, latest] : pages) {
      if (latest.first > 0 && latest.second.find(word) != std::string::npos) {
        expected.insert(title);
      }
    }
    for (const std::string& title : Titles(word, 0, 50)) found.insert(title);
    BOOST_TEST((found == expected), word);
  }
}

// An index out of step with the texts it reads (changed behind wikid's
// back) is the wiki's fault, not the query's: 503 and what to do, not a
// 400 "could not be understood".
BOOST_FIXTURE_TEST_CASE(a_damaged_index_is_unavailable_not_a_bad_query, SqliteFixture,
                        *boost::unit_test::precondition(OnSqlite)) {
  Save("Lost", 0, "vanishing words");
  BOOST_REQUIRE(db->Exec("UPDATE page SET latest_rev = 9").ok());  // the view shows nothing
  auto found = Search("vanishing", 0, 10);
  BOOST_REQUIRE(!found.ok());
  BOOST_TEST((found.status().code() == Status::Code::kUnavailable));
  BOOST_TEST(found.status().message().find("wikid reindex") != std::string::npos);
}

BOOST_FIXTURE_TEST_CASE(wikid_reindex_rebuilds_the_index_of_a_data_directory, SqliteFixture,
                        *boost::unit_test::precondition(OnSqlite)) {
  Save("Indexed", 0, "findable words");
  BOOST_REQUIRE(db->Exec("DELETE FROM page_search").ok());
  std::string command =
      std::string(WIKID_BINARY) + " reindex --data " + database.dir().path() + " 2>&1";
  FILE* pipe = popen(command.c_str(), "r");
  std::string output;
  char buf[256];
  while (size_t n = fread(buf, 1, sizeof buf, pipe)) output.append(buf, n);
  int status = pclose(pipe);
  BOOST_TEST(WEXITSTATUS(status) == 0, output);
  BOOST_TEST(output == "indexed 1 page\n");
  BOOST_TEST((Titles("findable") == V{"Indexed"}));
  std::string missing = std::string(WIKID_BINARY) + " reindex --data " +
                        database.dir().File("nowhere") + " >/dev/null 2>&1";
  BOOST_TEST(WEXITSTATUS(system(missing.c_str())) == 1);
}

}  // namespace
}  // namespace wikid
