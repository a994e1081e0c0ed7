// Ports on 127.0.0.1 for tests and benchmarks that start servers as real
// processes.
#pragma once

#include <chrono>
#include <cstdint>
#include <netinet/in.h>
#include <sys/socket.h>
#include <thread>
#include <unistd.h>

namespace mcp::test {

/// Returns the loopback address with port `port`.
inline sockaddr_in loopback_address(uint16_t port) {
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = htons(port);
  return addr;
}

/// Returns a port of 127.0.0.1 that was free a moment ago.
inline uint16_t free_port() {
  auto fd = ::socket(AF_INET, SOCK_STREAM, 0);
  auto addr = loopback_address(0);
  ::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr));
  socklen_t len = sizeof(addr);
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
  ::close(fd);
  return ntohs(addr.sin_port);
}

/// Returns whether something listens on port `port` of 127.0.0.1 within
/// 10 s.
inline bool wait_listening(uint16_t port) {
  for (int i = 0; i < 1000; ++i) {
    auto fd = ::socket(AF_INET, SOCK_STREAM, 0);
    auto addr = loopback_address(port);
    auto rc = ::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr));
    ::close(fd);
    if (rc == 0)
      return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  return false;
}

} // namespace mcp::test
