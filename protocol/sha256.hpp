#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <string_view>

namespace mcp::protocol {

/// SHA-256 (FIPS 180-4), fed in pieces.
class sha256 {
public:
  /// A digest.
  using digest = std::array<uint8_t, 32>;

  /// Starts an empty message.
  sha256() noexcept;

  /// Appends `bytes` to the message.
  void update(std::string_view bytes) noexcept;

  /// Returns the digest of the message (the object is spent afterwards).
  digest finish() noexcept;

  /// Returns the digest of `bytes`.
  static digest of(std::string_view bytes) noexcept;

private:
  void compress(const uint8_t* block) noexcept;

  std::array<uint32_t, 8> h_;
  std::array<uint8_t, 64> block_{};
  size_t used_ = 0;
  uint64_t length_ = 0;
};

/// HMAC-SHA256 (RFC 2104) of `message` under `key`.
sha256::digest hmac_sha256(std::string_view key, std::string_view message) noexcept;

/// HMAC-SHA256 of the concatenation of `first` and `second` under `key`.
sha256::digest hmac_sha256(std::string_view key, std::string_view first,
                           std::string_view second) noexcept;

/// Returns whether `x` and `y` are equal, in time that depends only on their
/// sizes.
bool equal_in_constant_time(std::string_view x, std::string_view y) noexcept;

/// Returns `x` as lower-case hex.
std::string_view to_hex(const sha256::digest& x, char (&out)[65]) noexcept;

} // namespace mcp::protocol
