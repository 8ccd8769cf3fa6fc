// FCN-8 with its shapes proven by the compiler, then run: prints the Keras-style summary,
// initialises weights from a seed and segments a 224×224 image.
#include <ctnn/ctnn.hpp>
#include <ctnn/models/fcn8.hpp>

#include <chrono>
#include <iostream>

int main() {
    constexpr auto model = ctnn::models::fcn8<12>();
    ctnn::summary(model, std::cout, "fcn8");

    ctnn::network net{model, 42};
    ctnn::tensor<ctnn::shape<224, 224, 3>> image(1);
    for (std::size_t i = 0; i != image.size(); ++i) image.data()[i] = static_cast<float>(i % 251) / 250.0f;
    const auto start = std::chrono::steady_clock::now();
    const auto probabilities = net(image);
    const std::chrono::duration<double> took = std::chrono::steady_clock::now() - start;
    std::cout << "forward: " << took.count() << " s, output (" << probabilities.batch() << ", 224, 224, 12)\n";
}
