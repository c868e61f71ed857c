// xjax::array: construction, access, scalar conversions and weak types, float16 and
// bfloat16 conversions, printing (NumPy's str, JAX's repr, against golden text from
// tests/golden/gen_printer.py), and zero-copy xtensor interop.
#include <doctest/doctest.h>

#include <cmath>
#include <cstring>
#include <limits>
#include <sstream>
#include <string>
#include <vector>

#include <fmt/format.h>
#include <xjax/core/xtensor_interop.hpp>
#include <xjax/xjax.hpp>
#include <xtensor/xview.hpp>

#include "support/golden.hpp"

namespace {

using xjax::array;
namespace lax = xjax::lax;

const xjax::testing::golden_file& golden() { return xjax::testing::golden_file::load("printer"); }

}  // namespace

// ---------------------------------------------------------------------------
// Basics

TEST_CASE("array: from_vector, shape, dtype, item, to_vector") {
  auto a = array::from_vector<float>({1, 2, 3, 4, 5, 6}, {2, 3});
  CHECK(a.shape() == xjax::shape_t{2, 3});
  CHECK(a.ndim() == 2);
  CHECK(a.size() == 6);
  CHECK(a.dtype() == xjax::float32);
  CHECK_FALSE(a.weak_type());
  CHECK(a.itemsize() == 4);
  CHECK(a.nbytes() == 24);
  CHECK(a.aval().str() == "f32[2,3]");
  CHECK(a.is_concrete());
  CHECK_FALSE(a.is_tracer());
  CHECK(a.device() == xjax::cpu_device());
  CHECK(a.device().str() == "cpu:0");
  CHECK(a.to_vector<float>() == std::vector<float>{1, 2, 3, 4, 5, 6});
  CHECK(a.to_vector<int>() == std::vector<int>{1, 2, 3, 4, 5, 6});
  CHECK(a.data<float>()[4] == 5.0f);

  auto v = array::from_vector<std::int64_t>({7, 8, 9});
  CHECK(v.shape() == xjax::shape_t{3});
  CHECK(v.dtype() == xjax::int64);

  auto b = array::from_vector<bool>({true, false, true}, {3});
  CHECK(b.dtype() == xjax::bool_);
  CHECK(b.to_vector<bool>() == std::vector<bool>{true, false, true});

  auto one = array::from_vector<double>({2.5}, {1, 1});
  CHECK(one.item<double>() == 2.5);
  CHECK(one.item<int>() == 2);
  CHECK(static_cast<bool>(one));

  auto e = array::from_vector<float>({}, {0, 3});
  CHECK(e.size() == 0);
  CHECK(e.to_vector<float>().empty());

  auto h = array::from_vector<xjax::half_t>({xjax::half_t(1.5f), xjax::half_t(-2.0f)});
  CHECK(h.dtype() == xjax::float16);
  CHECK(h.to_vector<float>() == std::vector<float>{1.5f, -2.0f});
  auto bf = array::from_vector<xjax::bfloat16_t>({xjax::bfloat16_t(3.0f)});
  CHECK(bf.dtype() == xjax::bfloat16);
  CHECK(bf.item<float>() == 3.0f);
}

TEST_CASE("array: errors") {
  array empty;
  CHECK_FALSE(empty.valid());
  CHECK_THROWS_AS(empty.shape(), xjax::value_error);
  CHECK_THROWS_WITH_AS(empty.dtype(), doctest::Contains("default-constructed"), xjax::value_error);
  CHECK_THROWS_AS(lax::neg(empty), xjax::value_error);

  CHECK_THROWS_WITH_AS(array::from_vector<float>({1, 2, 3}, {2, 2}), doctest::Contains("(2, 2)"), xjax::shape_error);
  CHECK_THROWS_WITH_AS(array::empty({2, -1}, xjax::float32), doctest::Contains("(2, -1)"), xjax::value_error);
  auto a = array::from_vector<float>({1, 2});
  CHECK_THROWS_WITH_AS(a.item<float>(), doctest::Contains("(2,)"), xjax::value_error);
  CHECK_THROWS_AS(static_cast<bool>(a), xjax::value_error);
  CHECK_THROWS_WITH_AS(a.data<double>(), doctest::Contains("float32"), xjax::type_error);
}

