// The AMD test corpus, generated with espeak-ng + sox as 8 kHz µ-law WAVs: short live-person
// greetings and answering-machine greetings of varied length, voices and speeds, with and without
// a beep. Each sample has silence before it (the callee picking up) and after it (a person waiting
// for an answer, or a machine recording). Generated once per directory; deterministic.
#pragma once

#include <unistd.h>
#include <algorithm>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "telephony/media/g711.h"

namespace outdial::sip_test {

struct CorpusSample {
  std::string name;
  bool machine = false;
  bool beep = false;
  std::string path;  // the µ-law WAV
};

inline std::string Quote(const std::string& s) {
  std::string q = "'";
  for (char c : s) q += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return q + "'";
}

// Creates (if missing) and lists the corpus in `dir`. Empty when espeak-ng or sox fail.
inline std::vector<CorpusSample> AmdCorpus(const std::filesystem::path& dir) {
  struct Spec {
    std::string text;
    bool machine;
  };
  const std::vector<Spec> humans = {
      {"Hello?", false}, {"Yes, speaking.", false},      {"Hello.", false},    {"Hi.", false},
      {"Yeah?", false},  {"Hello, who is this?", false}, {"Speaking.", false}, {"Yes?", false},
      {"Hallo?", false}, {"Good morning.", false},
  };
  const std::vector<Spec> machines = {
      {"Hi, you've reached Anna. I can't take your call right now. Please leave a message after the tone.",
       true},
      {"Hello, this is the voicemail of Peter Miller. Leave your name and number and I will call you back.",
       true},
      {"You have reached the office of Doctor Smith. Our office hours are Monday to Friday, nine to five.",
       true},
      {"The person you are calling is not available. Please leave a message.", true},
      {"Thanks for calling. Leave a message.", true},
      {"Hey, it's Mike, leave a message.", true},
      {"Please leave your message after the beep.", true},
      {"Welcome to the mailbox of Julia Fischer. Sorry I missed you, talk to you soon.", true},
      {"We are closed right now. Please call again tomorrow morning.", true},
      {"Sorry, nobody can answer the phone. Speak after the signal.", true},
  };
  // Voice, words per minute, pitch: men and women, slow to fast.
  struct Voice {
    const char* voice;
    int speed;
    int pitch;
  };
  const Voice voices[] = {{"en-us", 175, 50},
                          {"en+f3", 150, 60},
                          {"en-gb+m3", 200, 40},
                          {"en-us+f4", 130, 70},
                          {"en+m7", 220, 35}};
  std::filesystem::create_directories(dir);
  std::vector<CorpusSample> out;
  int n = 0;
  auto make = [&](const Spec& spec, const Voice& v, bool beep, int lead_ms) -> bool {
    CorpusSample s;
    s.machine = spec.machine;
    s.beep = beep;
    s.name = std::string(spec.machine ? "machine" : "human") + "_" + std::to_string(n++) + "_" + v.voice +
             "_s" + std::to_string(v.speed) + (beep ? "_beep" : "");
    for (char& c : s.name) {
      if (c == '+') c = '-';
    }
    s.path = (dir / (s.name + ".wav")).string();
    if (!std::filesystem::exists(s.path)) {
      // Two test processes may build the corpus at once: private scratch names, atomic rename.
      const std::string scratch = s.name + "." + std::to_string(::getpid());
      const std::string tmp = (dir / (scratch + ".wav")).string();
      std::string tts = (dir / (scratch + ".tts.wav")).string();
      std::string cmd = "espeak-ng -v " + std::string(v.voice) + " -s " + std::to_string(v.speed) + " -p " +
                        std::to_string(v.pitch) + " -w " + Quote(tts) + " " + Quote(spec.text) +
                        " >/dev/null 2>&1";
      if (std::system(cmd.c_str()) != 0) return false;
      // 8 kHz µ-law; silence before (pick-up) and after (waiting / recording). The beep follows
      // the greeting after 300 ms, as voicemail systems play it.
      std::string lead = std::to_string(lead_ms / 1000.0);
      std::string conv = "sox -q " + Quote(tts) + " -r 8000 -c 1 -e u-law -b 8 " + Quote(tmp);
      if (beep) {
        std::string tone = (dir / (scratch + ".beep.wav")).string();
        std::string mk = "sox -q -n -r 22050 -c 1 " + Quote(tone) + " synth 0.5 sine 1000 vol 0.4 pad 0.3 0";
        if (std::system(mk.c_str()) != 0) return false;
        conv = "sox -q " + Quote(tts) + " " + Quote(tone) + " -r 8000 -c 1 -e u-law -b 8 " + Quote(tmp);
      }
      conv += " pad " + lead + " 4 >/dev/null 2>&1";
      if (std::system(conv.c_str()) != 0) return false;
      std::filesystem::remove(tts);
      std::filesystem::remove(dir / (scratch + ".beep.wav"));
      std::filesystem::rename(tmp, s.path);
    }
    out.push_back(s);
    return true;
  };
  int k = 0;
  for (const auto& spec : humans) {
    for (const auto& v : voices) {
      if (!make(spec, v, false, 200 + 100 * (k++ % 5))) return {};
    }
  }
  for (const auto& spec : machines) {
    for (size_t i = 0; i < std::size(voices); ++i) {
      if (!make(spec, voices[i], i == 1, 150 + 100 * (k++ % 4))) return {};
    }
  }
  return out;
}

// The samples of a µ-law WAV ("data" chunk), decoded to linear PCM.
inline std::vector<int16_t> ReadUlawWav(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  size_t pos = 12;
  while (pos + 8 <= bytes.size()) {
    uint32_t size = 0;
    for (int i = 0; i < 4; ++i)
      size |= static_cast<uint32_t>(static_cast<uint8_t>(bytes[pos + 4 + i])) << (8 * i);
    if (bytes.compare(pos, 4, "data") == 0) {
      size = static_cast<uint32_t>(std::min<size_t>(size, bytes.size() - pos - 8));
      std::vector<int16_t> pcm(size);
      telephony::media::DecodeG711(false, reinterpret_cast<const uint8_t*>(bytes.data() + pos + 8), size,
                                   pcm.data());
      return pcm;
    }
    pos += 8 + size + (size & 1);
  }
  return {};
}

}  // namespace outdial::sip_test
