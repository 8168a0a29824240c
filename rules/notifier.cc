#include "rules/notifier.h"

#include "util/go_url.h"

namespace cairn::rules {
std::string TableLinkForExpression(std::string_view expr) {
  return "/graph?g0.expr=" + GoQueryEscape(expr) + "&g0.tab=1";
}

}  // namespace cairn::rules
