# Runs a libFuzzer harness for RUNS inputs, starting from the seed corpus SEEDS, with a fixed
# seed so that a run is repeatable. New inputs go to WORK/corpus, never into the source tree;
# a crashing input is saved in WORK/ and named in the output.
# SPDX-License-Identifier: BSL-1.0
file(REMOVE_RECURSE ${WORK})
file(MAKE_DIRECTORY ${WORK}/corpus)
execute_process(COMMAND ${FUZZER} -runs=${RUNS} -seed=1 -malloc_limit_mb=${MALLOC_LIMIT_MB} -rss_limit_mb=2048
                        -timeout=10 -artifact_prefix=${WORK}/ -print_final_stats=1 ${WORK}/corpus ${SEEDS}
                RESULT_VARIABLE status OUTPUT_VARIABLE out ERROR_VARIABLE err)
string(REGEX MATCH "stat::number_of_executed_units: *[0-9]+" executed "${err}")
message("${executed}")
if(NOT status EQUAL 0)
  message(FATAL_ERROR "${FUZZER} failed (${status}):\n${out}${err}")
endif()
