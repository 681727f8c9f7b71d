#include "model/media/thumbnail_size.h"

#include <algorithm>

namespace wikid {

ShownSize SizeToShow(int64_t width, int64_t height, int64_t requested,
                     bool thumbnails) {
  if (width <= 0 || height <= 0) return {};
  int64_t shown = requested > 0 ? std::min(requested, kMaxEmbedWidth) : width;
  shown = std::min(shown, width);
  // Rounded to the nearest pixel. No overflow: an image's sides are far
  // under 2^31 (the pixel limit), and `shown` is at most kMaxEmbedWidth.
  const int64_t tall =
      std::max<int64_t>(1, (height * shown * 2 + width) / (width * 2));
  ShownSize size{.width = shown, .height = tall};
  if (thumbnails && shown < width) {
    for (int64_t step : kThumbnailSteps) {
      if (step >= shown) {
        if (step < width) size.thumbnail_width = step;
        break;
      }
    }
  }
  return size;
}

bool IsThumbnailStep(int64_t width) {
  return std::find(kThumbnailSteps.begin(), kThumbnailSteps.end(), width) !=
         kThumbnailSteps.end();
}

bool HasThumbnails(std::string_view content_type) {
  return content_type == "image/png" || content_type == "image/jpeg" ||
         content_type == "image/webp";
}

}  // namespace wikid
