#include "model/store/api_token_store.h"

namespace wikid {

Status CheckTokenLabel(const std::string& label) {
  if (label.empty() || label.size() > kMaxTokenLabelBytes ||
      label.find_first_of("\r\n") != std::string::npos) {
    return Status::Invalid("Name the token in one line of 1 to " +
                           std::to_string(kMaxTokenLabelBytes) + " bytes.");
  }
  return Status::Ok();
}

}  // namespace wikid
