// ContactPicker: which contact is next (PRODUCT.md §6). It owns the campaigns' contact queues:
// one ContactQueue per time zone (ordered by due callbacks, priority, due time, import order), the
// personal callbacks, the calling-window state per zone, the campaign's wake timer for contacts
// coming due and windows opening, the DNC lookup, and the contact state counts. Pick hands out
// the best eligible contact of a campaign and closes on the way those found closed for good (DNC,
// attempt limits).
//
// Owned by Engine. Threading: engine thread only.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <utility>

#include "engine/dialer/live_objects.h"

namespace outdial::engine {

struct Engine;

// A picked contact: its position in the campaign and the phone to dial.
struct PickedContact {
  uint32_t index = 0;
  int phone = -1;
};

class ContactPicker {
 public:
  explicit ContactPicker(Engine& engine) : e_(engine) {}

  // The next contact of `camp` for `agent`, marked in_progress, or none (the wake is armed).
  std::optional<PickedContact> Pick(CampaignRt& camp, AgentId agent);
  bool HasCallableNow(CampaignRt& camp);
  // The calling window of the contact's zone, now.
  const core::WindowState& WindowOf(CampaignRt& camp, const core::Contact& contact);
  bool IsDnc(const CampaignRt& camp, std::string_view number) const;
  // Adds to a tenant DNC list and stores it (nothing when it is listed already).
  void AddDnc(TenantId tenant, const std::string& list, const std::string& number, std::string source);

  void SetState(CampaignRt& camp, core::Contact& contact, core::ContactState state);
  // Appends the contact's mutable part to the event's batch.
  void Record(const core::Contact& contact);
  // Puts a callable or scheduled contact (held by nobody) into its queue; `now` lets a caller
  // that enqueues many (the start-up load) read the clock once.
  void Enqueue(CampaignRt& camp, uint32_t index);
  void Enqueue(CampaignRt& camp, uint32_t index, TimePoint now);
  // A contact goes back exactly as it was (Cancel, reservation not answered, system close).
  void ReturnUntouched(CampaignRt& camp, uint32_t index);
  // The contact leaves the agent's hands with the state `target` its outcome gave it: it counts
  // as in_progress until here (so the agent's next pick cannot be the same contact), then takes
  // `target`, is stored, and is queued again when it will be called again.
  void Settle(CampaignRt& camp, uint32_t index, core::ContactState target);

  // Re-reads windows (settings changed) and re-arms the wake timer.
  void Refresh(CampaignRt& camp);
  // Makes due contacts callable and re-arms the wake timer (start, wake timer).
  void Wake(CampaignRt& camp);
  void StopWaking(CampaignRt& camp);

 private:
  ZoneQueue& SlotFor(CampaignRt& camp, uint16_t zone);
  const core::WindowState& Window(CampaignRt& camp, ZoneQueue& zq);
  void ArmWake(CampaignRt& camp);
  void ArmWakeAt(CampaignRt& camp, TimePoint when);
  core::ContactQueue* PersonalReady(CampaignRt& camp, core::ContactQueue* personal, AgentId agent);
  core::ContactQueue* BestZoneQueue(CampaignRt& camp);

  Engine& e_;
};

}  // namespace outdial::engine
