#pragma once
// Device memory behind a concrete array. A buffer owns (or keeps alive) a block of
// bytes on one device; arrays share buffers, which are immutable once written.

#include <cstddef>
#include <cstdlib>
#include <memory>
#include <new>

#include "xjax/core/device.hpp"

namespace xjax {

class buffer {
 public:
  /// Allocates `nbytes` on the CPU, 64-byte aligned so that SIMD kernels can use it.
  static std::shared_ptr<buffer> allocate(std::size_t nbytes) {
    constexpr std::size_t align = 64;
    std::size_t rounded = (nbytes + align - 1) / align * align;
    void* p = rounded == 0 ? nullptr : std::aligned_alloc(align, rounded);
    if (rounded != 0 && p == nullptr) throw std::bad_alloc();
    std::shared_ptr<void> owner(p, [](void* q) { std::free(q); });
    return std::make_shared<buffer>(p, nbytes, std::move(owner), cpu_device());
  }

  /// Wraps memory owned elsewhere; `owner` keeps it alive (zero-copy interop).
  static std::shared_ptr<buffer> wrap(void* data, std::size_t nbytes, std::shared_ptr<void> owner,
                                      device dev = cpu_device()) {
    return std::make_shared<buffer>(data, nbytes, std::move(owner), dev);
  }

  buffer(void* data, std::size_t nbytes, std::shared_ptr<void> owner, device dev)
      : m_data(data), m_nbytes(nbytes), m_owner(std::move(owner)), m_device(dev) {}

  void* data() const { return m_data; }
  std::size_t size_bytes() const { return m_nbytes; }
  const device& dev() const { return m_device; }
  bool is_host_accessible() const { return m_device.kind == device_kind::cpu; }

 private:
  void* m_data;
  std::size_t m_nbytes;
  std::shared_ptr<void> m_owner;  // frees (or keeps alive) m_data
  device m_device;
};

}  // namespace xjax
