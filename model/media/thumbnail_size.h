// How an image embedded in a page is shown: the size of its <img> and the
// width of the thumbnail that serves it. Pure arithmetic, no decoder
// (views/markup/markdown.cc uses it on every rendering; model/media/thumbnail.h
// makes the thumbnails).
//
// A reader must not be able to make the server render thousands of sizes
// of one image: a page may ask for any width (1 to kMaxEmbedWidth px),
// but thumbnails are made only at the widths of kThumbnailSteps, the
// smallest step at least as wide as the width shown (the browser scales
// it down the rest of the way), so one revision has at most that many
// thumbnails, whatever pages ask. The thumbnail address names its width,
// and any width that is not a step is refused (404). An image is never
// upscaled: a width at or past the image's own shows it whole, from its
// own bytes.
#pragma once

#include <array>
#include <cstdint>
#include <string_view>

namespace wikid {

// The widest an embed may ask for; wider asks are shown this wide.
inline constexpr int64_t kMaxEmbedWidth = 2000;

// The widths thumbnails are made at.
inline constexpr std::array<int64_t, 12> kThumbnailSteps = {
    100, 150, 200, 250, 300, 400, 500, 600, 800, 1000, 1500, 2000};

// The box an <img> is given.
struct ShownSize {
  int64_t width = 0;
  int64_t height = 0;
  // The width of the thumbnail to fetch, a step; 0: the image's own bytes.
  int64_t thumbnail_width = 0;
};

// How an image of `width` x `height` is shown when a page asks for
// `requested` pixels wide (0: its own width): the width asked for,
// clamped to kMaxEmbedWidth and never wider than the image, the height
// in proportion (rounded, at least 1), and the thumbnail that serves it
// when one is smaller than the image and `thumbnails` (its format has
// them). A 0 x 0 image (no size known) is shown 0 x 0.
ShownSize SizeToShow(int64_t width, int64_t height, int64_t requested,
                     bool thumbnails);

// Whether `width` is one of kThumbnailSteps.
bool IsThumbnailStep(int64_t width);

// Whether images of `content_type` get thumbnails: PNG, JPEG and WebP.
// GIFs are shown from their own bytes (a thumbnail would lose their
// animation).
bool HasThumbnails(std::string_view content_type);

}  // namespace wikid
