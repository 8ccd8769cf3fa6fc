# Builds SOURCE with -fsyntax-only and passes if it compiles: for the compile-time core of models
# too large to build as a program in every test run (their full build is bench/compile/run's).
# Usage: cmake -DCOMPILER=... -DSOURCE=... -DINCLUDES="dir;dir" -P check_compiles.cmake
# SPDX-License-Identifier: BSL-1.0
set(flags -std=c++20 -fsyntax-only -Wall -Wextra -Wpedantic -Wconversion -Werror -fdiagnostics-color=never)
foreach(dir IN LISTS INCLUDES)
  list(APPEND flags -isystem "${dir}")
endforeach()
execute_process(COMMAND ${CMAKE_COMMAND} -E env LC_ALL=C ${COMPILER} ${flags} "${SOURCE}"
                RESULT_VARIABLE status OUTPUT_VARIABLE out ERROR_VARIABLE err)
if(NOT status EQUAL 0)
  string(SUBSTRING "${err}${out}" 0 4000 head)
  message(FATAL_ERROR "FAIL: ${SOURCE} does not compile:\n${head}")
endif()
message(STATUS "ok: ${SOURCE} compiles")
