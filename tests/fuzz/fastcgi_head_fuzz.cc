// FastCGI request heads as a peer on wikid's socket may send them
// (fcgi/request_check.h): never a crash, a partial head always asks for
// more than it has, a whole head stays whole whatever follows it, and
// only a whole head can start a whole input (InputWhole).
#include "fcgi/request_check.h"

#include "fcgi/fastcgi_records.h"
#include "tests/fuzz/fuzz_input.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using wikid::HeadCheck;
  std::string_view bytes(reinterpret_cast<const char*>(data), size);
  HeadCheck check = wikid::CheckRequestHead(bytes);
  if (check.verdict == HeadCheck::Verdict::kPartial) {
    wikid::fuzz::Check(check.needed > size, "a partial head asks for more bytes");
  }
  if (check.verdict == HeadCheck::Verdict::kWhole) {
    // libfcgi refuses a request id of 0 (a management record's).
    wikid::fuzz::Check(size >= 8 && (data[2] != 0 || data[3] != 0),
                       "a whole head has a request id");
    std::string longer(bytes);
    longer += "\x01\x05\x00\x01";
    wikid::fuzz::Check(
        wikid::CheckRequestHead(longer).verdict == HeadCheck::Verdict::kWhole,
        "bytes after a whole head change nothing");
    // Whole input needs the head's end and an empty STDIN record after it.
    wikid::fuzz::Check(check.head_bytes <= size, "the head ends within the bytes");
    wikid::fuzz::Check(!wikid::InputWhole(bytes, check) || size >= check.head_bytes + wikid::fastcgi::kHeaderBytes,
                       "whole input has its STDIN's end");
  } else {
    wikid::fuzz::Check(!wikid::InputWhole(bytes, check), "no whole input without a head");
  }
  return 0;
}
