// A compiler of libphonenumber's digit patterns to DFAs (number_validator.h). The patterns are
// regular expressions over the digits of a national number: groups, alternation, digit classes,
// \d and counted repetition. Anything else makes a compilation fail (the region is then left to
// libphonenumber). Compiling allocates; a compiled Dfa's walks do not, and any number of threads
// may walk one at once.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <span>
#include <string_view>
#include <vector>

namespace outdial::store::digit_dfa {

struct Dfa {
  std::vector<std::array<int32_t, 10>> next;  // -1: no match possible
  std::vector<uint16_t> tags;

  // Tags of the state reached after all of `digits` (0 when the walk dies).
  uint16_t FullMatch(std::string_view digits) const {
    int32_t state = 0;
    for (char c : digits) {
      state = next[static_cast<size_t>(state)][static_cast<size_t>(c - '0')];
      if (state < 0) return 0;
    }
    return tags[static_cast<size_t>(state)];
  }
  // Whether some prefix of `digits` (the empty one included) is accepted.
  bool PrefixMatch(std::string_view digits) const {
    int32_t state = 0;
    if (tags[0] != 0) return true;
    for (char c : digits) {
      state = next[static_cast<size_t>(state)][static_cast<size_t>(c - '0')];
      if (state < 0) return false;
      if (tags[static_cast<size_t>(state)] != 0) return true;
    }
    return false;
  }
};

// One DFA over several patterns, each matched in full: reaching the end of a match of
// patterns[i] sets tag bit i (at most 16 patterns). An empty pattern matches nothing. nullopt when
// a pattern uses a construct the compiler does not know, or the automaton outgrows its limits.
std::optional<Dfa> CompileTagged(std::span<const std::string_view> patterns);
// One pattern, matched in full: tag 1.
std::optional<Dfa> Compile(std::string_view pattern);

}  // namespace outdial::store::digit_dfa
