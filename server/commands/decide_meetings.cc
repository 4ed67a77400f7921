// Placeholder until the meetings rules land.
#include "decide_support.h"

namespace rotonde::commands {

Decision DecideMeetings(const v1::Command&, const CommandContext&, const projections::PlatformState&) {
  return Refuse("not_implemented", "not implemented yet");
}

}  // namespace rotonde::commands
