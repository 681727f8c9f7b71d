// Page names (model/text/page_name.h): never a crash, and a valid name is
// canonical: parsing its title, or its URL form decoded, gives it back.
#include "model/text/page_name.h"
#include "tests/fuzz/fuzz_input.h"
#include "views/http/http_decode.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using wikid::PageName;
  auto name = PageName::Parse(std::string_view(reinterpret_cast<const char*>(data), size));
  if (!name.ok()) return 0;
  auto again = PageName::Parse(name->title());
  wikid::fuzz::Check(again.ok() && again->title() == name->title(),
                     "a title parses to itself");
  auto decoded = wikid::PercentDecode(name->UrlPath().substr(1), wikid::PlusMeans::kPlus);
  wikid::fuzz::Check(decoded.ok(), "a URL path decodes");
  auto from_url = PageName::Parse(*decoded);
  wikid::fuzz::Check(from_url.ok() && from_url->title() == name->title(),
                     "a URL path leads back to its page");
  return 0;
}
