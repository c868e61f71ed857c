#pragma once
// How xjax is compiled.
//
// By default xjax is header-only: including <xjax/xjax.hpp> brings every definition,
// as `inline` functions, and a program needs nothing else.
//
// Defining XJAX_SEPARATE_COMPILATION (the CMake target xjax::xjax does) makes
// <xjax/xjax.hpp> bring declarations only, so that user translation units compile
// fast; the definitions (the primitives and their kernels, tracing, the printer) are
// then compiled once per target from src/xjax_impl.cpp, which the CMake target adds
// to every target that links it. Those definitions are weak symbols, so several
// targets of one program may each compile them.
//
// Functions that have one definition in the library are declared XJAX_API and
// defined XJAX_IMPL; the definitions sit in each header's implementation half,
// under `#if XJAX_HAS_IMPL`.

#if defined(XJAX_SEPARATE_COMPILATION)
#define XJAX_API
#define XJAX_IMPL __attribute__((weak))
#if defined(XJAX_BUILDING_IMPL)
#define XJAX_HAS_IMPL 1
#else
#define XJAX_HAS_IMPL 0
#endif
#else
#define XJAX_API inline
#define XJAX_IMPL inline
#define XJAX_HAS_IMPL 1
#endif
