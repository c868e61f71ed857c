#pragma once
// Devices. Every concrete array lives on one; the CPU is always present, CUDA
// devices are added by the CUDA backend when it is built and a GPU is found.

#include <ostream>
#include <string>

#include <fmt/core.h>

namespace xjax {

enum class device_kind { cpu, cuda };

/// A device: its kind and its index among devices of that kind.
struct device {
  device_kind kind = device_kind::cpu;
  int id = 0;

  /// "cpu:0" or "cuda:1".
  std::string str() const { return fmt::format("{}:{}", kind == device_kind::cpu ? "cpu" : "cuda", id); }
  friend bool operator==(const device&, const device&) = default;
};

inline device cpu_device(int id = 0) { return {device_kind::cpu, id}; }
inline device default_device() { return cpu_device(); }

inline std::ostream& operator<<(std::ostream& os, const device& d) { return os << d.str(); }

}  // namespace xjax
