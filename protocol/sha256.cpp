#include "protocol/sha256.hpp"

#include <cstring>

namespace mcp::protocol {

namespace {

constexpr uint32_t k[64] = {
  0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1,
  0x923f82a4, 0xab1c5ed5, 0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3,
  0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174, 0xe49b69c1, 0xefbe4786,
  0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
  0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147,
  0x06ca6351, 0x14292967, 0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13,
  0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85, 0xa2bfe8a1, 0xa81a664b,
  0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
  0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a,
  0x5b9cca4f, 0x682e6ff3, 0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208,
  0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2};

constexpr uint32_t rotr(uint32_t x, int n) noexcept {
  return (x >> n) | (x << (32 - n));
}

} // namespace

sha256::sha256() noexcept
  : h_{0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a,
       0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19} {
  // nop
}

void sha256::compress(const uint8_t* p) noexcept {
  uint32_t w[64];
  for (int i = 0; i < 16; ++i)
    w[i] = (uint32_t{p[4 * i]} << 24) | (uint32_t{p[4 * i + 1]} << 16)
           | (uint32_t{p[4 * i + 2]} << 8) | uint32_t{p[4 * i + 3]};
  for (int i = 16; i < 64; ++i) {
    auto s0 = rotr(w[i - 15], 7) ^ rotr(w[i - 15], 18) ^ (w[i - 15] >> 3);
    auto s1 = rotr(w[i - 2], 17) ^ rotr(w[i - 2], 19) ^ (w[i - 2] >> 10);
    w[i] = w[i - 16] + s0 + w[i - 7] + s1;
  }
  auto a = h_[0], b = h_[1], c = h_[2], d = h_[3];
  auto e = h_[4], f = h_[5], g = h_[6], h = h_[7];
  for (int i = 0; i < 64; ++i) {
    auto t1 = h + (rotr(e, 6) ^ rotr(e, 11) ^ rotr(e, 25))
              + ((e & f) ^ (~e & g)) + k[i] + w[i];
    auto t2 = (rotr(a, 2) ^ rotr(a, 13) ^ rotr(a, 22))
              + ((a & b) ^ (a & c) ^ (b & c));
    h = g;
    g = f;
    f = e;
    e = d + t1;
    d = c;
    c = b;
    b = a;
    a = t1 + t2;
  }
  h_[0] += a;
  h_[1] += b;
  h_[2] += c;
  h_[3] += d;
  h_[4] += e;
  h_[5] += f;
  h_[6] += g;
  h_[7] += h;
}

void sha256::update(std::string_view bytes) noexcept {
  if (bytes.empty())
    return;
  auto p = reinterpret_cast<const uint8_t*>(bytes.data());
  auto n = bytes.size();
  length_ += n;
  if (used_ > 0) {
    auto take = std::min(n, block_.size() - used_);
    std::memcpy(block_.data() + used_, p, take);
    used_ += take;
    p += take;
    n -= take;
    if (used_ < block_.size())
      return;
    compress(block_.data());
    used_ = 0;
  }
  for (; n >= 64; p += 64, n -= 64)
    compress(p);
  if (n > 0)
    std::memcpy(block_.data(), p, n);
  used_ = n;
}

sha256::digest sha256::finish() noexcept {
  auto bits = length_ * 8;
  block_[used_++] = 0x80;
  if (used_ > 56) {
    std::memset(block_.data() + used_, 0, 64 - used_);
    compress(block_.data());
    used_ = 0;
  }
  std::memset(block_.data() + used_, 0, 56 - used_);
  for (int i = 0; i < 8; ++i)
    block_[63 - i] = static_cast<uint8_t>(bits >> (8 * i));
  compress(block_.data());
  digest res;
  for (int i = 0; i < 8; ++i)
    for (int j = 0; j < 4; ++j)
      res[4 * i + j] = static_cast<uint8_t>(h_[i] >> (24 - 8 * j));
  return res;
}

sha256::digest sha256::of(std::string_view bytes) noexcept {
  sha256 h;
  h.update(bytes);
  return h.finish();
}

sha256::digest hmac_sha256(std::string_view key, std::string_view first,
                           std::string_view second) noexcept {
  std::array<uint8_t, 64> pad{};
  if (key.size() > pad.size()) {
    auto hashed = sha256::of(key);
    std::memcpy(pad.data(), hashed.data(), hashed.size());
  } else {
    std::memcpy(pad.data(), key.data(), key.size());
  }
  auto view = [](const auto& x) {
    return std::string_view{reinterpret_cast<const char*>(x.data()), x.size()};
  };
  for (auto& c : pad)
    c ^= 0x36;
  sha256 inner;
  inner.update(view(pad));
  inner.update(first);
  inner.update(second);
  auto inner_digest = inner.finish();
  for (auto& c : pad)
    c ^= 0x36 ^ 0x5c;
  sha256 outer;
  outer.update(view(pad));
  outer.update(view(inner_digest));
  return outer.finish();
}

sha256::digest hmac_sha256(std::string_view key,
                           std::string_view message) noexcept {
  return hmac_sha256(key, message, {});
}

bool equal_in_constant_time(std::string_view x, std::string_view y) noexcept {
  if (x.size() != y.size())
    return false;
  unsigned char diff = 0;
  for (size_t i = 0; i < x.size(); ++i)
    diff |= static_cast<unsigned char>(x[i] ^ y[i]);
  return diff == 0;
}

std::string_view to_hex(const sha256::digest& x, char (&out)[65]) noexcept {
  static constexpr char digits[] = "0123456789abcdef";
  for (size_t i = 0; i < x.size(); ++i) {
    out[2 * i] = digits[x[i] >> 4];
    out[2 * i + 1] = digits[x[i] & 15];
  }
  out[64] = '\0';
  return {out, 64};
}

} // namespace mcp::protocol
