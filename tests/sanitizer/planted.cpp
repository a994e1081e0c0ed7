// Plants one defect of the kind named on the command line, so that the
// sanitizer build shows it catches each: `leak`, `overflow` (heap buffer),
// `use-after-free`, `signed-overflow` (UB) or `none` (the control, clean).
#include <climits>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <vector>

namespace {

void* volatile sink;
volatile size_t index_past_end = 4;
volatile int large = INT_MAX;

int plant(const char* kind) {
  if (std::strcmp(kind, "leak") == 0) {
    sink = std::malloc(64);
    sink = nullptr;
    return 0;
  }
  if (std::strcmp(kind, "overflow") == 0) {
    std::vector<int> xs(4);
    xs.data()[index_past_end] = 1;
    return xs[0];
  }
  if (std::strcmp(kind, "use-after-free") == 0) {
    auto x = new int{1};
    delete x;
    return *x;
  }
  if (std::strcmp(kind, "signed-overflow") == 0) {
    int sum = large + 1;
    return sum == 0;
  }
  if (std::strcmp(kind, "none") == 0) {
    sink = std::malloc(64);
    std::free(sink);
    std::vector<int> xs(4);
    xs[static_cast<size_t>(index_past_end) - 1] = 1;
    return xs[0];
  }
  std::fprintf(stderr, "usage: planted leak|overflow|use-after-free|"
                       "signed-overflow|none\n");
  return 2;
}

} // namespace

int main(int argc, char** argv) {
  if (argc != 2)
    return plant("");
  auto res = plant(argv[1]);
  std::printf("planted %s, exit %d\n", argv[1], res);
  return res == 2 ? 2 : 0;
}
