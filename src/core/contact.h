// A contact of a campaign (API.md "A contact") as the engine holds it. Plain data; the engine owns
// every Contact of a loaded campaign in one vector, indexed by its position (= import order).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/ids.h"
#include "core/outcome.h"
#include "core/time.h"

namespace outdial::core {

enum class ContactState { kCallable, kScheduled, kInProgress, kDone, kRemoved, kDnc, kExhausted };
inline constexpr int kContactStateCount = static_cast<int>(ContactState::kExhausted) + 1;
std::string_view ToString(ContactState state);

struct Phone {
  std::string number;  // E.164
  std::string type;    // free text ("mobile", "home"), may be empty
  uint16_t attempts = 0;
  bool invalid = false;  // proved invalid by an attempt: never dialed again
};

struct Contact {
  ContactId id;
  CampaignId campaign_id;
  std::string name;
  std::vector<Phone> phones;
  uint16_t zone = 0;     // ZoneTable id
  uint8_t priority = 0;  // 0–100, higher first
  std::vector<std::pair<std::string, std::string>> fields;
  ContactState state = ContactState::kCallable;
  uint16_t attempts_made = 0;
  TimePoint next_eligible_at{};  // due time: import time for new contacts, retry/callback time after
  std::optional<Outcome> last_outcome;
  bool callback = false;   // scheduled as a callback (due callbacks go first)
  AgentId callback_agent;  // personal callback: only this agent gets it
};

}  // namespace outdial::core
