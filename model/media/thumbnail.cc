#include "model/media/thumbnail.h"

#include <vips/vips.h>

#include <memory>
#include <mutex>

namespace wikid {
namespace {

// Started once per process, on first use (thumbnail.h says why lazily).
// The result is kept: a vips that failed to start fails every thumbnail.
bool StartVips() {
  static const bool started = [] {
    if (VIPS_INIT("wikid") != 0) return false;
    // One thread per thumbnail: a worker serves one request at a time, and
    // vips' pool would otherwise start a thread per core.
    vips_concurrency_set(1);
    // No operation cache: each image is made once per width and kept on
    // disk; vips' cache would only hold decoded images in memory.
    vips_cache_set_max(0);
    vips_cache_set_max_mem(0);
    // Only the three loaders thumbnails need (buffer loaders of PNG, JPEG
    // and WebP); everything else vips could load stays shut.
    vips_operation_block_set("VipsForeignLoad", TRUE);
    vips_operation_block_set("VipsForeignLoadPngBuffer", FALSE);
    vips_operation_block_set("VipsForeignLoadJpegBuffer", FALSE);
    vips_operation_block_set("VipsForeignLoadWebpBuffer", FALSE);
    return true;
  }();
  return started;
}

struct ImageUnref {
  void operator()(VipsImage* image) const { g_object_unref(image); }
};
struct BufferFree {
  void operator()(void* buffer) const { g_free(buffer); }
};

// The saver's suffix for `content_type`, with its options: JPEG and WebP
// at a quality that suits pictures on a page, metadata dropped.
const char* SaverFor(std::string_view content_type) {
  if (content_type == "image/png") return ".png[strip]";
  if (content_type == "image/jpeg") return ".jpg[Q=85,strip]";
  if (content_type == "image/webp") return ".webp[Q=80,strip]";
  return nullptr;
}

std::string VipsError() {
  std::string message = vips_error_buffer();
  vips_error_clear();
  return message;
}

}  // namespace

Result<std::string> MakeThumbnail(std::string_view bytes,
                                  std::string_view content_type,
                                  int64_t width) {
  const char* saver = SaverFor(content_type);
  if (saver == nullptr) {
    return Status::Unsupported("no thumbnails of " + std::string(content_type));
  }
  if (width <= 0 || width > VIPS_MAX_COORD)
    return Status::Invalid("no such thumbnail width");
  if (!StartVips())
    return Status::Unavailable("libvips did not start: " + VipsError());
  VipsImage* made = nullptr;
  // The height is left free (as tall as the width makes it), and
  // VIPS_SIZE_DOWN never makes an image larger than it is.
  if (vips_thumbnail_buffer(const_cast<char*>(bytes.data()), bytes.size(),
                            &made, static_cast<int>(width), "height",
                            VIPS_MAX_COORD, "size", VIPS_SIZE_DOWN,
                            nullptr) != 0) {
    return Status::Invalid("the image could not be read: " + VipsError());
  }
  std::unique_ptr<VipsImage, ImageUnref> image(made);
  void* buffer = nullptr;
  size_t length = 0;
  if (vips_image_write_to_buffer(image.get(), saver, &buffer, &length,
                                 nullptr) != 0) {
    return Status::Invalid("the thumbnail could not be written: " +
                           VipsError());
  }
  std::unique_ptr<void, BufferFree> owned(buffer);
  return std::string(static_cast<const char*>(buffer), length);
}

}  // namespace wikid
