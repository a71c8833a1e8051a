#include "telephony/media/call_analyzer.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <cstddef>
#include <vector>

#include <spandsp.h>

namespace outdial::telephony::media {

std::string_view ToString(VerdictKind kind) {
  switch (kind) {
    case VerdictKind::kHuman: return "human";
    case VerdictKind::kMachine: return "machine";
    case VerdictKind::kFax: return "fax";
    case VerdictKind::kSit: return "sit";
    case VerdictKind::kNotSure: return "not_sure";
  }
  return "not_sure";
}

core::AmdResult ToAmdResult(VerdictKind kind) {
  switch (kind) {
    case VerdictKind::kHuman: return core::AmdResult::kHuman;
    case VerdictKind::kMachine: return core::AmdResult::kMachine;
    case VerdictKind::kFax: return core::AmdResult::kFax;
    case VerdictKind::kSit:
    case VerdictKind::kNotSure: return core::AmdResult::kUnknown;
  }
  return core::AmdResult::kUnknown;
}

namespace {

constexpr int kRate = 8000;

double Dbfs(double mean_square) {
  return 10.0 * std::log10(mean_square / (32768.0 * 32768.0) + 1e-12);
}

// Steady single tone in 300–2200 Hz over 20 ms blocks: the voicemail beep (and, block by block,
// what is a tone rather than speech: SIT segments, fax CNG). Goertzel bins every 25 Hz keep the
// worst-case off-bin loss under 1 dB for a 160-sample block.
class BeepDetector {
 public:
  static constexpr int kBlock = 160;
  BeepDetector() {
    for (double f = 300; f <= 2200; f += 25) coeffs_.push_back(2.0 * std::cos(2.0 * M_PI * f / kRate));
  }
  // Returns the run length of tonal blocks (ms) after this block.
  int Block(const int16_t* x) {
    double energy = 0;
    for (int i = 0; i < kBlock; ++i) energy += static_cast<double>(x[i]) * x[i];
    double best = 0;
    int best_bin = -1;
    if (Dbfs(energy / kBlock) > -45.0) {
      for (size_t b = 0; b < coeffs_.size(); ++b) {
        double s1 = 0, s2 = 0, c = coeffs_[b];
        for (int i = 0; i < kBlock; ++i) {
          double s0 = x[i] + c * s1 - s2;
          s2 = s1;
          s1 = s0;
        }
        double power = s1 * s1 + s2 * s2 - c * s1 * s2;
        if (power > best) {
          best = power;
          best_bin = static_cast<int>(b);
        }
      }
    }
    // For a pure tone |X|^2 = N * E / 2: the fraction of the block's energy in one bin.
    double fraction = energy > 0 ? 2.0 * best / (kBlock * energy) : 0;
    bool tonal = best_bin >= 0 && fraction > 0.75 && (run_ == 0 || std::abs(best_bin - bin_) <= 1);
    tonal_ = best_bin >= 0 && fraction > 0.75;
    if (tonal) {
      bin_ = best_bin;
      run_ += 20;
    } else {
      run_ = 0;
    }
    return run_;
  }
  // Whether the last block was one dominant tone (whatever came before).
  bool tonal() const { return tonal_; }

 private:
  std::vector<double> coeffs_;
  int run_ = 0;
  int bin_ = -1;
  bool tonal_ = false;
};

// Special information tones (ITU-T E.180 / Telcordia SR-2275): three segments rising through
// 913.8|985.2, 1370.6|1428.5, 1776.7 Hz, each 274–380 ms. spandsp Goertzel filters on 20 ms blocks.
class SitDetector {
 public:
  static constexpr int kBlock = 160;
  SitDetector() {
    const float freqs[5] = {913.8f, 985.2f, 1370.6f, 1428.5f, 1776.7f};
    for (int i = 0; i < 5; ++i) {
      make_goertzel_descriptor(&desc_[i], freqs[i], kBlock);
      goertzel_init(&state_[i], &desc_[i]);
    }
  }
  bool Block(const int16_t* x) {
    double energy = 0;
    for (int i = 0; i < kBlock; ++i) energy += static_cast<double>(x[i]) * x[i];
    int group = -1;
    if (energy > 0 && Dbfs(energy / kBlock) > -45.0) {
      double best = 0;
      int best_i = -1;
      for (int i = 0; i < 5; ++i) {
        goertzel_reset(&state_[i]);
        goertzel_update(&state_[i], x, kBlock);
        double p = goertzel_result(&state_[i]);
        if (p > best) {
          best = p;
          best_i = i;
        }
      }
      // spandsp's result is scaled like |X|^2 (float build): same energy-fraction test as the beep.
      double fraction = 2.0 * best / (kBlock * energy);
      if (fraction > 0.6) group = best_i < 2 ? 0 : (best_i < 4 ? 1 : 2);
    }
    if (group >= 0 && group == group_) {
      run_ms_ += 20;
    } else {
      if (group_ >= 0 && run_ms_ >= 200 && run_ms_ <= 500) {
        // A segment ended: it continues the sequence only as the next group.
        if (group_ == next_) {
          ++next_;
        } else {
          next_ = group_ == 0 ? 1 : 0;
        }
        gap_ms_ = 0;
      }
      group_ = group;
      run_ms_ = group >= 0 ? 20 : 0;
    }
    if (group < 0) gap_ms_ += 20;
    if (gap_ms_ > 200) next_ = 0;
    // The third segment counts as soon as it has lasted long enough.
    return next_ == 2 && group_ == 2 && run_ms_ >= 200;
  }

