#pragma once
// NVML, loaded at run time with dlopen("libnvidia-ml.so.1"): the library ships with the
// driver, so the harness needs neither nvml.h nor a link-time stub. Without it (no driver),
// every reading returns std::nullopt and the columns that need it stay empty.
#include <cstdint>
#include <optional>
#include <string>

namespace orrery::validation {

class Nvml {
 public:
  // pci_bus_id as from cudaDeviceGetPCIBusId, to pick the same GPU as the CUDA device.
  explicit Nvml(const std::string& pci_bus_id);
  ~Nvml();
  Nvml(const Nvml&) = delete;
  Nvml& operator=(const Nvml&) = delete;

  bool ok() const { return device_ != nullptr; }
  std::optional<unsigned> sm_clock_mhz() const;
  std::optional<unsigned> mem_clock_mhz() const;
  std::optional<unsigned long long> energy_mj() const;  // total since driver load, mJ
  std::optional<unsigned> power_mw() const;             // instantaneous board power
  std::optional<unsigned> power_limit_mw() const;
  std::optional<unsigned> temperature_c() const;
  std::optional<unsigned long long> clock_event_reasons() const;  // throttle reasons bitmask
  std::string driver_version() const;
  std::string name() const;

 private:
  void* lib_ = nullptr;
  void* device_ = nullptr;
  // Function pointers (NVML's C ABI: return int status, 0 = success).
  int (*get_clock_)(void*, int, unsigned*) = nullptr;
  int (*get_energy_)(void*, unsigned long long*) = nullptr;
  int (*get_power_)(void*, unsigned*) = nullptr;
  int (*get_power_limit_)(void*, unsigned*) = nullptr;
  int (*get_temp_)(void*, int, unsigned*) = nullptr;
  int (*get_reasons_)(void*, unsigned long long*) = nullptr;
  int (*get_driver_)(char*, unsigned) = nullptr;
  int (*get_name_)(void*, char*, unsigned) = nullptr;
  int (*shutdown_)() = nullptr;
};

}  // namespace orrery::validation
