// Ports on 127.0.0.1 for tests and benchmarks that start servers as real
// processes.
#pragma once

#include <chrono>
#include <cstdint>
#include <netinet/in.h>
#include <random>
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

/// Returns a port of 127.0.0.1 that was free a moment ago, for a server
/// process that needs its port on its command line. It lies below the
/// kernel's ephemeral range (32768-60999 by default), so that a listener
/// that binds port 0 meanwhile (another test running in parallel) or an
/// outgoing connection cannot take it before the server starts.
inline uint16_t free_port() {
  std::random_device rd;
  for (int i = 0; i < 200; ++i) {
    auto port = static_cast<uint16_t>(20000 + rd() % 12000);
    auto fd = ::socket(AF_INET, SOCK_STREAM, 0);
    auto addr = loopback_address(port);
    auto rc = ::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr));
    ::close(fd);
    if (rc == 0)
      return port;
  }
  return 0;
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
