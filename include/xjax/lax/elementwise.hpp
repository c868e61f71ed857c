#pragma once
// xjax::lax elementwise functions (neg, sign, floor, ..., add, mul, ..., comparisons, select_n, clamp, convert_element_type, bitcast_convert_type); defined in primitives/elementwise.hpp.

#include "xjax/config.hpp"
#include "xjax/core/array.hpp"

namespace xjax::lax {

XJAX_API array neg(const array& x);
XJAX_API array exp(const array& x);
XJAX_API array add(const array& x, const array& y);
XJAX_API array mul(const array& x, const array& y);
XJAX_API array lt(const array& x, const array& y);

}  // namespace xjax::lax
