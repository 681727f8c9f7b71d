// The headers of images, made by hand for the tests: what wikid reads of
// an image (its kind and size) is all in its first bytes, and only
// thumbnails decode one, so a header and some `tail` bytes (to tell two
// uploads apart) stand for a whole image; RealPng makes a whole one.
#pragma once

#include <algorithm>
#include <cstdint>
#include <string>
#include <utility>

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
  return "RIFF" + std::string("\x40\0\0\0", 4) + "WEBP" + "VP8X" +
         std::string("\x0a\0\0\0", 4) + std::string(4, '\0') + le24(width - 1) +
         le24(height - 1) + std::string(16, '\0');
}

// A whole PNG that decoders read (8-bit RGB, a gradient so no two rows
// are alike), for the code that decodes images (thumbnails): its IDAT is
// a zlib stream of stored (uncompressed) blocks, so no compressor is needed.
inline std::string RealPng(uint32_t width, uint32_t height) {
  auto crc32 = [](const std::string& bytes) {
    uint32_t crc = 0xffffffffu;
    for (unsigned char c : bytes) {
      crc ^= c;
      for (int k = 0; k < 8; ++k)
        crc = (crc >> 1) ^ (0xedb88320u & (0u - (crc & 1u)));
    }
    return crc ^ 0xffffffffu;
  };
  auto chunk = [&](const std::string& type, const std::string& data) {
    return BigEndian32(static_cast<uint32_t>(data.size())) + type + data +
           BigEndian32(crc32(type + data));
  };
  std::string raw;
  for (uint32_t y = 0; y < height; ++y) {
    raw += '\0';  // filter: none
    for (uint32_t x = 0; x < width; ++x) {
      raw += static_cast<char>(x * 255 / (width > 1 ? width - 1 : 1));
      raw += static_cast<char>(y * 255 / (height > 1 ? height - 1 : 1));
      raw += static_cast<char>(128);
    }
  }
  std::string zlib("\x78\x01", 2);
  for (size_t at = 0; at < raw.size() || at == 0; at += 65535) {
    const size_t n = std::min<size_t>(65535, raw.size() - at);
    const bool last = at + n >= raw.size();
    zlib += static_cast<char>(last ? 1 : 0);
    zlib += LittleEndian16(static_cast<uint32_t>(n)) +
            LittleEndian16(static_cast<uint32_t>(~n));
    zlib += raw.substr(at, n);
    if (last) break;
  }
  uint32_t a = 1, b = 0;
  for (unsigned char c : raw) {
    a = (a + c) % 65521;
    b = (b + a) % 65521;
  }
  zlib += BigEndian32((b << 16) | a);
  return std::string("\x89PNG\r\n\x1a\n", 8) +
         chunk("IHDR", BigEndian32(width) + BigEndian32(height) +
                           std::string("\x08\x02\0\0\0", 5)) +
         chunk("IDAT", zlib) + chunk("IEND", "");
}

// The width and height in a PNG's IHDR; 0 x 0 when `png` is none.
inline std::pair<uint32_t, uint32_t> PngSize(const std::string& png) {
  if (png.size() < 24 ||
      png.compare(0, 8, std::string("\x89PNG\r\n\x1a\n", 8)) != 0) {
    return {0, 0};
  }
  auto at = [&](size_t i) {
    return static_cast<uint32_t>(static_cast<unsigned char>(png[i])) << 24 |
           static_cast<uint32_t>(static_cast<unsigned char>(png[i + 1])) << 16 |
           static_cast<uint32_t>(static_cast<unsigned char>(png[i + 2])) << 8 |
           static_cast<uint32_t>(static_cast<unsigned char>(png[i + 3]));
  };
  return {at(16), at(20)};
}

}  // namespace wikid::testing
