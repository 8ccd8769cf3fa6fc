// The runtime suite's main: doctest's, with each test case registered in CTest.
#define DOCTEST_CONFIG_IMPLEMENT_WITH_MAIN
#include <doctest/doctest.h>