TEST_CASE("array: C++ scalars are weakly typed 0-d arrays, as Python scalars in JAX") {
  array f = 2.5;
  CHECK(f.dtype() == xjax::float32);
  CHECK(f.weak_type());
  CHECK(f.shape().empty());
  CHECK(f.item<double>() == 2.5);
  array ff = 2.5f;
  CHECK(ff.dtype() == xjax::float32);
  CHECK(ff.weak_type());
  array i = 3;
  CHECK(i.dtype() == xjax::int32);
  CHECK(i.weak_type());
  array l = std::int64_t{-4};
  CHECK(l.dtype() == xjax::int32);
  CHECK(l.weak_type());
  CHECK(l.item<int>() == -4);
  array u = std::uint8_t{200};
  CHECK(u.dtype() == xjax::int32);
  CHECK(u.item<int>() == 200);
  array b = true;
  CHECK(b.dtype() == xjax::bool_);
  CHECK_FALSE(b.weak_type());

  // With a dtype: strongly typed, converted as C++ (and XLA) convert.
  array s(2.75, xjax::int16);
  CHECK(s.dtype() == xjax::int16);
  CHECK_FALSE(s.weak_type());
  CHECK(s.item<int>() == 2);
  CHECK(array(1e10, xjax::int32).item<std::int32_t>() == std::numeric_limits<std::int32_t>::max());
  CHECK(array(std::nan(""), xjax::int32).item<int>() == 0);
  CHECK(array(-1, xjax::uint8).item<int>() == 255);
  CHECK(array(0.1, xjax::float16).item<float>() == static_cast<float>(xjax::half_t(0.1f)));
  CHECK(std::isnan(array(std::nan(""), xjax::bfloat16).item<double>()));

  // JAX's repr of the weakly typed scalars it makes of Python scalars.
  for (const char* name : {"f32_scalar", "i32_scalar", "f32_fraction"}) {
    const auto& c = golden().get(std::string("repr_weak/") + name);
    array x = c.inputs[0];
    array w = x.dtype() == xjax::float32 ? array(x.item<double>()) : array(x.item<int>());
    CHECK(w.weak_type());
    CHECK(xjax::repr(w) == c.jaxpr);
  }
}

TEST_CASE("array: a tracer has no values") {
  auto x = array::from_vector<float>({1, 2});
  xjax::make_jaxpr([](const array& t) {
    CHECK(t.is_tracer());
    CHECK(t.shape() == xjax::shape_t{2});
    CHECK_THROWS_AS(t.item<float>(), xjax::concretization_error);
    CHECK_THROWS_AS(t.to_vector<float>(), xjax::concretization_error);
    CHECK_THROWS_AS(t.data<float>(), xjax::concretization_error);
    CHECK_THROWS_AS(t.device(), xjax::concretization_error);
    CHECK_THROWS_AS(static_cast<bool>(t), xjax::concretization_error);
    CHECK_THROWS_WITH_AS(xjax::to_xtensor<float>(t), doctest::Contains("[to_xtensor]"), xjax::concretization_error);
    return t;
  })(x);
}

TEST_CASE("array: float16 and bfloat16 conversions match NumPy's (round to nearest even)") {
  const auto& c = golden().get("convert/f32_to_f16_bf16");
  auto in = c.inputs[0].to_vector<float>();
  const auto* want_h = c.outputs[0].data<xjax::half_t>();
  const auto* want_b = c.outputs[1].data<xjax::bfloat16_t>();
  for (std::size_t i = 0; i < in.size(); ++i) {
    INFO("value ", in[i]);
    xjax::half_t h(in[i]);
    xjax::bfloat16_t b(in[i]);
    if (std::isnan(in[i])) {
      CHECK(std::isnan(static_cast<float>(h)));
      CHECK(std::isnan(static_cast<float>(b)));
      continue;
    }
    CHECK(h.bits == want_h[i].bits);
    CHECK(b.bits == want_b[i].bits);
    // And back: every 16-bit value is exact in float32.
    CHECK(xjax::half_t(static_cast<float>(h)).bits == h.bits);
    CHECK(xjax::bfloat16_t(static_cast<float>(b)).bits == b.bits);
  }
  // The conversions an array does go the same way.
  auto a = array::from_vector<float>(in, {static_cast<std::int64_t>(in.size())});
  CHECK(xjax::testing::compare(lax::convert_element_type(a, xjax::float16), c.outputs[0], 0, 0) == "");
  CHECK(xjax::testing::compare(lax::convert_element_type(a, xjax::bfloat16), c.outputs[1], 0, 0) == "");
}

