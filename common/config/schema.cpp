#include "common/config/schema.hpp"

#include <algorithm>
#include <stdexcept>

namespace orrery::config {

Schema::Schema(std::string family) : family_(std::move(family)) {
  add({.path = "name", .type = KeyType::string, .doc = "Name of this architecture, shown in reports"});
  add({.path = "family", .type = KeyType::choice, .doc = "Architecture family", .choices = {family_}});
  add({.path = "description",
       .type = KeyType::string,
       .doc = "Free text: what this config models and where its numbers come from",
       .default_value = Value{std::string{}}});
}

Schema& Schema::add(KeyDef def) {
  if (find(def.path)) throw std::logic_error("duplicate config key in schema: " + def.path);
  keys_.push_back(std::move(def));
  return *this;
}

Schema& Schema::add_integer(std::string path, std::string unit, std::string doc,
                            std::optional<int64_t> default_value, double lo, double hi) {
  return add({.path = std::move(path),
              .type = KeyType::integer,
              .unit = std::move(unit),
              .doc = std::move(doc),
              .default_value = default_value ? std::optional<Value>(*default_value) : std::nullopt,
              .min = lo,
              .max = hi});
}

Schema& Schema::add_real(std::string path, std::string unit, std::string doc,
                         std::optional<double> default_value, double lo, double hi) {
  return add({.path = std::move(path),
              .type = KeyType::real,
              .unit = std::move(unit),
              .doc = std::move(doc),
              .default_value = default_value ? std::optional<Value>(*default_value) : std::nullopt,
              .min = lo,
              .max = hi});
}

const KeyDef* Schema::find(std::string_view path) const {
  auto it = std::find_if(keys_.begin(), keys_.end(), [&](const KeyDef& k) { return k.path == path; });
  return it == keys_.end() ? nullptr : &*it;
}

namespace {
size_t edit_distance(std::string_view a, std::string_view b) {
  std::vector<size_t> prev(b.size() + 1), cur(b.size() + 1);
  for (size_t j = 0; j <= b.size(); ++j) prev[j] = j;
  for (size_t i = 1; i <= a.size(); ++i) {
    cur[0] = i;
    for (size_t j = 1; j <= b.size(); ++j)
      cur[j] = std::min({prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1)});
    std::swap(prev, cur);
  }
  return prev[b.size()];
}
}  // namespace

std::string Schema::suggest(std::string_view path) const {
  std::string best;
  size_t best_d = std::max<size_t>(3, path.size() / 3) + 1;
  for (const auto& k : keys_) {
    size_t d = edit_distance(path, k.path);
    // A key whose last segment matches is a likely intended nesting error ("rows" vs "array.rows").
    auto dot = k.path.rfind('.');
    if (dot != std::string::npos && std::string_view(k.path).substr(dot + 1) == path) d = 1;
    if (d < best_d) {
      best_d = d;
      best = k.path;
    }
  }
  return best;
}

}  // namespace orrery::config
