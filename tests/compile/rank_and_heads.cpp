// Static facts of tensors of rank 1 and 2 and of the layers that make and take them (Dense,
// Flatten, Reshape, the global pools, the activation and regularisation layers). Expected
// values are written out from Keras' documentation and model.summary() of the same layers, not
// computed by ctnn's rules. "It builds" is the test.
// SPDX-License-Identifier: BSL-1.0
#include <ctnn/core.hpp>

#include <type_traits>

namespace {
using namespace ctnn;

// --- Shapes of every rank ------------------------------------------------------------------------
static_assert(shape<4096>::value == dims{1, 1, 4096, 1});
static_assert(shape<7, 512>::value == dims{1, 7, 512, 2});
static_assert(shape<7, 7, 512>::value == dims{7, 7, 512});
// Laid out alike, told apart.
static_assert(shape<8>::value.size() == shape<1, 1, 8>::value.size());
static_assert(shape<8>::value != shape<1, 1, 8>::value && shape<8>::value != shape<1, 8>::value);
static_assert(std::is_same_v<shape_of<dims{1, 1, 8, 1}>, shape<8>>);
static_assert(std::is_same_v<shape_of<dims{1, 7, 8, 2}>, shape<7, 8>>);
static_assert(std::is_same_v<shape_of<dims{1, 1, 8}>, shape<1, 1, 8>>);
static_assert(expect_shape<shape<10>::value, shape<10>{}>);

template <class L, class S>
constexpr dims out = output_shape_t<L, S>::value;

// --- Which ranks a layer takes -------------------------------------------------------------------
// Layers that declare nothing take maps only, silently in `accepts` (the generic check names
// error::layer_does_not_take_this_rank where a layer is applied: tests/compile/fail/conv_on_vector.cpp).
static_assert(accepts<Conv2D<4, kernel_size<1>, name<"c">>, shape<1, 1, 8>>);
static_assert(!accepts<Conv2D<4, kernel_size<1>, name<"c">>, shape<8>>);
static_assert(!accepts<MaxPooling2D<pool_size<1>, name<"p">>, shape<4, 8>>);
static_assert(!accepts<Concatenate<name<"j">>, shape<8>, shape<8>>);
static_assert(!accepts<GlobalAveragePooling2D<name<"g">>, shape<8>>);
static_assert(!accepts<SpatialDropout2D<rate<"0.5">, name<"d">>, shape<8>>);
static_assert(accepts<Add<name<"a">>, shape<8>, shape<8>>);
static_assert(accepts<Add<name<"a">>, shape<3, 8>, shape<3, 8>>);
static_assert(!accepts<Add<name<"a">>, shape<8>, shape<1, 1, 8>>);  // equal memory, different shapes

// --- Dense: Keras' summary of Dense(4096) on (None, 25088) says 102,764,544 ------------------------
using fc1 = Dense<4096, relu, name<"fc1">>;
static_assert(out<fc1, shape<25088>> == shape<4096>::value);
static_assert(fc1::params<shape<25088>::value> == 25088LL * 4096 + 4096);
static_assert(fc1::params<shape<25088>::value> == 102'764'544);
static_assert(fc1::weights<shape<25088>::value>[0].shape[0] == 25088 && fc1::weights<shape<25088>::value>[0].shape[1] == 4096 &&
              fc1::weights<shape<25088>::value>[0].rank == 2 && fc1::weights<shape<25088>::value>[1].size() == 4096);
static_assert(Dense<10, no_bias, name<"d">>::params<shape<3>::value> == 30);
static_assert(Dense<10, no_bias, name<"d">>::weights<shape<3>::value>.size() == 1);
// Per position on maps and rank 2, as Keras: Dense(5) on (None, 4, 4, 3) is (None, 4, 4, 5), 20 params.
static_assert(out<Dense<5, name<"d">>, shape<4, 4, 3>> == shape<4, 4, 5>::value);
static_assert(out<Dense<5, name<"d">>, shape<6, 3>> == shape<6, 5>::value);
static_assert(Dense<5, name<"d">>::params<shape<4, 4, 3>::value> == 20);
static_assert(Dense<5, name<"d">>::cost<shape<4, 4, 3>::value>.dense == 16 * 3 * 5);

// --- Flatten, Reshape -----------------------------------------------------------------------------
static_assert(out<Flatten<name<"f">>, shape<7, 7, 512>> == shape<25088>::value);
static_assert(out<Flatten<name<"f">>, shape<6, 3>> == shape<18>::value);
static_assert(out<Flatten<name<"f">>, shape<18>> == shape<18>::value);
static_assert(out<Reshape<target_shape<1, 1, 1024>, name<"r">>, shape<1024>> == shape<1, 1, 1024>::value);
static_assert(out<Reshape<target_shape<-1>, name<"r">>, shape<2, 3, 4>> == shape<24>::value);
static_assert(out<Reshape<target_shape<4, -1>, name<"r">>, shape<2, 3, 4>> == shape<4, 6>::value);
static_assert(out<Reshape<target_shape<2, -1, 3>, name<"r">>, shape<24>> == shape<2, 4, 3>::value);
static_assert(!accepts<Reshape<target_shape<5, -1>, name<"r">>, shape<2, 3, 4>>);
static_assert(!accepts<Reshape<target_shape<5, 5>, name<"r">>, shape<24>>);

// --- Global pooling: keepdims=False gives (None, C) ---------------------------------------------------
static_assert(out<GlobalAveragePooling2D<name<"g">>, shape<7, 7, 2048>> == shape<2048>::value);
static_assert(out<GlobalMaxPooling2D<name<"g">>, shape<7, 5, 3>> == shape<3>::value);
static_assert(out<GlobalAveragePooling2D<keepdims<true>, name<"g">>, shape<7, 7, 1280>> == shape<1, 1, 1280>::value);

// --- Activation and regularisation layers keep the shape, of any rank ----------------------------------
static_assert(out<ReLU<max_value<6>, name<"r">>, shape<112, 112, 32>> == shape<112, 112, 32>::value);
static_assert(ReLU<max_value<6>, name<"r">>::capped && ReLU<max_value<6>, name<"r">>::cap == number{6});
static_assert(!ReLU<name<"r">>::capped && ReLU<name<"r">>::slope == number{0});
static_assert(LeakyReLU<name<"l">>::slope == number{"0.3"});  // Keras' default, not PyTorch's 0.01
static_assert(ELU<name<"e">>::alpha_value == number{1});
static_assert(out<LeakyReLU<name<"l">>, shape<10>> == shape<10>::value);
static_assert(out<ELU<alpha<"0.5">, name<"e">>, shape<3, 10>> == shape<3, 10>::value);
static_assert(out<Softmax<name<"s">>, shape<1000>> == shape<1000>::value);
static_assert(accepts<Softmax<axis<1>, name<"s">>, shape<1000>>);          // Keras' axis counts the batch
static_assert(accepts<Softmax<axis<3>, name<"s">>, shape<4, 4, 10>>);
static_assert(!accepts<Softmax<axis<1>, name<"s">>, shape<4, 4, 10>>);
static_assert(out<Dropout<rate<"0.5">, name<"d">>, shape<4096>> == shape<4096>::value);
static_assert(out<SpatialDropout2D<rate<"0.2">, name<"d">>, shape<8, 8, 4>> == shape<8, 8, 4>::value);
static_assert(out<GaussianNoise<stddev<"0.1">, name<"n">>, shape<5, 4>> == shape<5, 4>::value);
static_assert(out<Rescaling<scale<"1/255">, name<"r">>, shape<224, 224, 3>> == shape<224, 224, 3>::value);
static_assert(Rescaling<scale<"0.0078431372549">, offset<-1>, name<"r">>::shift == number{-1});
static_assert(out<Activation<gelu, name<"a">>, shape<10>> == shape<10>::value);
static_assert(std::is_same_v<swish, silu> && std::is_same_v<hard_swish, hard_silu>);
static_assert(to_string(activation_kind::hard_sigmoid) == "hard_sigmoid" && to_string(swish::value) == "silu");

// --- PReLU: alpha of the input's shape, shared axes of length 1 (Keras: PReLU(shared_axes=[1, 2]) on
// (None, 8, 8, 16) has 16 params; without, 1,024) ---------------------------------------------------
static_assert(PReLU<shared_axes<1, 2>, name<"p">>::params<shape<8, 8, 16>::value> == 16);
static_assert(PReLU<name<"p">>::params<shape<8, 8, 16>::value> == 8 * 8 * 16);
static_assert(PReLU<shared_axes<1>, name<"p">>::params<shape<5, 6>::value> == 6);
static_assert(PReLU<name<"p">>::weights<shape<5, 6>::value>[0].rank == 2);
static_assert(PReLU<shared_axes<3>, name<"p">>::weights<shape<8, 8, 16>::value>[0].shape[2] == 1);
static_assert(!accepts<PReLU<shared_axes<2>, name<"p">>, shape<16>>);

// --- A classifier head as VGG16's: 7×7×512 → Flatten → fc1 → fc2 → predictions ---------------------------
constexpr auto vgg_head() {
    auto x = Input<shape<7, 7, 512>, name<"block5_pool">>{}();
    auto f = Flatten<name<"flatten">>{}(x);
    auto a = Dense<4096, relu, name<"fc1">>{}(f);
    auto b = Dense<4096, relu, name<"fc2">>{}(Dropout<rate<"0.5">, name<"drop">>{}(a));
    return Model{x, Dense<1000, softmax, name<"predictions">>{}(b)};
}
[[maybe_unused]] constexpr auto vgg_model = vgg_head();
using vgg_head_t = std::remove_const_t<decltype(vgg_model)>;
// Keras' VGG16 summary: flatten 25088, fc1 102,764,544, fc2 16,781,312, predictions 4,097,000.
static_assert(vgg_head_t::total_params == 102'764'544 + 16'781'312 + 4'097'000);
static_assert(expect_shape<vgg_head_t::output_shape, shape<1000>{}>);
static_assert(node_named_t<vgg_head_t, "flatten">::output_shape == shape<25088>::value);
static_assert(memory_plan<vgg_head_t>.peak >= 25088);

// --- ResNet50's and MobileNetV2's heads: global average pool → Dense ----------------------------------------
constexpr auto resnet_head() {
    auto x = Input<shape<7, 7, 2048>, name<"conv5_block3_out">>{}();
    auto g = GlobalAveragePooling2D<name<"avg_pool">>{}(x);
    return Model{x, Dense<1000, softmax, name<"predictions">>{}(g)};
}
[[maybe_unused]] constexpr auto resnet_model = resnet_head();
static_assert(decltype(resnet_model)::total_params == 2'049'000);
static_assert(expect_shape<decltype(resnet_model)::output_shape, shape<1000>{}>);
}  // namespace

int main() {}
