#pragma once
// Checking the errors a test provokes.
#include <doctest/doctest.h>

#include <exception>
#include <string>

namespace xjax::testing {

/// The message of the exception `fn` throws, checking that it is an E (a test failure
/// when it throws something else or nothing).
template <class E, class F> std::string error_of(F&& fn) {
  try {
    fn();
  } catch (const E& e) {
    return e.what();
  } catch (const std::exception& e) {
    FAIL("wrong exception type: " << e.what());
    return "";
  }
  FAIL("no exception thrown");
  return "";
}

}  // namespace xjax::testing
