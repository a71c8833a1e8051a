// Call progress analysis on the customer's audio (PRODUCT.md §5.2, campaign `cpa`): answering-
// machine detection in the spirit of the energy/word-timing detectors (initial silence, greeting
// length, words, silence after the greeting), beep detection, fax CNG/CED (spandsp's modem connect
// tone detectors) and special information tones (spandsp Goertzel filters).
//
// A CallAnalyzer is fed 8 kHz linear PCM from the moment of answer (or, with `amd` off, from early
// media for SIT) and returns one verdict; time is the audio itself (8 samples = 1 ms), so it runs
// the same on a WAV file as on RTP. Not thread-safe; owned by one leg on libre's thread.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string_view>

#include "core/outcome.h"
#include "core/settings.h"

namespace outdial::telephony::media {

enum class VerdictKind {
  kHuman,
  kMachine,
  kFax,
  kSit,      // special information tones: the call fails with that outcome
  kNotSure,  // nothing conclusive within max_time_analysis_ms (e.g. silence): treated as unknown
};
std::string_view ToString(VerdictKind kind);
core::AmdResult ToAmdResult(VerdictKind kind);

struct Verdict {
  VerdictKind kind = VerdictKind::kNotSure;
  int64_t at_ms = 0;     // audio time of the decision, from the first sample fed
  std::string_view why;  // a short static cause: "greeting_too_long", "beep", "silence_after_greeting", ...
  bool beep = false;     // a voicemail beep was heard
};

// Tunables that are not campaign settings (fixed in the spirit of Asterisk's app_amd defaults).
struct AmdTuning {
  int frame_ms = 10;
  int max_human_greeting_ms = 1500;   // longer speech before the first long pause: a machine (app_amd: 1500)
  int max_words = 5;                  // more speech bursts than this before a pause: a machine
  int between_words_silence_ms = 60;  // a gap shorter than this does not split a word
  double speech_threshold_dbfs = -40.0;
  int beep_min_ms = 150;  // a steady tone 400–2000 Hz this long after speech: the beep
};

class CallAnalyzer {
 public:
  // `amd` false: only fax and SIT are looked for; speech ends the analysis as kNotSure.
  CallAnalyzer(const core::CpaSettings& settings, bool amd, AmdTuning tuning = {});
  ~CallAnalyzer();
  CallAnalyzer(const CallAnalyzer&) = delete;
  CallAnalyzer& operator=(const CallAnalyzer&) = delete;

  // Returns the verdict once, at the first sample that decides it; nullopt before and after.
  std::optional<Verdict> Feed(const int16_t* samples, size_t count);
  // The verdict now (the audio stopped, the call ended or the wall-clock deadline passed).
  Verdict Finish();
  bool decided() const;
  int64_t elapsed_ms() const;

 private:
  struct State;
  std::unique_ptr<State> state_;
};

// The plain baseline the report compares against: speech longer than `threshold_ms` within the
// first `window_ms` of audio is a machine, anything else a human; decided at `window_ms` (or as
// soon as the threshold is crossed).
Verdict GreetingLengthBaseline(const int16_t* samples, size_t count, int threshold_ms = 1500,
                               int window_ms = 3000);

}  // namespace outdial::telephony::media
