#pragma once
// Accuracy metrics of predictions against measurements.
#include <cstddef>
#include <vector>

namespace orrery::sim::validate {

struct Accuracy {
  size_t n = 0;
  double mape = 0;         // mean |predicted - measured| / measured
  double max_error = 0;    // largest |predicted - measured| / measured
  double spearman = 0;     // rank correlation (ties get their mean rank); 1 when n < 2
  double mean_signed = 0;  // mean (predicted - measured) / measured: > 0 over-predicts
};

// Throws std::invalid_argument if the sizes differ or a measured value is not positive.
Accuracy accuracy(const std::vector<double>& predicted, const std::vector<double>& measured);

double spearman(const std::vector<double>& a, const std::vector<double>& b);

}  // namespace orrery::sim::validate
