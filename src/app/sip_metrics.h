// The SIP driver's counters as /metrics families (outdial_sip_*): the mapping from
// telephony::SipCounters to api::CollectedFamily, which only app sees both of. docs/sip.md lists
// the families. Threading: reads atomics only, so any thread (the scraping HTTP thread).
#pragma once

#include <vector>

#include "api/metrics.h"
#include "telephony/sip/sip_telephony.h"

namespace outdial::app {

void CollectSipMetrics(const telephony::SipTelephony& sip, std::vector<api::CollectedFamily>& out);

}  // namespace outdial::app
