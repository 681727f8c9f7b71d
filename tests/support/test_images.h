// The headers of images, made by hand for the tests: what wikid reads of
// an image (its kind and size) is all in its first bytes, and nothing in
// wikid decodes one, so a header and some `tail` bytes (to tell two
// uploads apart) stand for a whole image.
#pragma once

#include <cstdint>
#include <string>

namespace wikid::testing {

inline std::string BigEndian32(uint32_t v) {
  return {static_cast<char>(v >> 24), static_cast<char>(v >> 16), static_cast<char>(v >> 8),
          static_cast<char>(v)};
}

inline std::string LittleEndian16(uint32_t v) {
  return {static_cast<char>(v), static_cast<char>(v >> 8)};
}

// A PNG's signature and IHDR chunk (8-bit RGBA), then `tail`.
inline std::string PngHeader(uint32_t width, uint32_t height, const std::string& tail = "") {
  return std::string("\x89PNG\r\n\x1a\n", 8) + std::string("\0\0\0\x0d", 4) + "IHDR" +
         BigEndian32(width) + BigEndian32(height) + std::string("\x08\x06\0\0\0", 5) +
         "CRC!" + tail;
}

// A GIF's signature and logical screen.
inline std::string GifHeader(uint32_t width, uint32_t height) {
  return "GIF89a" + LittleEndian16(width) + LittleEndian16(height) + std::string("\0\0\0", 3);
}

// A JPEG's SOI, an APP0 segment, then a baseline SOF0 frame header.
inline std::string JpegHeader(uint32_t width, uint32_t height) {
  std::string app0 = std::string("\xff\xe0\x00\x10", 4) + "JFIF" + std::string(10, '\0');
  std::string sof0 = std::string("\xff\xc0\x00\x11\x08", 5) + static_cast<char>(height >> 8) +
                     static_cast<char>(height) + static_cast<char>(width >> 8) +
                     static_cast<char>(width) + std::string(12, '\x01');
  return std::string("\xff\xd8", 2) + app0 + sof0;
}

// A WebP of the extended format (VP8X), whose canvas gives the size.
inline std::string WebpHeader(uint32_t width, uint32_t height) {
  auto le24 = [](uint32_t v) {
    return std::string{static_cast<char>(v), static_cast<char>(v >> 8),
                       static_cast<char>(v >> 16)};
  };
  return "RIFF" + std::string("\x40\0\0\0", 4) + "WEBP" + "VP8X" + std::string("\x0a\0\0\0", 4) +
         std::string(4, '\0') + le24(width - 1) + le24(height - 1) + std::string(16, '\0');
}

}  // namespace wikid::testing
