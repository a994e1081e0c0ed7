/* The physical floor of a sequential HTTP call on this machine: a minimal
 * keep-alive HTTP/1.1 echo server and a client in two processes over
 * loopback TCP, nothing else. Each round trip is one POST of a JSON-RPC
 * tools/call (as an MCP client sends it) answered with a JSON body.
 *   usage: http_floor [ROUND_TRIPS]
 * Prints "http_floor_round_trips <N> round_trips/s". */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static const char body[] =
  "{\"jsonrpc\":\"2.0\",\"id\":7,\"method\":\"tools/call\",\"params\":"
  "{\"name\":\"echo\",\"arguments\":{\"text\":\"hi\"}}}";
static const char answer[] =
  "{\"jsonrpc\":\"2.0\",\"id\":7,\"result\":{\"content\":[{\"type\":\"text\","
  "\"text\":\"ok\"}]}}";

/* Reads one HTTP message (head and Content-Length body) into buf. */
static int read_message(int fd, char* buf, size_t cap) {
  size_t len = 0;
  for (;;) {
    ssize_t n = read(fd, buf + len, cap - len - 1);
    if (n <= 0)
      return -1;
    len += (size_t) n;
    buf[len] = 0;
    char* end = strstr(buf, "\r\n\r\n");
    if (end == NULL)
      continue;
    char* cl = strcasestr(buf, "Content-Length:");
    size_t want = (size_t) (end + 4 - buf) + (cl ? strtoul(cl + 15, NULL, 10) : 0);
    if (len >= want)
      return (int) len;
  }
}

static void serve(int listener) {
  int fd = accept(listener, NULL, NULL);
  int one = 1;
  setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  char buf[8192], out[1024];
  int n = snprintf(out, sizeof out,
                   "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
                   "Content-Length: %zu\r\n\r\n%s",
                   strlen(answer), answer);
  while (read_message(fd, buf, sizeof buf) > 0)
    if (write(fd, out, (size_t) n) != n)
      break;
  exit(0);
}

int main(int argc, char** argv) {
  long trips = argc > 1 ? atol(argv[1]) : 20000;
  int listener = socket(AF_INET, SOCK_STREAM, 0);
  struct sockaddr_in addr = {0};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t alen = sizeof addr;
  if (bind(listener, (struct sockaddr*) &addr, sizeof addr) != 0
      || listen(listener, 1) != 0
      || getsockname(listener, (struct sockaddr*) &addr, &alen) != 0) {
    perror("http_floor");
    return 1;
  }
  pid_t child = fork();
  if (child == 0)
    serve(listener);
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  if (connect(fd, (struct sockaddr*) &addr, sizeof addr) != 0) {
    perror("http_floor: connect");
    return 1;
  }
  int one = 1;
  setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  char req[1024], buf[8192];
  int n = snprintf(req, sizeof req,
                   "POST /mcp HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                   "Content-Type: application/json\r\n"
                   "Accept: application/json, text/event-stream\r\n"
                   "Content-Length: %zu\r\n\r\n%s",
                   strlen(body), body);
  struct timespec t0, t1;
  clock_gettime(CLOCK_MONOTONIC, &t0);
  for (long i = 0; i < trips; ++i)
    if (write(fd, req, (size_t) n) != n || read_message(fd, buf, sizeof buf) < 0) {
      fprintf(stderr, "http_floor: connection lost\n");
      return 1;
    }
  clock_gettime(CLOCK_MONOTONIC, &t1);
  double dt = (double) (t1.tv_sec - t0.tv_sec) + (double) (t1.tv_nsec - t0.tv_nsec) / 1e9;
  printf("%-28s %12.1f %s\n", "http_floor_round_trips", (double) trips / dt,
         "round_trips/s");
  close(fd);
  kill(child, SIGTERM);
  waitpid(child, NULL, 0);
  return 0;
}
