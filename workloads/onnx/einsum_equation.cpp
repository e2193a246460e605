#include "workloads/onnx/einsum_equation.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <map>

namespace orrery::workloads::onnx {

EinsumTerms parse_einsum(const std::string& equation, const std::vector<int64_t>& a_shape,
                         const std::vector<int64_t>& b_shape) {
  EinsumTerms r;
  std::string eq = equation;
  eq.erase(std::remove(eq.begin(), eq.end(), ' '), eq.end());
  const auto arrow = eq.find("->");
  const auto comma = eq.find(',');
  if (arrow == std::string::npos || comma == std::string::npos || comma > arrow ||
      eq.find(',', comma + 1) != std::string::npos) {
    r.error = fmt::format("Einsum '{}' is not a two-operand contraction with an explicit output", equation);
    return r;
  }
  std::string terms[3] = {eq.substr(0, comma), eq.substr(comma + 1, arrow - comma - 1), eq.substr(arrow + 2)};
  const std::vector<int64_t>* shapes[2] = {&a_shape, &b_shape};
  size_t ellipsis_rank = 0;
  for (int t = 0; t < 2; ++t)
    if (terms[t].find("...") != std::string::npos)
      ellipsis_rank = std::max(ellipsis_rank, shapes[t]->size() - (terms[t].size() - 3));
  for (int t = 0; t < 3; ++t) {
    const auto pos = terms[t].find("...");
    if (pos == std::string::npos) continue;
    const size_t rank = t < 2 ? shapes[t]->size() - (terms[t].size() - 3) : ellipsis_rank;
    std::string letters;
    for (size_t i = ellipsis_rank - rank; i < ellipsis_rank; ++i) letters += static_cast<char>('A' + i);
    terms[t].replace(pos, 3, letters);
  }
  std::map<char, int64_t> extent;
  for (int t = 0; t < 2; ++t) {
    if (terms[t].size() != shapes[t]->size()) {
      r.error = fmt::format("Einsum '{}': operand {} has rank {}", equation, t, shapes[t]->size());
      return r;
    }
    for (size_t i = 0; i < terms[t].size(); ++i) {
      const int64_t d = (*shapes[t])[i];
      auto [it, fresh] = extent.emplace(terms[t][i], d);
      if (!fresh && it->second != d && d != 1 && it->second != 1) {
        r.error =
            fmt::format("Einsum '{}': index {} has extents {} and {}", equation, terms[t][i], it->second, d);
        return r;
      }
      it->second = std::max(it->second, d);
    }
  }
  for (char c : terms[2]) {
    if (!extent.count(c)) {
      r.error = fmt::format("Einsum '{}': output index {} is not in an operand", equation, c);
      return r;
    }
    r.out_shape.push_back(extent[c]);
  }
  for (const auto& [c, d] : extent) {
    const bool in_a = terms[0].find(c) != std::string::npos, in_b = terms[1].find(c) != std::string::npos;
    const bool in_out = terms[2].find(c) != std::string::npos;
    if (in_a && in_b && in_out)
      r.batch *= d;
    else if (in_a && in_b)
      r.k *= d;
    else if (in_a && in_out)
      r.m *= d;
    else if (in_b && in_out)
      r.n *= d;
    else if (r.error.empty())
      r.error = fmt::format("Einsum '{}' sums index {} of one operand alone (not a matmul)", equation, c);
  }
  r.a = terms[0];
  r.b = terms[1];
  r.out = terms[2];
  return r;
}

}  // namespace orrery::workloads::onnx
