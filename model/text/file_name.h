// FileName: a validated, canonical name of an uploaded file.
//
// A file is named as a page is (PageName's rules: NFC, '_' for spaces, no
// control or invisible characters, nothing that means something in links)
// and ends in an extension: "Photo of the team.jpg". Two more rules keep
// a file's addresses simple: no '/' (so /_blob/SHA/NAME splits in one
// place, and a name is never a path), and an extension of 1 to 10 ASCII
// letters and digits after the last '.', with a name before it.
#pragma once

#include <string>
#include <string_view>

#include "model/base/status.h"
#include "model/text/page_name.h"

namespace wikid {

class FileName {
 public:
  static constexpr size_t kMaxExtensionChars = 10;

  // Validates `text` (already percent-decoded): PageName::Parse's rules,
  // then the two above. Invalid with a message naming the broken rule
  // ("A file name must end in an extension, like .png.").
  static Result<FileName> Parse(std::string_view text);

  // The canonical name, for display and storage: "Photo of the team.jpg".
  const std::string& title() const { return name_.title(); }
  // Its extension, lower-cased, without the dot: "jpg".
  const std::string& extension() const { return extension_; }
  // The name in URL form, percent-encoded: "Photo_of_the_team.jpg".
  std::string UrlName() const { return PercentEncodePath(name_.UrlName()); }

  friend bool operator==(const FileName& a, const FileName& b) { return a.name_ == b.name_; }

 private:
  FileName(PageName name, std::string extension)
      : name_(std::move(name)), extension_(std::move(extension)) {}
  PageName name_;
  std::string extension_;
};

}  // namespace wikid
