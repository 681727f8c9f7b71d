// JSON API bodies (views/http/json.h): whatever bytes a client sends as a page
// edit, ParsePageEditBody refuses them or returns valid UTF-8 texts that
// survive a round trip, and never throws; and any text, valid UTF-8 or not,
// goes out in a JSON answer that parses.
#include <unistr.h>

#include "tests/fuzz/fuzz_input.h"
#include "views/http/json.h"

namespace {

bool ValidUtf8(const std::string& s) {
  return u8_check(reinterpret_cast<const uint8_t*>(s.data()), s.size()) == nullptr;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using wikid::fuzz::Check;
  const std::string_view input(reinterpret_cast<const char*>(data), size);

  // Anything, even bytes that are not UTF-8, in an answer: the answer parses.
  wikid::Response answer = wikid::JsonError(400, std::string(input));
  Check(!wikid::Json::parse(answer.body, nullptr, false).is_discarded(),
        "every JSON answer is JSON");

  std::optional<wikid::PageEditBody> body = wikid::ParsePageEditBody(input);
  if (!body) return 0;
  Check(ValidUtf8(body->text) && ValidUtf8(body->summary),
        "an accepted body's texts are UTF-8");
  const std::string again =
      wikid::Json{{"text", body->text}, {"summary", body->summary}, {"other", nullptr}}.dump();
  std::optional<wikid::PageEditBody> reread = wikid::ParsePageEditBody(again);
  Check(reread && reread->text == body->text && reread->summary == body->summary,
        "an accepted edit, written as JSON, reads back the same");
  return 0;
}
