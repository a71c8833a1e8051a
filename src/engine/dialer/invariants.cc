#include "engine/dialer/invariants.h"

#include <fmt/format.h>

#include <unordered_set>

#include "engine/dialer/engine.h"

namespace outdial::engine {

using core::Contact;
using core::ContactState;

// The soak test checks the invariants after every event, at thousands of agents and contacts,
// where a full recount per event would cost O(contacts). So the engine keeps, beside the live
// state, an independent account of who holds each contact, and notes which contacts and agents
// an event touched; CheckChanged() then looks only at those. CheckAll() (the full recount) also
// cross-checks the account, so a change that bypassed it is found there.

void Invariants::Hold(CampaignRt& camp, uint32_t index, int delta) {
  int8_t& h = camp.holds[index];
  h = static_cast<int8_t>(h + delta);
  if (h < 0 || h > 1) {
    Problem(fmt::format("campaign {} contact {} held {} times", camp.id.value, camp.contacts[index].id.value,
                        static_cast<int>(h)));
  }
  Touch(camp, camp.contacts[index]);
}

void Invariants::TouchSlow(CampaignRt& camp, const Contact& contact) {
  const Contact* first = camp.contacts.data();
  if (&contact < first || &contact >= first + camp.contacts.size()) return;  // not one of ours: a copy
  touched_contacts_.emplace_back(camp.id, static_cast<uint32_t>(&contact - first));
}

namespace {

using HoldMap = std::unordered_map<CampaignId, std::unordered_map<uint32_t, int>>;

void CheckCampaign(const CampaignRt& camp, const HoldMap& holds, std::vector<std::string>& problems) {
  CampaignId cid = camp.id;
  std::array<int64_t, core::kContactStateCount> recount{};
  for (uint32_t i = 0; i < camp.contacts.size(); ++i) {
    const Contact& c = camp.contacts[i];
    ++recount[static_cast<size_t>(c.state)];
    int held = 0;
    if (auto h = holds.find(cid); h != holds.end()) {
      if (auto x = h->second.find(i); x != h->second.end()) held = x->second;
    }
    if (c.state == ContactState::kInProgress && held != 1) {
      problems.push_back(fmt::format("campaign {} contact {} is in_progress but held {} times", cid.value,
                                     c.id.value, held));
    }
    if (c.state != ContactState::kInProgress && held != 0) {
      problems.push_back(fmt::format("campaign {} contact {} is {} but held {} times", cid.value, c.id.value,
                                     core::ToString(c.state), held));
    }
    if (i < camp.holds.size() && camp.holds[i] != held) {
      problems.push_back(fmt::format("campaign {} contact {} is held {} times but the hold account says {}",
                                     cid.value, c.id.value, held, static_cast<int>(camp.holds[i])));
    }
  }
  int64_t sum = 0;
  for (int s = 0; s < core::kContactStateCount; ++s) {
    auto i = static_cast<size_t>(s);
    sum += camp.counts[i];
    if (recount[i] != camp.counts[i]) {
      problems.push_back(fmt::format("campaign {} count of {} is {} but {} contacts are in it", cid.value,
                                     core::ToString(static_cast<ContactState>(s)), camp.counts[i],
                                     recount[i]));
    }
  }
  if (sum != static_cast<int64_t>(camp.contacts.size())) {
    problems.push_back(fmt::format("campaign {} state counts add up to {} of {} contacts", cid.value, sum,
                                   camp.contacts.size()));
  }
}

void CheckAgentWork(AgentId aid, const AgentRt& agent, std::vector<std::string>& problems) {
  bool has_work = agent.reservation.valid() || agent.offer.valid() || agent.call.valid();
  if (!core::IsHandlingContact(agent.state) && has_work) {
    problems.push_back(fmt::format("agent {} is {} but holds work", aid.value, core::ToString(agent.state)));
  }
}

}  // namespace

std::vector<std::string> Invariants::CheckAll() const {
  const EngineState& st = e_.state;
  std::vector<std::string> problems;
  // Who holds which contact: every in_progress contact is held by exactly one live object.
  HoldMap holds;
  for (const auto& [id, res] : st.reservations) {
    if (res.holds_contact) ++holds[res.campaign][res.held_contact];
  }
  std::unordered_map<AgentId, int> offers_per_agent;
  for (const auto& [id, offer] : st.offers) {
    ++holds[offer.campaign][offer.contact];
    ++offers_per_agent[offer.agent];
  }
  std::unordered_map<TenantId, int64_t> live_calls;
  int64_t dc_live = 0;
  for (const auto& [id, call] : st.calls) {
    ++holds[call.campaign][call.contact];
    if (!call.in_wrap_up) {
      if (const CampaignRt* camp = st.FindCampaign(call.campaign)) ++live_calls[camp->tenant];
      ++dc_live;
    }
  }
  for (const auto& [agent, n] : offers_per_agent) {
    if (n > 1) problems.push_back(fmt::format("agent {} holds {} offers", agent.value, n));
  }
  for (const auto& [cid, camp] : st.campaigns) CheckCampaign(*camp, holds, problems);
  for (const auto& [tid, tenant] : st.tenants) {
    if (tenant.active_calls != live_calls[tid]) {
      problems.push_back(fmt::format("tenant {} counts {} active calls but {} are live", tid.value,
                                     tenant.active_calls, live_calls[tid]));
    }
    if (tenant.active_calls > tenant.settings.max_concurrent_calls) {
      problems.push_back(fmt::format("tenant {} has {} active calls over its limit {}", tid.value,
                                     tenant.active_calls, tenant.settings.max_concurrent_calls));
    }
  }
  if (st.dc_active_calls != dc_live) {
    problems.push_back(
        fmt::format("data centre counts {} active calls but {} are live", st.dc_active_calls, dc_live));
  }
  if (st.dc_active_calls > st.datacenter.max_concurrent_calls) {
    problems.push_back(fmt::format("data centre has {} active calls over its limit {}", st.dc_active_calls,
                                   st.datacenter.max_concurrent_calls));
  }
  for (const auto& [aid, agent] : st.agents) CheckAgentWork(aid, agent, problems);
  problems.insert(problems.end(), found_problems_.begin(), found_problems_.end());
  return problems;
}

std::vector<std::string> Invariants::CheckChanged() {
  std::vector<std::string> problems = std::move(found_problems_);
  found_problems_.clear();
  if (!tracking_) {
    StartTracking();
    auto full = CheckAll();
    problems.insert(problems.end(), full.begin(), full.end());
    return problems;
  }
  CheckTouchedContacts(problems);
  CheckTouchedAgents(problems);
  CheckLimits(problems);
  return problems;
}

// The first check starts tracking from a fully checked state, with the account of states taken
// now (changes made while nobody tracked were not noted).
void Invariants::StartTracking() {
  tracking_ = true;
  for (auto& [cid, camp] : e_.state.campaigns) {
    camp->checked_counts = {};
    for (size_t i = 0; i < camp->contacts.size(); ++i) {
      camp->checked_state[i] = camp->contacts[i].state;
      ++camp->checked_counts[static_cast<size_t>(camp->contacts[i].state)];
    }
  }
}

void Invariants::CheckTouchedContacts(std::vector<std::string>& problems) {
  std::unordered_set<CampaignId> campaigns;
  for (auto [cid, index] : touched_contacts_) {
    CampaignRt* camp = e_.state.FindCampaign(cid);
    if (camp == nullptr || index >= camp->contacts.size()) continue;
    campaigns.insert(cid);
    const Contact& c = camp->contacts[index];
    const int held =
        camp->holds[index];  // NOLINT(bugprone-signed-char-misuse): a hold count, not a character
    if ((c.state == ContactState::kInProgress) != (held == 1) || held < 0 || held > 1) {
      problems.push_back(fmt::format("campaign {} contact {} is {} but held {} times", cid.value, c.id.value,
                                     core::ToString(c.state), held));
    }
    ContactState& seen = camp->checked_state[index];
    if (seen != c.state) {
      --camp->checked_counts[static_cast<size_t>(seen)];
      ++camp->checked_counts[static_cast<size_t>(c.state)];
      seen = c.state;
    }
  }
  touched_contacts_.clear();
  for (CampaignId cid : campaigns) {
    const CampaignRt& camp = *e_.state.FindCampaign(cid);
    int64_t sum = 0;
    for (int s = 0; s < core::kContactStateCount; ++s) {
      auto i = static_cast<size_t>(s);
      sum += camp.counts[i];
      if (camp.counts[i] != camp.checked_counts[i]) {
        problems.push_back(fmt::format("campaign {} count of {} is {} but {} contacts are in it", cid.value,
                                       core::ToString(static_cast<ContactState>(s)), camp.counts[i],
                                       camp.checked_counts[i]));
      }
    }
    if (sum != static_cast<int64_t>(camp.contacts.size())) {
      problems.push_back(fmt::format("campaign {} state counts add up to {} of {} contacts", cid.value, sum,
                                     camp.contacts.size()));
    }
  }
}

void Invariants::CheckTouchedAgents(std::vector<std::string>& problems) {
  for (AgentId aid : touched_agents_) {
    const AgentRt* agent = e_.state.FindAgent(aid);
    if (agent == nullptr) continue;
    CheckAgentWork(aid, *agent, problems);
    if (agent->offer.valid()) {
      auto o = e_.state.offers.find(agent->offer);
      if (o == e_.state.offers.end() || o->second.agent != aid) {
        problems.push_back(
            fmt::format("agent {} points at offer {} it does not hold", aid.value, agent->offer.value));
      }
    }
  }
  touched_agents_.clear();
}

void Invariants::CheckLimits(std::vector<std::string>& problems) const {
  const EngineState& st = e_.state;
  int64_t tenant_sum = 0;
  for (const auto& [tid, tenant] : st.tenants) {
    tenant_sum += tenant.active_calls;
    if (tenant.active_calls < 0 || tenant.active_calls > tenant.settings.max_concurrent_calls) {
      problems.push_back(fmt::format("tenant {} has {} active calls, limit {}", tid.value,
                                     tenant.active_calls, tenant.settings.max_concurrent_calls));
    }
  }
  if (st.dc_active_calls != tenant_sum || st.dc_active_calls > st.datacenter.max_concurrent_calls) {
    problems.push_back(fmt::format("data centre has {} active calls (tenants {}), limit {}",
                                   st.dc_active_calls, tenant_sum, st.datacenter.max_concurrent_calls));
  }
}

}  // namespace outdial::engine
