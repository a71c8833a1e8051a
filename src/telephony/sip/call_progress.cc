// SipStack's call progress analysis on a customer leg's audio (media/call_analyzer.h): started
// on early media (special information tones come before any answer) and on the answer, fed from
// the RTP relay, decided by a verdict or by the wall clock. And ReportAnswered, the one place
// that builds the kAnswered event (the verdict is kCpaVerdict).
#include <algorithm>
#include <iterator>

#include "telephony/media/g711.h"
#include "telephony/sip/stack.h"

namespace outdial::telephony {

using engine::LegEvent;
using engine::LegEventKind;
using engine::LegKind;

void SipStack::StartEarlyAnalysis(SipLeg& leg) {
  if (leg.req.kind != LegKind::kCustomer || !leg.req.cpa || leg.analyzer) return;
  // Special information tones come before any answer, in early media.
  leg.analyzer = std::make_unique<media::CallAnalyzer>(leg.req.cpa_settings, false);
}

bool SipStack::StartAnswerAnalysis(SipLeg& leg) {
  if (leg.req.kind != LegKind::kCustomer || !leg.req.cpa) return false;
  leg.analyzer = std::make_unique<media::CallAnalyzer>(leg.req.cpa_settings, leg.req.amd);
  leg.verdict_pending = true;
  // The verdict is due within max_time_analysis_ms of audio; if the audio stops coming the
  // wall clock decides (a little later, so that RTP jitter does not cut a verdict short).
  tmr_start(&leg.analysis_deadline, static_cast<uint64_t>(leg.req.cpa_settings.max_time_analysis_ms) + 500,
            &SipStack::OnAnalysisDeadline, &leg);
  return true;
}

void SipStack::AnalyzeAudio(SipLeg& leg, Codec codec, const uint8_t* payload, size_t n) {
  int16_t pcm[1024];
  size_t done = 0;
  while (done < n) {
    size_t chunk = std::min<size_t>(n - done, std::size(pcm));
    media::DecodeG711(codec == Codec::kPcma, payload + done, chunk, pcm);
    std::optional<media::Verdict> v = leg.analyzer->Feed(pcm, chunk);
    done += chunk;
    if (!v) continue;
    // Before the answer only special information tones count: the call fails.
    if (leg.verdict_pending || v->kind == media::VerdictKind::kSit) OnVerdict(leg, *v);
    return;
  }
}

void SipStack::FinishAnalysis(SipLeg& leg) {
  if (leg.verdict_pending && leg.analyzer != nullptr) OnVerdict(leg, leg.analyzer->Finish());
}

void SipStack::OnAnalysisDeadline(void* arg) {
  auto* leg = static_cast<SipLeg*>(arg);
  leg->stack->FinishAnalysis(*leg);
}

void SipStack::OnVerdict(SipLeg& leg, const media::Verdict& verdict) {
  leg.verdict_pending = false;
  tmr_cancel(&leg.analysis_deadline);
  ++counters_->cpa_verdicts;
  Bump(counters_->cpa_verdicts_by_kind, static_cast<size_t>(verdict.kind));
  switch (verdict.kind) {
    case media::VerdictKind::kSit: {
      LegEvent e = Event(LegEventKind::kFailed, 0);
      e.outcome_hint = core::Outcome::kSpecialInformationTone;
      End(leg, LegEnd::kFailed, e);
      return;
    }
    case media::VerdictKind::kHuman:
    case media::VerdictKind::kMachine:
    case media::VerdictKind::kFax:
    case media::VerdictKind::kNotSure: break;
  }
  LegEvent e = Event(LegEventKind::kCpaVerdict, 200);
  e.amd = media::ToAmdResult(verdict.kind);
  Post(leg.req.leg, e, false);
}

// The far end answered (200 OK), reported at once; on a leg with CPA the verdict follows as an
// event of its own (OnVerdict), so the dead air CPA costs can be measured.
void SipStack::ReportAnswered(SipLeg& leg) {
  Post(leg.req.leg, Event(LegEventKind::kAnswered, 200), false);
}

}  // namespace outdial::telephony
