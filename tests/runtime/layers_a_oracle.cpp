// ctnn against PyTorch for the layers of issue 9, part A (tests/oracle/make_layer_fixtures_a.py
// writes the a_* fixtures): Dense, Flatten, Reshape, global pooling, the activation functions and
// layers, Rescaling, Dropout; and what tensors of rank 1 and 2 need around the network (summary,
// .npy output, element access). Values must agree within 1e-4, relative.
// SPDX-License-Identifier: BSL-1.0
#include <ctnn/ctnn.hpp>
#include <ctnn/io/weights.hpp>

#include <doctest/doctest.h>

#include <cmath>
#include <filesystem>
#include <sstream>
#include <string>
#include <vector>

#include "torch_fixture.hpp"

namespace {
using namespace ctnn;

using torch_fixture::check_against_torch;
using torch_fixture::one_layer;
}  // namespace

TEST_CASE("a classifier head (Flatten, Dense relu, Dense softmax) matches PyTorch") {
    auto x = Input<shape<4, 3, 5>, name<"x">>{}();
    auto f = Flatten<name<"flatten">>{}(x);
    auto h = Dense<16, relu, name<"fc1">>{}(f);
    check_against_torch(Model{x, Dense<7, softmax, name<"predictions">>{}(h)}, "a_flatten_dense_softmax");
}

TEST_CASE("Dense on every rank matches PyTorch: per pixel of a map, a vector, rank 2") {
    check_against_torch(one_layer<Dense<5, no_bias, gelu, name<"proj">>, shape<3, 4, 6>>(), "a_dense_per_pixel_gelu");
    check_against_torch(one_layer<Dense<3, ctnn::tanh, name<"fc">>, shape<9>>(), "a_dense_vector_tanh");
    check_against_torch(one_layer<Dense<6, sigmoid, name<"fc">>, shape<5, 4>>(), "a_dense_rank2_sigmoid");
}

TEST_CASE("GlobalAveragePooling2D and GlobalMaxPooling2D (keepdims) match PyTorch") {
    check_against_torch(one_layer<GlobalAveragePooling2D<name<"g">>, shape<5, 7, 4>>(), "a_global_average_pooling");
    check_against_torch(one_layer<GlobalMaxPooling2D<keepdims<true>, name<"g">>, shape<5, 7, 4>>(),
                          "a_global_max_pooling_keepdims");
}

TEST_CASE("activation functions match PyTorch (hard_sigmoid as Keras 3, exact gelu)") {
    using S = shape<3, 4, 5>;
    check_against_torch(one_layer<Activation<relu6, name<"a">>, S>(), "a_activation_relu6");
    check_against_torch(one_layer<Activation<hard_sigmoid, name<"a">>, S>(), "a_activation_hard_sigmoid");
    check_against_torch(one_layer<Activation<swish, name<"a">>, S>(), "a_activation_silu");
    check_against_torch(one_layer<Activation<hard_swish, name<"a">>, S>(), "a_activation_hard_silu");
    check_against_torch(one_layer<Activation<gelu, name<"a">>, S>(), "a_activation_gelu");
    check_against_torch(one_layer<Activation<softplus, name<"a">>, S>(), "a_activation_softplus");
    check_against_torch(one_layer<Activation<elu, name<"a">>, S>(), "a_activation_elu");
}

TEST_CASE("ReLU, LeakyReLU and ELU layers match Keras' formulas computed by PyTorch") {
    using S = shape<3, 4, 5>;
    check_against_torch(one_layer<ReLU<max_value<6>, name<"r">>, S>(), "a_relu_max_value_6");
    check_against_torch(one_layer<ReLU<max_value<5>, negative_slope<"0.1">, threshold<"1.5">, name<"r">>, S>(),
                          "a_relu_slope_threshold_cap");
    check_against_torch(one_layer<LeakyReLU<name<"l">>, S>(), "a_leaky_relu_default");
    check_against_torch(one_layer<ELU<alpha<"0.5">, name<"e">>, S>(), "a_elu_alpha");
}

TEST_CASE("PReLU matches Keras' formula computed by PyTorch: alpha shared over H and W, and per element") {
    check_against_torch(one_layer<PReLU<shared_axes<1, 2>, name<"prelu">>, shape<3, 4, 5>>(), "a_prelu_shared_hw");
    check_against_torch(one_layer<PReLU<name<"prelu">>, shape<4, 6>>(), "a_prelu_rank2");
}

TEST_CASE("Softmax, Rescaling, Reshape and Dropout match PyTorch") {
    check_against_torch(one_layer<Softmax<name<"s">>, shape<10>>(), "a_softmax_vector");
    check_against_torch(one_layer<Rescaling<scale<"2/255">, offset<-1>, name<"r">>, shape<4, 4, 3>>(), "a_rescaling");
    auto x = Input<shape<24>, name<"x">>{}();
    auto r = Reshape<target_shape<2, 4, 3>, name<"to_map">>{}(x);
    auto d = Dropout<rate<"0.5">, name<"drop">>{}(r);
    check_against_torch(Model{x, Reshape<target_shape<2, -1>, name<"to_rank2">>{}(d)}, "a_reshape_dropout");
}

TEST_CASE("the summary prints vectors and rank-2 shapes as Keras does") {
    auto x = Input<shape<7, 7, 8>, name<"x">>{}();
    auto g = GlobalAveragePooling2D<name<"avg_pool">>{}(x);
    auto r = Reshape<target_shape<2, 4>, name<"r">>{}(g);
    std::ostringstream text;
    summary(Model{x, Flatten<name<"f">>{}(r)}, text);
    INFO(text.str());
    CHECK(text.str().find("avg_pool (GlobalAveragePooling2D)") != std::string::npos);
    CHECK(text.str().find("(None, 8)") != std::string::npos);
    CHECK(text.str().find("(None, 2, 4)") != std::string::npos);
    CHECK(text.str().find("(None, 7, 7, 8)") != std::string::npos);
}

TEST_CASE("a vector output saves as an (N, n) array; tensors of rank 1 and 2 index as such") {
    CHECK(io::batch_shape(3, shape<10>::value) == std::vector<std::int64_t>{3, 10});
    CHECK(io::batch_shape(3, shape<5, 10>::value) == std::vector<std::int64_t>{3, 5, 10});
    CHECK(io::batch_shape(3, shape<4, 5, 10>::value) == std::vector<std::int64_t>{3, 4, 5, 10});

    auto x = Input<shape<2, 2, 3>, name<"x">>{}();
    network net{Model{x, GlobalMaxPooling2D<name<"g">>{}(x)}};
    tensor<shape<2, 2, 3>> in(2);
    for (std::size_t i = 0; i != in.size(); ++i) in.data()[i] = static_cast<float>(i);
    const auto y = net(in);
    CHECK(y(1, 2) == 23.0f);  // sample 1's last pixel, channel 2

    tensor<shape<3, 2>> pairs(1);
    pairs(0, 2, 1) = 5.0f;
    CHECK(pairs.data()[5] == 5.0f);

    const auto path = std::filesystem::temp_directory_path() / "ctnn_layers_a_vector.npy";
    io::write_npy(path, y);
    const auto back = io::read_npy(path);
    std::filesystem::remove(path);
    CHECK(back.shape == std::vector<std::int64_t>{2, 3});
    CHECK(back.values[5] == 23.0f);
}
