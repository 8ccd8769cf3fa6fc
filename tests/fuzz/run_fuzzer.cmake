# Runs a libFuzzer harness for RUNS inputs, starting from the seed corpus SEEDS, with a fixed
# seed. The seed does not make runs repeatable (three runs of the image harness added 566, 597 and
# 590 inputs, with address randomisation off too), so a run may find what earlier ones did not.
# New inputs go to WORK/corpus, never into the source tree; a crashing input is saved in WORK/,
# and the failure's first lines are the error and the input (base64), so that a CI log cut short
# in the middle still shows them.
# SPDX-License-Identifier: BSL-1.0
file(REMOVE_RECURSE ${WORK})
file(MAKE_DIRECTORY ${WORK}/corpus)
execute_process(COMMAND ${FUZZER} -runs=${RUNS} -seed=1 -malloc_limit_mb=${MALLOC_LIMIT_MB} -rss_limit_mb=2048
                        -timeout=10 -artifact_prefix=${WORK}/ -print_final_stats=1 ${WORK}/corpus ${SEEDS}
                RESULT_VARIABLE status OUTPUT_VARIABLE out ERROR_VARIABLE err)
string(REGEX MATCH "stat::number_of_executed_units: *[0-9]+" executed "${err}")
message("${executed}")
if(NOT status EQUAL 0)
  # A CMake list would split the lines at their ';': they are hidden while the lines are a list.
  string(REPLACE ";" "<semicolon>" lines "${err}")
  string(REGEX MATCHALL "[^\n]*(ERROR|runtime error|SUMMARY|Test unit written|Base64)[^\n]*" lines "${lines}")
  list(JOIN lines "\n" finding)
  string(REPLACE "<semicolon>" ";" finding "${finding}")
  message(FATAL_ERROR "${FUZZER} failed (${status}):\n${finding}\n\nThe whole run:\n${out}${err}")
endif()
