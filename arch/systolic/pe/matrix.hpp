#pragma once
// Dense matrices of the PE-level model (operands, results, reference values in tests).
#include <Eigen/Dense>

namespace orrery::arch::systolic::pe {

template <class T>
using Mat = Eigen::Matrix<T, Eigen::Dynamic, Eigen::Dynamic>;

}  // namespace orrery::arch::systolic::pe
