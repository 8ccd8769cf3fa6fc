# Builds SOURCE with CTNN_SHOULD_FAIL defined and passes only if the build fails and its first
# `error:` line matches the regex the file states as `expected-error {{regex}}`.
# Usage: cmake -DCOMPILER=... -DSOURCE=... -DINCLUDES="dir;dir" -P check_compile_fail.cmake

file(READ "${SOURCE}" text)
string(REGEX MATCH "expected-error {{([^\n]*)}}" found "${text}")
if(NOT found)
  message(FATAL_ERROR "${SOURCE} states no `expected-error {{regex}}`")
endif()
set(expected "${CMAKE_MATCH_1}")

set(flags -std=c++20 -fsyntax-only -fdiagnostics-color=never -DCTNN_SHOULD_FAIL)
foreach(dir IN LISTS INCLUDES)
  list(APPEND flags -isystem "${dir}")
endforeach()
# LC_ALL=C: GCC prints ASCII quotes, so that expectations are plain text.
execute_process(COMMAND ${CMAKE_COMMAND} -E env LC_ALL=C ${COMPILER} ${flags} "${SOURCE}"
                RESULT_VARIABLE status OUTPUT_VARIABLE out ERROR_VARIABLE err)

if(status EQUAL 0)
  message(FATAL_ERROR "FAIL: ${SOURCE} compiled with CTNN_SHOULD_FAIL, but must not")
endif()
# A diagnostic line reads "file:line:col: error: ..." (or "fatal error:"); "ctnn::error::" in a
# context line ("In instantiation of ...") is not one.
string(REGEX MATCH "[^\n]*: (fatal )?error: [^\n]*" first_error "${err}${out}")
if(NOT first_error)
  message(FATAL_ERROR "FAIL: the build failed without an `error:` line:\n${err}${out}")
endif()
if(NOT first_error MATCHES "${expected}")
  message(FATAL_ERROR "FAIL: the first error line\n  ${first_error}\ndoes not match\n  ${expected}")
endif()
message(STATUS "ok: ${first_error}")
