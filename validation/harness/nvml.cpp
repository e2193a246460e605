#include "nvml.hpp"

#include <dlfcn.h>

#include <cstdio>

namespace orrery::validation {

namespace {
constexpr int kNvmlClockSm = 1;   // NVML_CLOCK_SM
constexpr int kNvmlClockMem = 2;  // NVML_CLOCK_MEM
constexpr int kNvmlTempGpu = 0;   // NVML_TEMPERATURE_GPU

template <typename F>
F sym(void* lib, const char* name) {
  return reinterpret_cast<F>(dlsym(lib, name));
}
}  // namespace

Nvml::Nvml(const std::string& pci_bus_id) {
  lib_ = dlopen("libnvidia-ml.so.1", RTLD_NOW | RTLD_LOCAL);
  if (!lib_) {
    std::fprintf(stderr, "nvml: cannot load libnvidia-ml.so.1 (%s); clocks and energy stay empty\n",
                 dlerror());
    return;
  }
  auto init = sym<int (*)()>(lib_, "nvmlInit_v2");
  auto by_pci = sym<int (*)(const char*, void**)>(lib_, "nvmlDeviceGetHandleByPciBusId_v2");
  auto by_index = sym<int (*)(unsigned, void**)>(lib_, "nvmlDeviceGetHandleByIndex_v2");
  get_clock_ = sym<decltype(get_clock_)>(lib_, "nvmlDeviceGetClockInfo");
  get_energy_ = sym<decltype(get_energy_)>(lib_, "nvmlDeviceGetTotalEnergyConsumption");
  get_power_ = sym<decltype(get_power_)>(lib_, "nvmlDeviceGetPowerUsage");
  get_power_limit_ = sym<decltype(get_power_limit_)>(lib_, "nvmlDeviceGetEnforcedPowerLimit");
  get_temp_ = sym<decltype(get_temp_)>(lib_, "nvmlDeviceGetTemperature");
  get_reasons_ = sym<decltype(get_reasons_)>(lib_, "nvmlDeviceGetCurrentClocksEventReasons");
  if (!get_reasons_)
    get_reasons_ = sym<decltype(get_reasons_)>(lib_, "nvmlDeviceGetCurrentClocksThrottleReasons");
  get_driver_ = sym<decltype(get_driver_)>(lib_, "nvmlSystemGetDriverVersion");
  get_name_ = sym<decltype(get_name_)>(lib_, "nvmlDeviceGetName");
  shutdown_ = sym<decltype(shutdown_)>(lib_, "nvmlShutdown");
  if (!init || init() != 0) {
    std::fprintf(stderr, "nvml: nvmlInit_v2 failed; clocks and energy stay empty\n");
    return;
  }
  void* dev = nullptr;
  if (by_pci && by_pci(pci_bus_id.c_str(), &dev) == 0) {
    device_ = dev;
  } else if (by_index && by_index(0, &dev) == 0) {
    std::fprintf(stderr, "nvml: no handle for PCI bus id %s, using index 0\n", pci_bus_id.c_str());
    device_ = dev;
  } else {
    std::fprintf(stderr, "nvml: no device handle; clocks and energy stay empty\n");
  }
}

Nvml::~Nvml() {
  if (lib_ && shutdown_ && device_) shutdown_();
  if (lib_) dlclose(lib_);
}

std::optional<unsigned> Nvml::sm_clock_mhz() const {
  unsigned v = 0;
  if (device_ && get_clock_ && get_clock_(device_, kNvmlClockSm, &v) == 0) return v;
  return std::nullopt;
}
std::optional<unsigned> Nvml::mem_clock_mhz() const {
  unsigned v = 0;
  if (device_ && get_clock_ && get_clock_(device_, kNvmlClockMem, &v) == 0) return v;
  return std::nullopt;
}
std::optional<unsigned long long> Nvml::energy_mj() const {
  unsigned long long v = 0;
  if (device_ && get_energy_ && get_energy_(device_, &v) == 0) return v;
  return std::nullopt;
}
std::optional<unsigned> Nvml::power_mw() const {
  unsigned v = 0;
  if (device_ && get_power_ && get_power_(device_, &v) == 0) return v;
  return std::nullopt;
}
std::optional<unsigned> Nvml::power_limit_mw() const {
  unsigned v = 0;
  if (device_ && get_power_limit_ && get_power_limit_(device_, &v) == 0) return v;
  return std::nullopt;
}
std::optional<unsigned> Nvml::temperature_c() const {
  unsigned v = 0;
  if (device_ && get_temp_ && get_temp_(device_, kNvmlTempGpu, &v) == 0) return v;
  return std::nullopt;
}
std::optional<unsigned long long> Nvml::clock_event_reasons() const {
  unsigned long long v = 0;
  if (device_ && get_reasons_ && get_reasons_(device_, &v) == 0) return v;
  return std::nullopt;
}
std::string Nvml::driver_version() const {
  char buf[96] = {0};
  if (lib_ && get_driver_ && get_driver_(buf, sizeof(buf)) == 0) return buf;
  return "";
}
std::string Nvml::name() const {
  char buf[96] = {0};
  if (device_ && get_name_ && get_name_(device_, buf, sizeof(buf)) == 0) return buf;
  return "";
}

}  // namespace orrery::validation
