#include "sim/validate/metrics.hpp"

#include <algorithm>
#include <cmath>
#include <numeric>
#include <stdexcept>

namespace orrery::sim::validate {
namespace {

std::vector<double> ranks(const std::vector<double>& v) {
  std::vector<size_t> idx(v.size());
  std::iota(idx.begin(), idx.end(), 0);
  std::sort(idx.begin(), idx.end(), [&](size_t a, size_t b) { return v[a] < v[b]; });
  std::vector<double> r(v.size());
  for (size_t i = 0; i < idx.size();) {
    size_t j = i;
    while (j + 1 < idx.size() && v[idx[j + 1]] == v[idx[i]]) ++j;
    const double mean_rank = 0.5 * static_cast<double>(i + j) + 1.0;
    for (size_t t = i; t <= j; ++t) r[idx[t]] = mean_rank;
    i = j + 1;
  }
  return r;
}

}  // namespace

double spearman(const std::vector<double>& a, const std::vector<double>& b) {
  if (a.size() != b.size()) throw std::invalid_argument("spearman: sizes differ");
  if (a.size() < 2) return 1.0;
  const auto ra = ranks(a), rb = ranks(b);
  const double n = static_cast<double>(a.size());
  const double ma = std::accumulate(ra.begin(), ra.end(), 0.0) / n;
  const double mb = std::accumulate(rb.begin(), rb.end(), 0.0) / n;
  double sab = 0, saa = 0, sbb = 0;
  for (size_t i = 0; i < ra.size(); ++i) {
    sab += (ra[i] - ma) * (rb[i] - mb);
    saa += (ra[i] - ma) * (ra[i] - ma);
    sbb += (rb[i] - mb) * (rb[i] - mb);
  }
  if (saa == 0 || sbb == 0) return saa == sbb ? 1.0 : 0.0;
  return sab / std::sqrt(saa * sbb);
}

Accuracy accuracy(const std::vector<double>& predicted, const std::vector<double>& measured) {
  if (predicted.size() != measured.size()) throw std::invalid_argument("accuracy: sizes differ");
  Accuracy a;
  a.n = measured.size();
  if (a.n == 0) return a;
  for (size_t i = 0; i < a.n; ++i) {
    if (!(measured[i] > 0)) throw std::invalid_argument("accuracy: measured value must be positive");
    const double e = (predicted[i] - measured[i]) / measured[i];
    a.mape += std::abs(e);
    a.mean_signed += e;
    a.max_error = std::max(a.max_error, std::abs(e));
  }
  a.mape /= static_cast<double>(a.n);
  a.mean_signed /= static_cast<double>(a.n);
  a.spearman = spearman(predicted, measured);
  return a;
}

}  // namespace orrery::sim::validate
