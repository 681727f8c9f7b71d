# The fuzz targets: tests/fuzz/NAME_fuzz.cc, seeds in tests/fuzz/corpus/NAME.
# Read by tests/fuzz/CMakeLists.txt (the clang build that makes them) and
# by tests/CMakeLists.txt (which runs each in the suite).
# A target's extra libFuzzer options, if any: WIKID_FUZZ_OPTIONS_<name>.
set(WIKID_FUZZ_OPTIONS_fastcgi_head -max_len=140000)  # past the 64 KiB limit
set(WIKID_FUZZ_TARGETS
  fastcgi_head
  http_request
  page_name
  search_query
  markdown
  text_diff
  mail_message
  json_body
  serve_config
)
