# Runs COMMAND (a ;-list) and passes only if it exits with STATUS and its output matches OUTPUT:
# both, since WILL_FAIL alone passes on any failure and PASS_REGULAR_EXPRESSION alone ignores
# the exit status.
# SPDX-License-Identifier: BSL-1.0
execute_process(COMMAND ${COMMAND} RESULT_VARIABLE status OUTPUT_VARIABLE out ERROR_VARIABLE err)
if(NOT status EQUAL STATUS)
  message(FATAL_ERROR "exit status ${status}, expected ${STATUS}\n${out}${err}")
endif()
if(NOT "${out}${err}" MATCHES "${OUTPUT}")
  message(FATAL_ERROR "output does not match '${OUTPUT}':\n${out}${err}")
endif()