// ---------------------------------------------------------------------------
// Printing

TEST_CASE("print: str() and repr() of arrays of every dtype as NumPy and JAX") {
  int n = 0;
  for (const auto& c : golden().cases()) {
    if (c.name.rfind("str/", 0) != 0) continue;
    const std::string name = c.name.substr(4);
    INFO("case ", name);
    const array& a = c.inputs[0];
    CHECK(xjax::to_string(a) == c.jaxpr);
    CHECK(xjax::repr(a) == golden().get("repr/" + name).jaxpr);
    ++n;
  }
  CHECK(n > 250);
}

TEST_CASE("print: operator<< and fmt") {
  auto a = array::from_vector<float>({1, 2, 3, 4}, {2, 2});
  std::ostringstream os;
  os << a;
  CHECK(os.str() == "[[1. 2.]\n [3. 4.]]");
  CHECK(fmt::format("{}", a) == "[[1. 2.]\n [3. 4.]]");
  CHECK(fmt::format("{:r}", a) == "Array([[1., 2.],\n       [3., 4.]], dtype=float32)");
  CHECK(fmt::format("{}", array::from_vector<int>({1, 2, 3})) == "[1 2 3]");
  CHECK(fmt::format("{}", array::from_vector<bool>({true, false})) == "[ True False]");
  CHECK(fmt::format("{}", array(3.5)) == "3.5");
  CHECK(fmt::format("{:r}", array(3.5)) == "Array(3.5, dtype=float32, weak_type=True)");
  CHECK(fmt::format("{}", array::from_vector<float>({}, {0})) == "[]");
  CHECK(xjax::to_string(array()) == "<empty xjax::array>");
}

TEST_CASE("print: a tracer prints as JAX prints one inside make_jaxpr") {
  auto x = array::from_vector<float>(std::vector<float>(12, 1.0f), {3, 4});
  xjax::make_jaxpr([](const array& t, const array& w) {
    CHECK(xjax::to_string(t) == "JitTracer(float32[3,4])");
    CHECK(xjax::repr(t) == "JitTracer(float32[3,4])");
    CHECK(fmt::format("{}", w) == "JitTracer(~float32[])");
    std::ostringstream os;
    os << lax::lt(t, 1.0);
    CHECK(os.str() == "JitTracer(bool[3,4])");
    return t;
  })(x, array(2.0));
}

// ---------------------------------------------------------------------------
// xtensor interop

TEST_CASE("xtensor: from_xtensor takes an rvalue container's memory") {
  xt::xarray<float> t = {{1, 2, 3}, {4, 5, 6}};
  const float* p = t.data();
  array a = xjax::from_xtensor(std::move(t));
  CHECK(a.raw_data() == static_cast<const void*>(p));
  CHECK(a.shape() == xjax::shape_t{2, 3});
  CHECK(a.dtype() == xjax::float32);
  CHECK_FALSE(a.weak_type());
  CHECK(a.to_vector<float>() == std::vector<float>{1, 2, 3, 4, 5, 6});

  xt::xtensor<std::int64_t, 1> u = {7, 8, 9};
  const std::int64_t* q = u.data();
  array b = xjax::from_xtensor(std::move(u));
  CHECK(b.raw_data() == static_cast<const void*>(q));
  CHECK(b.dtype() == xjax::int64);
  CHECK(b.to_vector<std::int64_t>() == std::vector<std::int64_t>{7, 8, 9});

  // The array keeps the memory alive after the last handle to the source is gone.
  array c;
  {
    xt::xarray<double> tmp = xt::arange<double>(6.0);
    const double* r = tmp.data();
    c = xjax::from_xtensor(std::move(tmp));
    CHECK(c.raw_data() == static_cast<const void*>(r));
  }
  CHECK(c.to_vector<double>() == std::vector<double>{0, 1, 2, 3, 4, 5});
  CHECK(lax::add(c, c).to_vector<double>() == std::vector<double>{0, 2, 4, 6, 8, 10});
}

