/* The physical floor of a sequential stdio call on this machine: two
 * processes over a socket pair (as caf-mcp talks to a server child), one
 * writing a JSON-RPC tools/call line and the other answering with a result
 * line, nothing else.
 *   usage: stdio_floor [ROUND_TRIPS]
 * Prints "stdio_floor_round_trips <N> round_trips/s". */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static const char request[] =
  "{\"jsonrpc\":\"2.0\",\"id\":7,\"method\":\"tools/call\",\"params\":"
  "{\"name\":\"echo\",\"arguments\":{\"text\":\"hello\"}}}\n";
static const char answer[] =
  "{\"jsonrpc\":\"2.0\",\"id\":7,\"result\":{\"content\":[{\"type\":\"text\","
  "\"text\":\"ok\"}]}}\n";

/* Reads up to and including the next newline. */
static int read_line(int fd, char* buf, size_t cap) {
  size_t len = 0;
  for (;;) {
    ssize_t n = read(fd, buf + len, cap - len);
    if (n <= 0)
      return -1;
    len += (size_t) n;
    if (memchr(buf, '\n', len) != NULL)
      return (int) len;
  }
}

int main(int argc, char** argv) {
  long trips = argc > 1 ? atol(argv[1]) : 50000;
  int fds[2];
  if (socketpair(AF_UNIX, SOCK_STREAM, 0, fds) != 0) {
    perror("stdio_floor");
    return 1;
  }
  char buf[4096];
  pid_t child = fork();
  if (child == 0) {
    close(fds[0]);
    while (read_line(fds[1], buf, sizeof buf) > 0)
      if (write(fds[1], answer, sizeof answer - 1) < 0)
        break;
    exit(0);
  }
  close(fds[1]);
  struct timespec t0, t1;
  clock_gettime(CLOCK_MONOTONIC, &t0);
  for (long i = 0; i < trips; ++i)
    if (write(fds[0], request, sizeof request - 1) < 0
        || read_line(fds[0], buf, sizeof buf) < 0) {
      fprintf(stderr, "stdio_floor: peer lost\n");
      return 1;
    }
  clock_gettime(CLOCK_MONOTONIC, &t1);
  double dt = (double) (t1.tv_sec - t0.tv_sec) + (double) (t1.tv_nsec - t0.tv_nsec) / 1e9;
  printf("%-28s %12.1f %s\n", "stdio_floor_round_trips", (double) trips / dt,
         "round_trips/s");
  close(fds[0]);
  kill(child, SIGTERM);
  waitpid(child, NULL, 0);
  return 0;
}
