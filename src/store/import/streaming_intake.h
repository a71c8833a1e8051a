// StreamingContactIntake: the engine's ContactIntake port (engine/contact_intake.h) over the
// streaming ContactImporter and PhoneParser of this directory. Stateless, so thread-safe.
#pragma once

#include "engine/contact_intake.h"

namespace outdial::store {

class StreamingContactIntake final : public engine::ContactIntake {
 public:
  engine::IntakeSummary Read(engine::IntakeFormat format, const ChunkSource& next_chunk,
                             const core::TenantSettings& tenant, core::CampaignId campaign,
                             core::TimePoint now, const BatchCallback& on_batch,
                             const ProgressCallback& on_progress) override;
  std::optional<std::string> NormalizeNumber(std::string_view text,
                                             std::string_view default_region) const override;
};

}  // namespace outdial::store