TEST_CASE("xtensor: from_xtensor copies lvalues, expressions, views and column-major data") {
  xt::xarray<float> t = {{1, 2, 3}, {4, 5, 6}};
  array a = xjax::from_xtensor(t);
  CHECK(a.raw_data() != static_cast<const void*>(t.data()));
  t(0, 0) = 100;  // the array has its own copy
  CHECK(a.to_vector<float>()[0] == 1);

  array e = xjax::from_xtensor(t * 2.0f + 1.0f);
  CHECK(e.to_vector<float>() == std::vector<float>{201, 5, 7, 9, 11, 13});

  array v = xjax::from_xtensor(xt::view(t, xt::all(), 1));
  CHECK(v.shape() == xjax::shape_t{2});
  CHECK(v.to_vector<float>() == std::vector<float>{2, 5});

  xt::xarray<int, xt::layout_type::column_major> cm = {{1, 2}, {3, 4}};
  array c = xjax::from_xtensor(std::move(cm));
  CHECK(c.dtype() == xjax::int32);
  CHECK(c.to_vector<int>() == std::vector<int>{1, 2, 3, 4});  // row-major order

  const xt::xarray<std::uint8_t> k = {5, 6};
  CHECK(xjax::from_xtensor(std::move(k)).to_vector<int>() == std::vector<int>{5, 6});  // const: copied

  xt::xarray<bool> bools = {true, false, true};
  CHECK(xjax::from_xtensor(bools).to_vector<bool>() == std::vector<bool>{true, false, true});
  xt::xarray<float> scalar = 4.0f;
  CHECK(xjax::from_xtensor(scalar).shape().empty());
}

TEST_CASE("xtensor: to_xtensor views the buffer and keeps it alive") {
  auto a = array::from_vector<float>({1, 2, 3, 4, 5, 6}, {2, 3});
  auto v = xjax::to_xtensor<float>(a);
  CHECK(v.data() == a.data<float>());
  CHECK(v.shape().size() == 2);
  CHECK(v.shape()[0] == 2);
  CHECK(v.shape()[1] == 3);
  CHECK(v(1, 2) == 6.0f);
  CHECK(xt::sum(v)() == 21.0f);

  // The view outlives every array handle.
  const float* p = a.data<float>();
  auto w = xjax::to_xtensor<float>(lax::exp(a));
  a = array();
  CHECK(v.data() == p);
  CHECK(v(0, 0) == 1.0f);
  CHECK(w(0, 0) == doctest::Approx(std::exp(1.0f)));

  // And round trips.
  xt::xarray<float> copy = v;
  CHECK(copy(1, 1) == 5.0f);
  CHECK(xjax::from_xtensor(v).to_vector<float>() == std::vector<float>{1, 2, 3, 4, 5, 6});

  auto s = xjax::to_xtensor<xjax::half_t>(array::from_vector<xjax::half_t>({xjax::half_t(1.5f)}));
  CHECK(static_cast<float>(s(0)) == 1.5f);
  auto z = xjax::to_xtensor<double>(array(2.5, xjax::float64));
  CHECK(z.dimension() == 0);
  CHECK(z() == 2.5);
}

TEST_CASE("xtensor: to_xtensor rejects another dtype") {
  auto a = array::from_vector<float>({1, 2});
  CHECK_THROWS_WITH_AS(xjax::to_xtensor<double>(a), doctest::Contains("float64"), xjax::type_error);
  CHECK_THROWS_WITH_AS(xjax::to_xtensor<int>(a), doctest::Contains("float32"), xjax::type_error);
  CHECK_THROWS_AS(xjax::to_xtensor<float>(array()), xjax::value_error);
}
