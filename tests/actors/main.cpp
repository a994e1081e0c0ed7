// The one translation unit of this test binary that holds the CAF test
// runner and its `main`.
#include <caf/test/unit_test_impl.hpp>