 private:
  goertzel_descriptor_t desc_[5] = {};
  goertzel_state_t state_[5] = {};
  int group_ = -1;
  int run_ms_ = 0;
  int next_ = 0;  // the group the next complete segment must have
  int gap_ms_ = 0;
};

}  // namespace

struct CallAnalyzer::State {
  core::CpaSettings cpa;
  bool amd = false;
  AmdTuning t;
  modem_connect_tones_rx_state_t* ced = nullptr;
  modem_connect_tones_rx_state_t* cng = nullptr;
  BeepDetector beep;
  SitDetector sit;
  std::vector<int16_t> pending;  // samples not yet making a whole 20 ms block
  int64_t ms = 0;
  bool decided = false;
  // Speech bookkeeping on 10 ms frames.
  bool in_word = false;
  int voiced_run_ms = 0;
  int silence_run_ms = 0;
  int words = 0;
  int64_t greeting_start = -1;
  int64_t last_voice_end = -1;
  int64_t voiced_total_ms = 0;
  double noise_db = -70.0;

  ~State() {
    if (ced != nullptr) modem_connect_tones_rx_free(ced);
    if (cng != nullptr) modem_connect_tones_rx_free(cng);
  }

  Verdict Make(VerdictKind kind, std::string_view why, bool beep_heard = false) {
    decided = true;
    return Verdict{kind, ms, why, beep_heard};
  }

  bool Voiced(const int16_t* x, int n) {
    double e = 0;
    for (int i = 0; i < n; ++i) e += static_cast<double>(x[i]) * x[i];
    double db = Dbfs(e / n);
    bool voiced = db > std::max(t.speech_threshold_dbfs, noise_db + 12.0);
    // The noise floor follows quiet frames quickly and loud ones very slowly.
    if (!voiced) noise_db = db < noise_db ? db : noise_db * 0.98 + db * 0.02;
    return voiced;
  }

  // One 20 ms block: the tone detectors, then two speech frames (a tone is not speech).
  std::optional<Verdict> Block(const int16_t* x) {
    const int frame = 80;
    int beep_ms = beep.Block(x);
    for (int f = 0; f < 2 && !decided; ++f) {
      ms += 10;
      auto v = SpeechFrame(Voiced(x + static_cast<std::ptrdiff_t>(f) * frame, frame) && !beep.tonal());
      if (v) return v;
    }
    modem_connect_tones_rx(ced, x, SitDetector::kBlock);
    modem_connect_tones_rx(cng, x, SitDetector::kBlock);
    if (modem_connect_tones_rx_get(ced) != MODEM_CONNECT_TONES_NONE ||
        modem_connect_tones_rx_get(cng) != MODEM_CONNECT_TONES_NONE) {
      return Make(VerdictKind::kFax, "fax_tone");
    }
    if (sit.Block(x)) return Make(VerdictKind::kSit, "special_information_tone");
    if (amd && beep_ms >= t.beep_min_ms && words > 0) return Make(VerdictKind::kMachine, "beep", true);
    if (ms >= cpa.max_time_analysis_ms) return Timeout();
    return std::nullopt;
  }

