// Thumbnails of uploaded images, made with libvips: the one place that
// decodes an uploaded image.
//
// Bounded in memory and time: an image reaches here only after its header
// said it has at most --max-image-pixels pixels (the caller checks again,
// on the bytes themselves, before calling), and vips_thumbnail_buffer
// shrinks while it loads (JPEG and WebP decode at a fraction of their
// size; PNG is read a strip at a time, never whole), on one thread, with
// vips' operation cache off, so a thumbnail costs a few MB whatever the
// image. Only the PNG, JPEG and WebP loaders may run: every other loader
// libvips has (SVG, PDF, ImageMagick's dozens) is blocked, whatever the
// bytes claim.
//
// libvips starts lazily, on the first thumbnail a process makes (a worker
// must start fast, and most never make one), and only in the process that
// uses it: the master forks workers and never touches vips, so no vips
// thread or lock crosses a fork (vips' threads and GLib's state must not).
// Not thread-safe: one worker makes one thumbnail at a time.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "model/base/status.h"

namespace wikid {

// A thumbnail of the image `bytes` (PNG, JPEG or WebP, as
// `content_type` says), `width` pixels wide (the height in proportion),
// in the same format; never wider than the image. Invalid when vips
// cannot read the bytes; Unsupported for another type.
Result<std::string> MakeThumbnail(std::string_view bytes,
                                  std::string_view content_type, int64_t width);

}  // namespace wikid
