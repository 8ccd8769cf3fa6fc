# Builds SOURCE with CTNN_SHOULD_FAIL defined and passes only if the build fails and its first
# `error:` line matches the regex the file states as `expected-error {{regex}}`. A file that also
# states `expected-error-count {{N}}` must give exactly N `error:` lines: one mistake, one
# diagnostic, however the program goes on.
# The compiler's output is saved in OUTPUT (if given), where the docs check reads it rather than
# compiling the case again with this compiler (docs/CMakeLists.txt): so the flags are the docs'.
# Usage: cmake -DCOMPILER=... -DSOURCE=... -DINCLUDE=dir -DSYSTEM_INCLUDES="dir;dir" [-DOUTPUT=file]
#              -P check_compile_fail.cmake
# SPDX-License-Identifier: BSL-1.0

file(READ "${SOURCE}" text)
string(REGEX MATCH "expected-error {{([^\n]*)}}" found "${text}")
if(NOT found)
  message(FATAL_ERROR "${SOURCE} states no `expected-error {{regex}}`")
endif()
set(expected "${CMAKE_MATCH_1}")

set(flags -std=c++20 -fsyntax-only -fdiagnostics-color=never -DCTNN_SHOULD_FAIL -I${INCLUDE})
foreach(dir IN LISTS SYSTEM_INCLUDES)
  list(APPEND flags -isystem "${dir}")
endforeach()
# LC_ALL=C: GCC prints ASCII quotes, so that expectations are plain text.
execute_process(COMMAND ${CMAKE_COMMAND} -E env LC_ALL=C ${COMPILER} ${flags} "${SOURCE}"
                RESULT_VARIABLE status OUTPUT_VARIABLE out ERROR_VARIABLE err)
if(OUTPUT)
  file(WRITE "${OUTPUT}" "${err}${out}")
endif()

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
string(REGEX MATCH "expected-error-count {{([0-9]+)}}" count_found "${text}")
if(count_found)
  set(expected_count "${CMAKE_MATCH_1}")
  string(REPLACE ";" "," all_output "${err}${out}")  # so that each match is one list element
  string(REGEX MATCHALL "[^\n]*: (fatal )?error: [^\n]*" all_errors "${all_output}")
  list(LENGTH all_errors error_count)
  if(NOT error_count EQUAL expected_count)
    list(JOIN all_errors "\n  " listed)
    message(FATAL_ERROR "FAIL: ${error_count} `error:` lines, expected ${expected_count}:\n  ${listed}")
  endif()
endif()
message(STATUS "ok: ${first_error}")
