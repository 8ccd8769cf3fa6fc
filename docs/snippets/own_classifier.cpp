// README's "Write your own classifier", as a program the `docs` label builds and runs, so that the
// snippet cannot stop compiling unnoticed. The README shows the part between the markers.
// SPDX-License-Identifier: BSL-1.0
#include <ctnn/ctnn.hpp>

#include <cstdio>

int main() {
    // [own_classifier]
    using namespace ctnn;
    auto image = Input<shape<64, 64, 3>, name<"image">>{}();
    auto c1 = Conv2D<16, kernel_size<3>, strides<2>, same, no_bias, name<"conv1">>{}(image);
    auto n1 = BatchNormalization<name<"bn1">>{}(c1);  // folded into conv1 when the network is built
    auto r1 = ReLU<name<"relu1">>{}(n1);
    auto c2 = Conv2D<32, kernel_size<3>, strides<2>, same, no_bias, name<"conv2">>{}(r1);
    auto n2 = BatchNormalization<name<"bn2">>{}(c2);
    auto r2 = ReLU<name<"relu2">>{}(n2);
    auto pooled = GlobalAveragePooling2D<name<"pool">>{}(r2);
    Model model{image, Dense<10, softmax, name<"classes">>{}(pooled)};

    using M = decltype(model);
    static_assert(M::output_shape == shape<10>{});
    static_assert(M::total_params == 432 + 4 * 16 + 4608 + 4 * 32 + 330);
    static_assert(M::non_trainable_params == 2 * (16 + 32));  // the moving statistics

    network net{model, /*seed=*/1};  // or io::load_network(model, "weights.npz")
    tensor<shape<64, 64, 3>> x(/*batch=*/1);
    const auto p = net(x);           // tensor<shape<10>>: ten probabilities
    // [own_classifier]
    float sum = 0;
    for (int c = 0; c != 10; ++c) sum += p.data()[c];
    std::printf("sum of the probabilities: %.4f\n", static_cast<double>(sum));
}
