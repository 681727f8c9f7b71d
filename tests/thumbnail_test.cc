// Images in pages: how an embed is sized and which thumbnail serves it
// (model/media/thumbnail_size.h), and thumbnails made by libvips
// (model/media/thumbnail.h) from real images.
#define BOOST_TEST_MODULE thumbnail
#include <boost/test/unit_test.hpp>

#include "model/media/thumbnail.h"
#include "model/media/thumbnail_size.h"
#include "tests/support/test_images.h"

namespace wikid {
namespace {

using testing::PngSize;
using testing::RealPng;

struct SizeCase {
  int64_t width, height, requested;
  bool thumbnails;
  int64_t shown_width, shown_height, thumbnail_width;
};

BOOST_AUTO_TEST_CASE(
    an_embed_is_sized_as_asked_never_upscaled_and_served_from_a_step) {
  const SizeCase cases[] = {
      // The width asked for, the height in proportion, the step just wider.
      {400, 300, 100, true, 100, 75, 100},
      {400, 300, 120, true, 120, 90, 150},
      {4000, 3000, 301, true, 301, 226, 400},
      // No width: the image's own size, from its own bytes.
      {400, 300, 0, true, 400, 300, 0},
      // Wider than the image: never upscaled, its own bytes.
      {400, 300, 900, true, 400, 300, 0},
      // The step past the width shown would be as wide as the image or
      // wider: its own bytes (no thumbnail larger than the image).
      {420, 300, 410, true, 410, 293, 0},
      // Past the widest embed: clamped.
      {9000, 900, 5000, true, 2000, 200, 2000},
      {9000, 900, 1999, true, 1999, 200, 2000},
      // GIF: no thumbnails, the browser scales the image itself.
      {400, 300, 100, false, 100, 75, 0},
      // A tall thin image keeps at least one pixel of height.
      {1000, 1, 100, true, 100, 1, 100},
      // No size known: nothing to show.
      {0, 0, 100, true, 0, 0, 0},
  };
  for (const SizeCase& c : cases) {
    const ShownSize shown =
        SizeToShow(c.width, c.height, c.requested, c.thumbnails);
    BOOST_TEST_CONTEXT(c.width << "x" << c.height << " at " << c.requested) {
      BOOST_TEST(shown.width == c.shown_width);
      BOOST_TEST(shown.height == c.shown_height);
      BOOST_TEST(shown.thumbnail_width == c.thumbnail_width);
      if (shown.thumbnail_width != 0)
        BOOST_TEST(IsThumbnailStep(shown.thumbnail_width));
    }
  }
}

BOOST_AUTO_TEST_CASE(only_the_steps_are_thumbnail_widths) {
  BOOST_TEST(IsThumbnailStep(100));
  BOOST_TEST(IsThumbnailStep(kMaxEmbedWidth));
  for (int64_t width : {0, 1, 99, 101, 299, 2001, 100000})
    BOOST_TEST(!IsThumbnailStep(width));
  BOOST_TEST(kThumbnailSteps.size() <= 16u);  // what one revision can cost
}

BOOST_AUTO_TEST_CASE(a_thumbnail_of_a_png_is_a_png_of_that_width) {
  auto made = MakeThumbnail(RealPng(400, 300), "image/png", 100);
  BOOST_TEST_REQUIRE(made.ok(), made.status().message());
  BOOST_TEST(PngSize(*made).first == 100u);
  BOOST_TEST(PngSize(*made).second == 75u);
}

BOOST_AUTO_TEST_CASE(a_thumbnail_is_never_wider_than_its_image) {
  auto made = MakeThumbnail(RealPng(60, 40), "image/png", 100);
  BOOST_TEST_REQUIRE(made.ok(), made.status().message());
  BOOST_TEST(PngSize(*made).first == 60u);
  BOOST_TEST(PngSize(*made).second == 40u);
}

BOOST_AUTO_TEST_CASE(what_is_no_image_it_takes_is_refused) {
  // Bytes that are no image, a type without thumbnails, and an image in
  // another format than the one claimed: vips' other loaders stay shut.
  BOOST_TEST(
      MakeThumbnail("not an image", "image/png", 100).status().IsInvalid());
  BOOST_TEST((MakeThumbnail(testing::GifHeader(10, 10), "image/gif", 100)
                  .status()
                  .code() == Status::Code::kUnsupported));
  const std::string svg =
      "<svg xmlns='http://www.w3.org/2000/svg' width='500' height='500'/>";
  BOOST_TEST(MakeThumbnail(svg, "image/png", 100).status().IsInvalid());
}

}  // namespace
}  // namespace wikid
