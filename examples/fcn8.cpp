// FCN-8 with its shapes proven by the compiler: prints the Keras-style summary.
#include <ctnn/models/fcn8.hpp>

#include <iostream>

int main() {
    constexpr auto model = ctnn::models::fcn8<12>();
    ctnn::summary(model, std::cout, "fcn8");
}
