#include "core/mode_rules.h"

namespace outdial::core {

ModeRules RulesFor(const CampaignSettings& s) {
  ModeRules r;
  switch (s.mode) {
    case CampaignMode::kPreview:
      r.push = false;
      r.agent_station_first = true;
      r.early_media_to_agent = true;
      r.end_while_ringing = true;
      // A timeout accept would dial without the agent's word in the mode where the agent asked
      // for the contact: the offer expires as a skip instead.
      r.timeout_action = TimeoutAction::kSkip;
      r.can_remove = false;
      r.can_cancel = false;
      break;
    case CampaignMode::kPreviewStandard:
      r.cpa = s.cpa.enabled;
      r.amd = r.cpa && s.cpa.amd_enabled;
      r.machine_hangs_up = s.on_machine == OnMachine::kHangup;
      r.timeout_action = s.preview_timeout_action;
      break;
    case CampaignMode::kPreviewDirect:
      r.early_media_to_agent = true;
      r.ring_limit = false;
      r.end_while_ringing = true;
      r.timeout_action = s.preview_timeout_action;
      break;
  }
  r.can_skip = !s.skip_disabled;
  r.can_remove = r.can_remove && !s.remove_disabled;
  return r;
}

}  // namespace outdial::core
