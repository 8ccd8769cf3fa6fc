# Writes a stand-in labels file for the classify example's tests ("class 0" … "class 999"): no
# ImageNet labels file is bundled or fetched.
# SPDX-License-Identifier: BSL-1.0
set(text "")
foreach(i RANGE 999)
  string(APPEND text "class ${i}\n")
endforeach()
file(WRITE ${OUT} "${text}")
