// Answering-machine detection end to end: sipp answers the customer call and plays a generated
// greeting with rtp_stream; the driver analyses the RTP it receives and the verdict arrives with
// the Answered event, within max_time_analysis_ms of audio.
#include "amd_corpus.h"
#include "sip_harness.h"

namespace outdial::sip_test {
namespace {

using engine::LegEventKind;

class SipAmd : public SipFixture, public ::testing::WithParamInterface<bool> {};

TEST_P(SipAmd, AnswerFirstThenTheVerdict) {
  const bool machine = GetParam();
  auto corpus = AmdCorpus(OUTDIAL_SIP_CORPUS_DIR);
  ASSERT_FALSE(corpus.empty()) << "espeak-ng or sox failed";
  // "Yes, speaking." in the first voice, or the first long voicemail greeting (no beep).
  const CorpusSample* sample = nullptr;
  for (const auto& s : corpus) {
    if (s.machine == machine && !s.beep && (machine || s.name.find("human_1_") == 0)) {
      sample = &s;
      break;
    }
  }
  ASSERT_NE(sample, nullptr);
  Sipp trunk(InstantiateScenario("uas_play.xml", {{"@WAV@", sample->path}}), {"-d", "100"});
  StartDriver(trunk.port());
  auto request = Customer(11, "+12015550160");
  request.cpa = true;
  request.amd = true;
  Originate(request);
  auto start = std::chrono::steady_clock::now();
  // The answer (200 OK) is reported at once, before the analysis (API.md `answered_at`) ...
  auto answered = recorder_.WaitFor(core::LegId{11}, LegEventKind::kAnswered, 8s);
  ASSERT_TRUE(answered) << Describe(recorder_.Of(core::LegId{11})) << trunk.Log();
  auto answer_took = std::chrono::steady_clock::now() - start;
  EXPECT_EQ(answered->amd, core::AmdResult::kUnknown);
  // ... and the verdict follows, from the greeting's audio.
  auto verdict = recorder_.WaitFor(core::LegId{11}, LegEventKind::kCpaVerdict, 8s);
  ASSERT_TRUE(verdict) << Describe(recorder_.Of(core::LegId{11})) << trunk.Log();
  auto took = std::chrono::steady_clock::now() - start;
  EXPECT_EQ(verdict->amd, machine ? core::AmdResult::kMachine : core::AmdResult::kHuman) << sample->name;
  EXPECT_LT(answer_took, 1000ms);  // 100 ms ringing
  EXPECT_LT(took, 3500ms);         // 100 ms ringing + at most max_time_analysis_ms (3 s) of audio
  EXPECT_GT(took, answer_took);
  EXPECT_EQ(phones_->counters().cpa_verdicts.load(), 1u);
  EXPECT_GT(phones_->counters().rtp_packets_received.load(), 20u);  // sipp's RTP reached the server
  Hangup(core::LegId{11});
  EXPECT_EQ(trunk.Wait(15s), 0) << trunk.Log();
}

INSTANTIATE_TEST_SUITE_P(Greetings, SipAmd, ::testing::Values(false, true),
                         [](const auto& param_info) { return param_info.param ? "Machine" : "Human"; });

}  // namespace
}  // namespace outdial::sip_test
