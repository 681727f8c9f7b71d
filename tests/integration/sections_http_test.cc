// Section edits through a real nginx with three workers, memcached and the
// fast path: each heading's "Edit" link opens that section alone, and
// saving it merges into the page as a whole-page edit does (two people
// editing different sections are both kept; the same lines, 409 with the
// text kept); hostile headings stay text in the links and the form.
#define BOOST_TEST_MODULE sections_http
#include <boost/test/unit_test.hpp>
#include <regex>
#include <string>

#include "tests/support/html_safety.h"
#include "tests/support/test_wiki.h"

namespace wikid::testing {
namespace {

TestWiki& Wiki() {
  static TestWiki wiki{
      TestWikiOptions{.workers = 3, .memcached = true, .fast_path = true}};
  return wiki;
}

// A second person, logged in as "Second".
Browser& Other() {
  static std::unique_ptr<Browser> browser =
      Wiki().SignedUpAs("Second", "second-password");
  return *browser;
}

bool Contains(const HttpResponse& r, std::string_view needle) {
  return r.body.find(needle) != std::string::npos;
}

// The address of the "Edit" link of section `n` in a page view, entities
// decoded, as a browser would follow it; "" when there is none.
std::string SectionEditLink(const HttpResponse& page, int n) {
  std::smatch m;
  const std::regex link("<a href=\"(/_edit/[^\"?]*\\?rev=[0-9]+&amp;section=" +
                        std::to_string(n) + ")\">Edit<span");
  if (!std::regex_search(page.body, m, link)) return "";
  std::string url = m[1];
  url.replace(url.find("&amp;"), 5, "&");
  return url;
}

// The hidden fields of an edit form.
std::string Field(const HttpResponse& form, const std::string& name) {
  std::smatch m;
  if (!std::regex_search(
          form.body, m,
          std::regex("name=\"" + name + "\" value=\"([^\"]*)\""))) {
    return "";
  }
  return m[1];
}

// Saves a section's form (or a whole page's, which has no section field)
// as a browser would after loading it and typing `text` over it.
HttpResponse SaveForm(Browser& who, const std::string& page,
                      const HttpResponse& form, const std::string& text) {
  FormList fields = {{"text", text}, {"base_rev", Field(form, "base_rev")}};
  if (std::string section = Field(form, "section"); !section.empty()) {
    fields.emplace_back("section", section);
  }
  fields.emplace_back("action", "save");
  return who.Post("/_edit/" + page, fields);
}

const std::string kPlan =
    "Lead.\n\n# One\n\nfirst\n\n# Two\n\nsecond\n\n## Two A\n\ndeep\n\n# "
    "Three\n\nthird\n";

BOOST_AUTO_TEST_CASE(each_heading_links_to_a_form_of_its_section_alone) {
  BOOST_REQUIRE(Wiki().Save("Sectioned", 0, kPlan).status == 303);
  HttpResponse page = Wiki().Get("/Sectioned");
  BOOST_REQUIRE(page.status == 200);
  for (int n = 1; n <= 4; ++n) BOOST_TEST(SectionEditLink(page, n) != "", n);
  BOOST_TEST(SectionEditLink(page, 5) == "");
  BOOST_TEST(Contains(page, "section: Two A</span>"));
  HttpResponse form = Wiki().Editor().Get(SectionEditLink(page, 2));
  BOOST_REQUIRE(form.status == 200);
  BOOST_TEST(TextareaText(form.body) ==
             "# Two\n\nsecond\n\n## Two A\n\ndeep\n\n");
  BOOST_TEST(Field(form, "section") == "2");
  BOOST_TEST(Field(form, "base_rev") == "1");
  BOOST_TEST(Contains(form, "<h1>Edit Sectioned, section: Two</h1>"));
  // Saved as shown: nothing changes. Saved changed: only that section, and
  // back to its heading.
  BOOST_TEST(
      SaveForm(Wiki().Editor(), "Sectioned", form, TextareaText(form.body))
          .status == 303);
  BOOST_TEST(Wiki().Get("/_raw/Sectioned").body == kPlan);
  HttpResponse saved = SaveForm(Wiki().Editor(), "Sectioned", form,
                                "# Two\n\nsecond, changed\n");
  BOOST_TEST(saved.status == 303);
  BOOST_TEST(saved.Header("location").ends_with("/Sectioned#two"),
             saved.Header("location"));
  BOOST_TEST(Wiki().Get("/_raw/Sectioned").body ==
             "Lead.\n\n# One\n\nfirst\n\n# Two\n\nsecond, changed\n\n# "
             "Three\n\nthird\n");
  // Section 0 is the lead; a number past the last section is 404, a word 400.
  HttpResponse lead = Wiki().Editor().Get("/_edit/Sectioned?section=0");
  BOOST_TEST(TextareaText(lead.body) == "Lead.\n\n");
  BOOST_TEST(Contains(lead, "before the first heading"));
  HttpResponse past = Wiki().Editor().Get("/_edit/Sectioned?section=9");
  BOOST_TEST(past.status == 404);
  BOOST_TEST(Contains(past, "has no section 9: its sections are numbered 0"));
  BOOST_TEST(Wiki().Editor().Get("/_edit/Sectioned?section=x").status == 400);
  BOOST_TEST(Wiki().Editor().Get("/_edit/Nobody_Here?section=1").status == 404);
}

BOOST_AUTO_TEST_CASE(
    readers_who_cannot_edit_get_the_links_and_are_asked_to_log_in) {
  // The rendering is every reader's, from nginx's fast path too; following
  // a link without an account leads to the login form (the default policy:
  // only users edit), as the page's own Edit link does.
  BOOST_REQUIRE(Wiki().Save("Read_Sections", 0, kPlan).status == 303);
  HttpResponse fast = Wiki().ViewUntilFast("/Read_Sections");
  BOOST_REQUIRE(FromNginx(fast));
  const std::string link = SectionEditLink(fast, 3);
  BOOST_REQUIRE(link != "");
  HttpResponse asked = Wiki().Get(link);
  BOOST_TEST(asked.status == 303);
  BOOST_TEST(asked.Header("location").starts_with("/_login?next="));
}

// Both opened sections of revision 1; Second saved section 1 first. Mine
// (section 2) merges: both changes are kept, on every worker.
BOOST_AUTO_TEST_CASE(two_people_editing_different_sections_are_both_kept) {
  BOOST_REQUIRE(Wiki().Save("Shared_Sections", 0, kPlan).status == 303);
  HttpResponse page = Wiki().Get("/Shared_Sections");
  HttpResponse mine = Wiki().Editor().Get(SectionEditLink(page, 2));
  HttpResponse theirs = Other().Get(SectionEditLink(page, 1));
  BOOST_REQUIRE(SaveForm(Other(), "Shared_Sections", theirs,
                         "# One\n\nfirst, by Second\n\n")
                    .status == 303);
  HttpResponse saved =
      SaveForm(Wiki().Editor(), "Shared_Sections", mine,
               "# Two\n\nsecond, by Tester\n\n## Two A\n\ndeep\n\n");
  BOOST_TEST(saved.status == 303);
  BOOST_TEST(
      saved.Header("location").ends_with("/Shared_Sections?merged=3#two"),
      saved.Header("location"));
  const std::string both =
      "Lead.\n\n# One\n\nfirst, by Second\n\n# Two\n\nsecond, by Tester\n\n## "
      "Two A\n\ndeep\n\n"
      "# Three\n\nthird\n";
  BOOST_TEST(Wiki().Get("/_raw/Shared_Sections").body == both);
  for (int i = 0; i < 6; ++i) {  // every worker, and nginx's copy
    HttpResponse view = Wiki().Get("/Shared_Sections");
    BOOST_TEST(Contains(view, "first, by Second"));
    BOOST_TEST(Contains(view, "second, by Tester"));
    BOOST_TEST(ShownRevision(view) == 3);
  }
}

// A heading added above the section after the form was opened: the form
// names section 2 of revision 1, which is still "Two" there, and the save
// lands in "Two", not in what is now the second section.
BOOST_AUTO_TEST_CASE(a_heading_added_above_does_not_shift_the_section) {
  BOOST_REQUIRE(Wiki().Save("Shifted", 0, kPlan).status == 303);
  HttpResponse form = Wiki().Editor().Get("/_edit/Shifted?section=2");
  BOOST_REQUIRE(
      Other().Save("Shifted", 1, "# Zero\n\nnew\n\n" + kPlan).status == 303);
  BOOST_TEST(SaveForm(Wiki().Editor(), "Shifted", form,
                      "# Two\n\nsecond, edited\n\n## Two A\n\ndeep\n\n")
                 .status == 303);
  BOOST_TEST(Wiki().Get("/_raw/Shifted").body ==
             "# Zero\n\nnew\n\nLead.\n\n# One\n\nfirst\n\n# Two\n\nsecond, "
             "edited\n\n## Two "
             "A\n\ndeep\n\n# Three\n\nthird\n");
}

// Both edited the same lines of section 2: 409, my section's text kept in
// the form, theirs beside it, and the form now a section edit of the
// latest revision, so saving again (merged by hand) succeeds.
BOOST_AUTO_TEST_CASE(
    two_people_editing_the_same_lines_get_409_with_the_text_kept) {
  BOOST_REQUIRE(Wiki().Save("Contested_Section", 0, kPlan).status == 303);
  HttpResponse mine = Wiki().Editor().Get("/_edit/Contested_Section?section=2");
  HttpResponse theirs = Other().Get("/_edit/Contested_Section?section=2");
  BOOST_REQUIRE(SaveForm(Other(), "Contested_Section", theirs,
                         "# Two\n\nsecond, says Second\n\n## Two A\n\ndeep\n\n")
                    .status == 303);
  const std::string typed =
      "# Two\n\nsecond, says <Tester> & co\n\n## Two A\n\ndeep\n\n";
  HttpResponse lost =
      SaveForm(Wiki().Editor(), "Contested_Section", mine, typed);
  BOOST_TEST(lost.status == 409);
  BOOST_TEST(TextareaText(lost.body) == typed);
  BOOST_TEST(Contains(lost, "says &lt;Tester&gt; &amp; co"));
  BOOST_TEST(Contains(
      lost,
      ">\n# Two\n\nsecond, says Second\n\n## Two A\n\ndeep\n\n</textarea>"));
  BOOST_TEST(Field(lost, "section") == "2");
  BOOST_TEST(Field(lost, "base_rev") == "2");
  BOOST_TEST(Wiki().Get("/_raw/Contested_Section").body.find("says Second") !=
             std::string::npos);
  HttpResponse again =
      SaveForm(Wiki().Editor(), "Contested_Section", lost, typed);
  BOOST_TEST(again.status == 303);
  BOOST_TEST(Wiki().Get("/_raw/Contested_Section").body ==
             "Lead.\n\n# One\n\nfirst\n\n" + typed + "# Three\n\nthird\n");
}

// Second renamed the heading of the section I was editing and changed the
// same line: the section is no longer in the latest revision, so the 409
// is the whole-page conflict form, holding my whole page on top of the
// latest revision, and saving it again succeeds (a form kept on the old
// base and section was refused again at every save).
BOOST_AUTO_TEST_CASE(a_conflict_on_a_renamed_heading_becomes_a_whole_page_edit) {
  BOOST_REQUIRE(Wiki().Save("Renamed_Section", 0, kPlan).status == 303);
  HttpResponse form = Wiki().Editor().Get("/_edit/Renamed_Section?section=2");
  const std::string two = "# Two\n\nsecond\n";
  std::string theirs = kPlan;
  theirs.replace(theirs.find(two), two.size(), "# Deux\n\nsecond, says Second\n");
  BOOST_REQUIRE(Other().Save("Renamed_Section", 1, theirs).status == 303);
  const std::string typed = "# Two\n\nsecond, says Tester\n\n## Two A\n\ndeep\n\n";
  HttpResponse lost = SaveForm(Wiki().Editor(), "Renamed_Section", form, typed);
  BOOST_TEST(lost.status == 409);
  const std::string mine = "Lead.\n\n# One\n\nfirst\n\n" + typed + "# Three\n\nthird\n";
  BOOST_TEST(TextareaText(lost.body) == mine);
  BOOST_TEST(Field(lost, "section") == "");
  BOOST_TEST(Field(lost, "base_rev") == "2");
  BOOST_TEST(Contains(lost, "the form now holds the whole page"));
  HttpResponse again = SaveForm(Wiki().Editor(), "Renamed_Section", lost, mine);
  BOOST_TEST(again.status == 303);
  BOOST_TEST(Wiki().Get("/_raw/Renamed_Section").body == mine);
}

// Second added a second "B" above the one I was editing: the new one took
// the anchor `b`, so a conflict that found my section by its anchor moved
// my text onto theirs. A heading that is not unique is the whole page's to
// settle.
BOOST_AUTO_TEST_CASE(a_conflict_never_follows_a_shifted_anchor) {
  const std::string base = "# A\n\na\n\n# B\n\nold b\n";
  BOOST_REQUIRE(Wiki().Save("Twice_B", 0, base).status == 303);
  HttpResponse form = Wiki().Editor().Get("/_edit/Twice_B?section=2");
  BOOST_REQUIRE(TextareaText(form.body) == "# B\n\nold b\n");
  BOOST_REQUIRE(Other()
                    .Save("Twice_B", 1, "# A\n\na\n\n# B\n\nnew b\n\n# B\n\nold b, says Second\n")
                    .status == 303);
  HttpResponse lost = SaveForm(Wiki().Editor(), "Twice_B", form, "# B\n\nold b, says Tester\n");
  BOOST_TEST(lost.status == 409);
  BOOST_TEST(Field(lost, "section") == "");
  BOOST_TEST(TextareaText(lost.body) == "# A\n\na\n\n# B\n\nold b, says Tester\n");
  BOOST_TEST(!Contains(lost, ">\n# B\n\nnew b\n\n</textarea>"));
}

BOOST_AUTO_TEST_CASE(preview_and_show_changes_of_a_section_save_nothing) {
  BOOST_REQUIRE(Wiki().Save("Previewed_Section", 0, kPlan).status == 303);
  const FormList fields = {{"text", "# Three\n\nthird, **bold**\n"},
                           {"base_rev", "1"},
                           {"section", "4"}};
  FormList preview = fields, changes = fields;
  preview.emplace_back("action", "preview");
  changes.emplace_back("action", "changes");
  HttpResponse shown = Wiki().Post("/_edit/Previewed_Section", preview);
  BOOST_TEST(shown.status == 200);
  BOOST_TEST(Contains(shown, "third, <strong>bold</strong>"));
  BOOST_TEST(!Contains(shown, "<p>first</p>"));  // the section alone
  BOOST_TEST(Field(shown, "section") == "4");
  HttpResponse diff = Wiki().Post("/_edit/Previewed_Section", changes);
  BOOST_TEST(diff.status == 200);
  BOOST_TEST(Contains(diff, "Your changes to this section of revision 1"));
  BOOST_TEST(Contains(diff, "<ins>, **bold**</ins>"), diff.body);
  BOOST_TEST(TextareaText(diff.body) == "# Three\n\nthird, **bold**\n");
  BOOST_TEST(Wiki().Get("/_raw/Previewed_Section").body == kPlan);
  // A section the base revision never had: 400, the text kept.
  FormList past = {
      {"text", "kept <text>"}, {"base_rev", "1"}, {"section", "12"}};
  HttpResponse refused = Wiki().Post("/_edit/Previewed_Section", past);
  BOOST_TEST(refused.status == 400);
  BOOST_TEST(TextareaText(refused.body) == "kept <text>");
  BOOST_TEST(Contains(refused, "has no section 12"));
}

// X1 through headings: each payload as headings of a page (the second
// followed by " too", so a conflict can find its section again: a heading
// that is not unique sends a conflict to the whole page), then in the
// page view's edit links, the section's form, its preview and a conflict;
// and what reaches a heading's text as '<' and '"' (cmark drops raw HTML,
// but not entities, code spans or backslash escapes).
BOOST_AUTO_TEST_CASE(hostile_headings_stay_text_in_edit_links_and_forms) {
  std::vector<std::string> payloads = XssSample();
  payloads.push_back("&lt;script&gt;alert(1)&lt;/script&gt;");
  payloads.push_back("`<img src=x onerror=alert(1)>`");
  payloads.push_back(
      "\\<svg onload=alert(1)\\> &quot; onmouseover=&quot;alert(1)");
  int n = 0;
  for (const std::string& payload : payloads) {
    const std::string name = "Hostile_Heading_" + std::to_string(n++);
    const std::string text =
        "# " + payload + "\n\nx\n\n## " + payload + " too\n\ny\n";
    BOOST_REQUIRE(Wiki().Save(name, 0, text).status == 303);
    BOOST_TEST_CONTEXT(payload) {
      HttpResponse page = Wiki().Get("/" + name);
      BOOST_TEST(PageDangers(page.body) == "", page.body);
      const std::string link = SectionEditLink(page, 2);
      BOOST_REQUIRE(link != "");
      HttpResponse form = Wiki().Editor().Get(link);
      BOOST_TEST(form.status == 200);
      BOOST_TEST(PageDangers(form.body) == "", form.body);
      BOOST_TEST(TextareaText(form.body) == "## " + payload + " too\n\ny\n");
      HttpResponse preview =
          Wiki().Post("/_edit/" + name, {{"text", "## " + payload + " too\n"},
                                         {"base_rev", "1"},
                                         {"section", "2"},
                                         {"action", "preview"}});
      BOOST_TEST(PageDangers(preview.body) == "", preview.body);
      BOOST_REQUIRE(Other().Save(name, 1, text + "z\n").status == 303);
      BOOST_REQUIRE(
          Other()
              .Save(name, 2,
                    "# " + payload + "\n\nx\n\n## " + payload + " too\n\nY\n")
              .status == 303);
      HttpResponse conflict =
          SaveForm(Wiki().Editor(), name, form, "## " + payload + " too\n\ny!\n");
      BOOST_TEST(conflict.status == 409);
      BOOST_TEST(PageDangers(conflict.body) == "", conflict.body);
      BOOST_TEST(TextareaText(conflict.body) == "## " + payload + " too\n\ny!\n");
      BOOST_TEST(Field(conflict, "section") == "2");
    }
  }
}

// A page that starts with "# Its name" shows its title once, from wikid
// and from nginx's copy alike; a first heading saying something else, or
// one further down, stays.
BOOST_AUTO_TEST_CASE(a_leading_heading_that_repeats_the_title_is_shown_once) {
  BOOST_REQUIRE(Wiki().Save("Title_Once", 0, "# Title Once\n\nBody.\n\n# Later\n").status == 303);
  BOOST_REQUIRE(Wiki().Save("Title_Other", 0, "# Not the name\n\nBody.\n").status == 303);
  for (int i = 0; i < 4; ++i) {
    HttpResponse once = Wiki().Get("/Title_Once");
    BOOST_TEST(once.status == 200);
    BOOST_TEST(!Contains(once, "id=\"title-once\""), once.body);
    BOOST_TEST(Contains(once, "<h1>Title Once</h1>"));
    BOOST_TEST(Contains(once, "<p>Body.</p>"));
    BOOST_TEST(Contains(once, "id=\"later\""));
    BOOST_TEST(Contains(Wiki().Get("/Title_Other"), "id=\"not-the-name\""));
  }
  BOOST_TEST(FromNginx(Wiki().ViewUntilFast("/Title_Once")));
  BOOST_TEST(!Contains(Wiki().ViewUntilFast("/Title_Once"), "id=\"title-once\""));
}

}  // namespace
}  // namespace wikid::testing