  std::optional<Verdict> SpeechFrame(bool voiced) {
    if (voiced) {
      voiced_run_ms += 10;
      voiced_total_ms += 10;
      if (!in_word && voiced_run_ms >= cpa.minimum_valid_speech_ms) {
        in_word = true;
        ++words;
        if (greeting_start < 0) greeting_start = ms - voiced_run_ms;
      }
      if (voiced_run_ms >= t.between_words_silence_ms) silence_run_ms = 0;
      if (in_word) silence_run_ms = 0;
    } else {
      silence_run_ms += 10;
      if (silence_run_ms >= t.between_words_silence_ms) {
        if (in_word) last_voice_end = ms - silence_run_ms;
        in_word = false;
        voiced_run_ms = 0;
      }
    }
    if (!amd) {
      // Only fax/SIT are wanted: real speech means neither; let the call through.
      if (words > 0) return Make(VerdictKind::kNotSure, "speech");
      return std::nullopt;
    }
    if (greeting_start >= 0) {
      int64_t end = in_word ? ms : last_voice_end;
      if (end - greeting_start > t.max_human_greeting_ms) {
        return Make(VerdictKind::kMachine, "greeting_too_long");
      }
      if (words > t.max_words) return Make(VerdictKind::kMachine, "too_many_words");
      if (!in_word && silence_run_ms >= cpa.min_silence_period_ms) {
        return Make(VerdictKind::kHuman, "silence_after_greeting");
      }
    }
    return std::nullopt;
  }

  Verdict Timeout() {
    if (!amd) return Make(VerdictKind::kNotSure, "max_time");
    // Still talking when time is up: a long greeting. Never spoke: not sure (dead air).
    if (greeting_start >= 0 && in_word) return Make(VerdictKind::kMachine, "max_time_speaking");
    if (greeting_start >= 0) return Make(VerdictKind::kHuman, "max_time_short_greeting");
    return Make(VerdictKind::kNotSure, "initial_silence");
  }
};

CallAnalyzer::CallAnalyzer(const core::CpaSettings& settings, bool amd, AmdTuning tuning)
    : state_(std::make_unique<State>()) {
  state_->cpa = settings;
  state_->amd = amd;
  state_->t = tuning;
  state_->ced =
      modem_connect_tones_rx_init(nullptr, MODEM_CONNECT_TONES_FAX_CED_OR_PREAMBLE, nullptr, nullptr);
  state_->cng = modem_connect_tones_rx_init(nullptr, MODEM_CONNECT_TONES_FAX_CNG, nullptr, nullptr);
  state_->pending.reserve(SitDetector::kBlock);
}

CallAnalyzer::~CallAnalyzer() = default;

bool CallAnalyzer::decided() const {
  return state_->decided;
}
int64_t CallAnalyzer::elapsed_ms() const {
  return state_->ms;
}

std::optional<Verdict> CallAnalyzer::Feed(const int16_t* samples, size_t count) {
  State& s = *state_;
  if (s.decided) return std::nullopt;
  size_t i = 0;
  const size_t block = SitDetector::kBlock;
  while (i < count) {
    if (s.pending.empty() && count - i >= block) {
      auto v = s.Block(samples + i);
      i += block;
      if (v) return v;
      continue;
    }
    size_t take = std::min(block - s.pending.size(), count - i);
    s.pending.insert(s.pending.end(), samples + i, samples + i + take);
    i += take;
    if (s.pending.size() == block) {
      auto v = s.Block(s.pending.data());
      s.pending.clear();
      if (v) return v;
    }
  }
  return std::nullopt;
}

Verdict CallAnalyzer::Finish() {
  State& s = *state_;
  if (s.decided) return Verdict{VerdictKind::kNotSure, s.ms, "already_decided", false};
  // The audio ended: a greeting heard and finished counts as the pause after it.
  if (s.amd && s.greeting_start >= 0 && !s.in_word) {
    return s.Make(VerdictKind::kHuman, "ended_after_greeting");
  }
  return s.Timeout();
}

Verdict GreetingLengthBaseline(const int16_t* samples, size_t count, int threshold_ms, int window_ms) {
  const size_t frame = kRate / 100;
  int64_t voiced = 0;
  int64_t ms = 0;
  for (size_t i = 0; i + frame <= count && ms < window_ms; i += frame) {
    double e = 0;
    for (size_t k = 0; k < frame; ++k) e += static_cast<double>(samples[i + k]) * samples[i + k];
    ms += 10;
    if (Dbfs(e / frame) > -40.0) voiced += 10;
    if (voiced > threshold_ms) return Verdict{VerdictKind::kMachine, ms, "baseline_long_speech", false};
  }
  return Verdict{VerdictKind::kHuman, window_ms, "baseline_short_speech", false};
}

}  // namespace outdial::telephony::media
