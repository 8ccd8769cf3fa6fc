// A user's program: a small typed model, checked by the compiler, its summary printed.
#include <ctnn/ctnn.hpp>

#include <iostream>

int main() {
    using namespace ctnn;
    auto in = Input<shape<28, 28, 1>, name<"digits">>{}();
    auto conv = Conv2D<8, kernel_size<3>, relu, name<"conv">>{}(in);
    auto pool = MaxPooling2D<name<"pool">>{}(conv);
    Model model{in, pool};
    static_assert(decltype(model)::output_shape == shape<13, 13, 8>{});
    static_assert(decltype(model)::total_params == 3 * 3 * 1 * 8 + 8);
    summary(model, std::cout);
}
