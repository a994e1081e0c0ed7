#pragma once

#include <chrono>
#include <cstddef>

#include <caf/actor.hpp>
#include <caf/expected.hpp>
#include <caf/fwd.hpp>
#include <caf/timespan.hpp>

#include "transports/child_process.hpp"

namespace mcp::transports {

/// How to run an MCP peer as a child process over newline-delimited JSON on
/// its stdin and stdout.
struct stdio_transport_config {
  /// The program to run.
  child_process_spec child;
  /// Lines longer than this are dropped and reported.
  size_t max_line_size = 4 * 1024 * 1024;
  /// Output the child has not read yet beyond which the transport gives up
  /// on it (reports `output_overflow` and closes), instead of buffering
  /// without bound.
  size_t max_pending_output = 64 * 1024 * 1024;
  /// How many trailing bytes of the child's stderr to keep.
  size_t stderr_tail_size = 4096;
  /// Whether to copy the child's stderr to ours.
  bool echo_stderr = false;
  /// How long a closing child may take to exit after its stdin closed.
  caf::timespan close_grace = std::chrono::seconds(2);
  /// How long a child may take to exit after SIGTERM before SIGKILL.
  caf::timespan terminate_grace = std::chrono::seconds(1);
};

/// Starts the child process of `cfg` and spawns the broker actor that speaks
/// newline-delimited JSON with it. The transport sends
/// `(inbound_atom, boost::json::value)` (or a vector of values: all messages
/// of one read) and `transport_fault` to `owner`,
/// takes `(outbound_atom, boost::json::value)` and `(close_atom)`, and ends
/// with one `transport_closed` to `owner`. It closes the child when `owner`
/// goes down. Needs the I/O middleman loaded. Fails when the child cannot
/// start.
caf::expected<caf::actor> spawn_stdio_transport(caf::actor_system& sys,
                                                stdio_transport_config cfg,
                                                caf::actor owner);

} // namespace mcp::transports
