// Compiles xjax's definitions once for a target built with XJAX_SEPARATE_COMPILATION
// (the CMake target xjax::xjax adds this file to every target that links it).
#define XJAX_BUILDING_IMPL
#include <xjax/xjax.hpp>
