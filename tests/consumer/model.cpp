// A second translation unit that includes xjax: in header-only mode this checks that
// the definitions link from several units (they are inline).
#include "model.hpp"

namespace consumer {

xjax::array model(const params& p, const xjax::array& x) {
  namespace lax = xjax::lax;
  return lax::exp(lax::add(lax::mul(x, p.w), p.b));
}

}  // namespace consumer
