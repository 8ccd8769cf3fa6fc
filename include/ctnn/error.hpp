// Diagnostics that name the layer and show shapes in numbers on the first `error:` line.
//
// A static_assert message must be a literal, and GCC prints computed values only on later note
// lines. Instantiating a never-defined type whose template arguments are the layer and the
// shapes puts them on the first error line on GCC and Clang alike; a static_assert sentence in
// plain English follows it.
// SPDX-License-Identifier: BSL-1.0
#pragma once

#include <type_traits>

// The diagnostics every layer shares are declared here; a layer's own (`units_must_be_positive`)
// are declared in its header, next to the rule that raises them, in this same namespace. The
// docs generator finds both kinds by scanning the headers' `namespace ctnn::error` blocks.
namespace ctnn::error {

// Options and applications any layer can get wrong.
template <class Layer, class Option> struct option_not_accepted_by_layer;
template <class Layer, class Option> struct option_given_twice;
template <class Layer> struct layer_needs_a_name;
template <class Layer, class Option> struct option_required;
template <class Layer, class Expected, class Received> struct wrong_number_of_inputs;

// Layer types that do not declare what the `layer` concept asks (layers/concept.hpp).
namespace member {
struct kind;
struct layer_name;
struct min_inputs_and_max_inputs;
struct check_hyperparameters;
struct output_shape;
struct params;
struct weights;
struct cost;
struct check_inputs_returning_a_verdict;
}  // namespace member
template <class Layer, class Member> struct layer_lacks_member;
template <class Layer, class... Shapes> struct layer_params_differ_from_its_weights;
/// `Ranks` is the layer's `ranks<...>`: those it does take.
template <class Layer, class Shape, class Ranks> struct layer_does_not_take_this_rank;

// Graphs a model cannot be made of.
template <class Name, class Layer, class OtherLayer> struct duplicate_layer_name;
template <class Layer, class Shape, class OtherShape> struct shared_layer_applied_to_another_shape;
template <class Input> struct model_lacks_an_input_its_outputs_need;
template <class Input> struct model_input_not_connected;
template <class Name> struct no_layer_with_this_name;
template <class Expected, class Received> struct model_called_with_wrong_shape;
template <class Expected, class Received> struct model_called_with_wrong_number_of_tensors;
template <class OutputLayer> struct nested_model_needs_a_name;
template <class Model, class Expected, class Received> struct nested_model_applied_to_another_shape;

// A program's own expectations (ctnn::expect_shape).
template <class Actual, class Expected> struct shape_differs_from_expected;

}  // namespace ctnn::error


/// States one rule of a layer: on failure, `Diagnostic...` (the layer and its shapes) is the
/// first error line and `sentence` explains it. `ok` must be a constant boolean expression.
/// (sizeof of the incomplete type is an error at once; a function template's body would be
/// instantiated only at the end of the translation unit, after the static_assert.)
#define CTNN_REQUIRE(ok, sentence, ...)                       \
    if constexpr (!(ok)) CTNN_REPORT(__VA_ARGS__);            \
    static_assert(ok, sentence)

namespace ctnn::detail {
/// Instantiated only to fail. The sizeof is taken here, not in the checking function: an
/// ill-formed expression in its body would make that function unusable in constant expressions,
/// and every `if constexpr` that asks it (the layer's call, the model) would add an error of its
/// own, down to "inconsistent deduction for auto return type".
template <class Diagnostic>
inline constexpr bool report = sizeof(Diagnostic) != 0;
}  // namespace ctnn::detail

/// Reports a diagnostic type (see above) without a sentence.
#define CTNN_REPORT(...) static_cast<void>(::ctnn::detail::report<__VA_ARGS__>)

namespace ctnn {

/// What a layer's `check_inputs` returns: whether it takes the shapes it was given. Only
/// CTNN_CHECK makes a verdict that can be false, and it reports a diagnostic when it is, so a
/// layer cannot reject its inputs without saying why (a bare `false` would leave the model
/// silently invalid and the first error somewhere else).
class verdict {
public:
    /// For layers that take any shape of the rank they accept.
    static constexpr verdict accept() { return verdict{true}; }

    /// CTNN_CHECK's implementation: `Diagnostic` is reported when `Ok` is false, then
    /// `sentence_check` (a generic lambda, so that its static_assert is instantiated only here,
    /// after the diagnostic) adds the sentence.
    template <bool Ok, class Diagnostic, class SentenceCheck>
    static constexpr verdict checked(SentenceCheck sentence_check) {
        if constexpr (!Ok) CTNN_REPORT(Diagnostic);
        sentence_check(std::bool_constant<Ok>{});
        return verdict{Ok};
    }

    constexpr explicit operator bool() const { return ok_; }
    friend constexpr verdict operator&&(verdict a, verdict b) { return verdict{a.ok_ && b.ok_}; }

private:
    constexpr explicit verdict(bool ok) : ok_{ok} {}
    bool ok_;
};

}  // namespace ctnn

/// CTNN_REQUIRE as an expression, for `check_inputs`: `return CTNN_CHECK(fits, "...", error::x<...>);`
#define CTNN_CHECK(ok, sentence, ...) \
    ::ctnn::verdict::checked<(ok), __VA_ARGS__>([](auto holds) { static_assert((ok) && decltype(holds)::value, sentence); })
