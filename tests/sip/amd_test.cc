// Call progress analysis on audio directly (fast): synthetic tones for fax, SIT and the beep, and
// the generated espeak-ng corpus for answering-machine detection, with accuracy per class and the
// median time to verdict, beside the plain greeting-length baseline.
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <fstream>

#include <gtest/gtest.h>

#include "amd_corpus.h"
#include "telephony/media/call_analyzer.h"

#ifndef OUTDIAL_SIP_CORPUS_DIR
#error "OUTDIAL_SIP_CORPUS_DIR must be set in tests/sip/tests.cmake"
#endif

namespace outdial::sip_test {
namespace {

using telephony::media::CallAnalyzer;
using telephony::media::Verdict;
using telephony::media::VerdictKind;

void Tone(std::vector<int16_t>& out, double freq, int ms, double amp = 8000) {
  size_t n = static_cast<size_t>(ms) * 8;
  size_t start = out.size();
  for (size_t i = 0; i < n; ++i) {
    out.push_back(
        static_cast<int16_t>(amp * std::sin(2 * M_PI * freq * static_cast<double>(start + i) / 8000.0)));
  }
}
void Silence(std::vector<int16_t>& out, int ms) {
  out.insert(out.end(), static_cast<size_t>(ms) * 8, 0);
}
// Something speech-like for the energy detector: a voiced buzz with harmonics (no single tone).
void Buzz(std::vector<int16_t>& out, int ms) {
  size_t n = static_cast<size_t>(ms) * 8;
  size_t start = out.size();
  for (size_t i = 0; i < n; ++i) {
    double t = static_cast<double>(start + i) / 8000.0, v = 0;
    for (int h = 1; h <= 12; ++h) v += std::sin(2 * M_PI * 130 * h * t + h) / h;
    out.push_back(static_cast<int16_t>(3000 * v));
  }
}

// Feeds `pcm` in 20 ms packets as RTP would; Finish() when the audio runs out undecided.
Verdict Analyze(const std::vector<int16_t>& pcm, bool amd = true, core::CpaSettings cpa = {}) {
  CallAnalyzer analyzer(cpa, amd);
  for (size_t i = 0; i < pcm.size(); i += 160) {
    auto v = analyzer.Feed(pcm.data() + i, std::min<size_t>(160, pcm.size() - i));
    if (v) return *v;
  }
  return analyzer.Finish();
}

TEST(CallAnalyzer, FaxAnswerToneIsFax) {
  std::vector<int16_t> pcm;
  Silence(pcm, 300);
  Tone(pcm, 2100, 3000);
  Verdict v = Analyze(pcm);
  EXPECT_EQ(v.kind, VerdictKind::kFax) << v.why;
  EXPECT_LT(v.at_ms, 1500);
}

TEST(CallAnalyzer, FaxCallingToneIsFax) {
  std::vector<int16_t> pcm;
  for (int i = 0; i < 3; ++i) {
    Tone(pcm, 1100, 500);
    Silence(pcm, 3000);
  }
  core::CpaSettings cpa;
  cpa.max_time_analysis_ms = 10000;
  EXPECT_EQ(Analyze(pcm, true, cpa).kind, VerdictKind::kFax);
}

TEST(CallAnalyzer, SpecialInformationTonesAreSit) {
  std::vector<int16_t> pcm;
  Silence(pcm, 200);
  Tone(pcm, 913.8, 274);
  Tone(pcm, 1370.6, 274);
  Tone(pcm, 1776.7, 380);
  Silence(pcm, 2000);
  Verdict v = Analyze(pcm, false);  // also without AMD, e.g. on early media
  EXPECT_EQ(v.kind, VerdictKind::kSit) << v.why;
  EXPECT_LT(v.at_ms, 1200);
}

TEST(CallAnalyzer, ThreeUnrelatedTonesAreNotSit) {
  std::vector<int16_t> pcm;
  Tone(pcm, 1776.7, 300);
  Tone(pcm, 913.8, 300);
  Tone(pcm, 1370.6, 300);
  Silence(pcm, 3000);
  EXPECT_NE(Analyze(pcm, false).kind, VerdictKind::kSit);
}

TEST(CallAnalyzer, BeepAfterAGreetingIsAMachine) {
  std::vector<int16_t> pcm;
  Silence(pcm, 200);
  Buzz(pcm, 900);
  Silence(pcm, 300);
  Tone(pcm, 1000, 500);
  Silence(pcm, 2000);
  Verdict v = Analyze(pcm);
  EXPECT_EQ(v.kind, VerdictKind::kMachine) << v.why;
  EXPECT_TRUE(v.beep);
}

TEST(CallAnalyzer, ShortGreetingThenSilenceIsAHuman) {
  std::vector<int16_t> pcm;
  Silence(pcm, 400);
  Buzz(pcm, 500);
  Silence(pcm, 3000);
  Verdict v = Analyze(pcm);
  EXPECT_EQ(v.kind, VerdictKind::kHuman) << v.why;
  EXPECT_NEAR(static_cast<double>(v.at_ms), 400 + 500 + 608, 80);  // min_silence_period_ms after the greeting
}

TEST(CallAnalyzer, LongGreetingIsAMachine) {
  std::vector<int16_t> pcm;
  Silence(pcm, 300);
  for (int i = 0; i < 6; ++i) {
    Buzz(pcm, 400);
    Silence(pcm, 150);
  }
  Verdict v = Analyze(pcm);
  EXPECT_EQ(v.kind, VerdictKind::kMachine) << v.why;
  EXPECT_LT(v.at_ms, 2500);
}

TEST(CallAnalyzer, DeadAirIsNotSureWithinMaxTime) {
  std::vector<int16_t> pcm;
  Silence(pcm, 6000);
  Verdict v = Analyze(pcm);
  EXPECT_EQ(v.kind, VerdictKind::kNotSure);
  EXPECT_EQ(v.at_ms, 3000);  // max_time_analysis_ms
}

TEST(CallAnalyzer, WithoutAmdSpeechEndsTheAnalysisAtOnce) {
  std::vector<int16_t> pcm;
  Silence(pcm, 200);
  Buzz(pcm, 3000);
  Verdict v = Analyze(pcm, false);
  EXPECT_EQ(v.kind, VerdictKind::kNotSure);
  EXPECT_LT(v.at_ms, 500);
}

TEST(CallAnalyzer, CampaignTimingsApply) {
  std::vector<int16_t> pcm;
  Silence(pcm, 300);
  Buzz(pcm, 500);
  Silence(pcm, 400);
  Buzz(pcm, 500);
  Silence(pcm, 3000);
  core::CpaSettings cpa;
  cpa.min_silence_period_ms = 300;  // the 400 ms pause ends the greeting
  EXPECT_EQ(Analyze(pcm, true, cpa).kind, VerdictKind::kHuman);
  cpa.min_silence_period_ms = 608;  // the pause is inside the greeting, which then is 1.4 s
  Verdict v = Analyze(pcm, true, cpa);
  EXPECT_EQ(v.kind, VerdictKind::kHuman) << v.why;
  EXPECT_GT(v.at_ms, 2000);
}

double Median(std::vector<int64_t> v) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  return v.size() % 2 ? static_cast<double>(v[v.size() / 2])
                      : (static_cast<double>(v[v.size() / 2 - 1]) + static_cast<double>(v[v.size() / 2])) / 2;
}

TEST(AmdCorpus, AccuracyForHumansAndMachinesBesideTheBaseline) {
  auto corpus = AmdCorpus(OUTDIAL_SIP_CORPUS_DIR);
  ASSERT_GE(corpus.size(), 50u) << "espeak-ng or sox failed";
  struct Tally {
    int n = 0, ok = 0, not_sure = 0;
    std::vector<int64_t> times;
  };
  Tally amd_h, amd_m, base_h, base_m;
  std::string report;
  for (const auto& s : corpus) {
    auto pcm = ReadUlawWav(s.path);
    ASSERT_GT(pcm.size(), 8000u) << s.path;
    Verdict v = Analyze(pcm);
    Verdict b = telephony::media::GreetingLengthBaseline(pcm.data(), pcm.size());
    VerdictKind want = s.machine ? VerdictKind::kMachine : VerdictKind::kHuman;
    Tally& t = s.machine ? amd_m : amd_h;
    Tally& bt = s.machine ? base_m : base_h;
    ++t.n;
    ++bt.n;
    t.ok += v.kind == want;
    t.not_sure += v.kind == VerdictKind::kNotSure;
    t.times.push_back(v.at_ms);
    bt.ok += b.kind == want;
    bt.times.push_back(b.at_ms);
    char line[200];
    std::snprintf(line, sizeof(line), "%-44s amd=%-8s %5lld ms %-24s baseline=%-8s %5lld ms\n",
                  s.name.c_str(), std::string(ToString(v.kind)).c_str(), static_cast<long long>(v.at_ms),
                  std::string(v.why).c_str(), std::string(ToString(b.kind)).c_str(),
                  static_cast<long long>(b.at_ms));
    report += line;
  }
  auto pct = [](const Tally& t) { return t.n ? 100.0 * t.ok / t.n : 0.0; };
  char summary[600];
  std::snprintf(
      summary, sizeof(summary),
      "AMD corpus: %d humans, %d machines (%d with a beep)\n"
      "  outdial AMD: humans %.1f%% (%d not sure), machines %.1f%%; median time to verdict: humans %.0f ms, "
      "machines %.0f ms\n"
      "  baseline (speech > 1500 ms in 3 s): humans %.1f%%, machines %.1f%%; median time: humans %.0f ms, "
      "machines %.0f ms\n",
      amd_h.n, amd_m.n,
      static_cast<int>(std::count_if(corpus.begin(), corpus.end(), [](auto& c) { return c.beep; })),
      pct(amd_h), amd_h.not_sure, pct(amd_m), Median(amd_h.times), Median(amd_m.times), pct(base_h),
      pct(base_m), Median(base_h.times), Median(base_m.times));
  std::printf("%s%s", report.c_str(), summary);
  std::ofstream(std::string(OUTDIAL_SIP_CORPUS_DIR) + "/report.txt") << report << summary;
  RecordProperty("amd_human_accuracy", std::to_string(pct(amd_h)));
  RecordProperty("amd_machine_accuracy", std::to_string(pct(amd_m)));
  EXPECT_GE(pct(amd_h), 95.0);
  EXPECT_GE(pct(amd_m), 95.0);
  EXPECT_LE(Median(amd_h.times), 2500.0);
}

}  // namespace
}  // namespace outdial::sip_test
