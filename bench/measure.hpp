#pragma once

// What the benchmark programs share: timing, memory, and the report line.

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <string>

namespace bench {

using clock_type = std::chrono::steady_clock;

/// Returns the seconds since `t0`.
inline double seconds_since(clock_type::time_point t0) {
  return std::chrono::duration<double>(clock_type::now() - t0).count();
}

/// Returns the resident memory of process `pid` ("self" for this one), in
/// KiB.
inline long rss_kib(const std::string& pid = "self") {
  std::ifstream in{"/proc/" + pid + "/status"};
  std::string line;
  while (std::getline(in, line))
    if (line.rfind("VmRSS:", 0) == 0)
      return std::atol(line.c_str() + 6);
  return 0;
}

/// Prints one figure: "name value unit".
inline void report(const char* name, double value, const char* unit) {
  std::printf("%-28s %12.1f %s\n", name, value, unit);
  std::fflush(stdout);
}

} // namespace bench
