# The importer behind scripts/ctnn-import: readers (ONNX, Keras) -> a layer-level IR -> passes ->
# a typed ctnn model in C++. Split into modules so that each stage can be read and tested alone.
# SPDX-License-Identifier: BSL-1.0
