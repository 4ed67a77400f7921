// Placeholder until the budget rules land.
#include "decide_support.h"

namespace rotonde::commands {

Decision DecideBudget(const v1::Command&, const CommandContext&, const projections::PlatformState&) {
  return Refuse("not_implemented", "not implemented yet");
}

}  // namespace rotonde::commands
