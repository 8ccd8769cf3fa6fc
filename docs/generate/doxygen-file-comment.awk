# Doxygen input filter: every ctnn header opens with a plain `//` comment saying what it is for
# (house style). This makes that comment the file's Doxygen description, verbatim so that
# contract tables keep their alignment, without moving any line.
opening && NR == 1 { sub(/^\/\/ ?/, "/** @file " FILENAME " @verbatim "); print; next }
opening && /^#pragma once/ { opening = 0; print "@endverbatim */ " $0; next }
opening { sub(/^\/\/ ?/, ""); print; next }
{ print }
BEGIN { opening = 1 }
