#include "store/import/number_validator.h"

#include <phonenumbers/phonemetadata.pb.h>
#include <phonenumbers/phonenumberutil.h>

#include <algorithm>
#include <array>
#include <list>
#include <map>
#include <mutex>
#include <optional>
#include <set>
#include <vector>

namespace i18n::phonenumbers {
// libphonenumber's compiled-in metadata (generated metadata.cc, exported by libphonenumber.so; the
// header declaring them is not installed).
int metadata_size();
const void* metadata_get();
}  // namespace i18n::phonenumbers

namespace outdial::store {
namespace {

using i18n::phonenumbers::PhoneMetadata;
using i18n::phonenumbers::PhoneNumberDesc;

// ---- A compiler of libphonenumber's digit patterns to DFAs --------------------------------------
// The patterns are regular expressions over the digits of a national number: groups, alternation,
// digit classes, \d and counted repetition. Anything else makes Compile fail (the region is then
// left to libphonenumber).

constexpr uint16_t kAllDigits = 0x3FF;
constexpr int kInfinite = -1;
constexpr size_t kMaxNfaStates = 200000;
constexpr size_t kMaxDfaStates = 60000;

struct Node {
  enum class Kind { kSet, kConcat, kAlt, kRepeat };
  Kind kind = Kind::kSet;
  uint16_t set = 0;
  int min = 1;
  int max = 1;
  std::vector<Node> kids;
};

class PatternParser {
 public:
  explicit PatternParser(std::string_view text) : text_(text) {}
  std::optional<Node> Parse() {
    auto node = Alternation();
    if (!node || pos_ != text_.size()) return std::nullopt;
    return node;
  }

 private:
  bool More() const { return pos_ < text_.size(); }
  char Peek() const { return text_[pos_]; }

  std::optional<Node> Alternation() {
    Node alt;
    alt.kind = Node::Kind::kAlt;
    while (true) {
      auto branch = Concatenation();
      if (!branch) return std::nullopt;
      alt.kids.push_back(std::move(*branch));
      if (More() && Peek() == '|') {
        ++pos_;
        continue;
      }
      break;
    }
    if (alt.kids.size() == 1) return std::move(alt.kids.front());
    return alt;
  }

  std::optional<Node> Concatenation() {
    Node concat;
    concat.kind = Node::Kind::kConcat;
    while (More() && Peek() != '|' && Peek() != ')') {
      auto item = Repetition();
      if (!item) return std::nullopt;
      concat.kids.push_back(std::move(*item));
    }
    return concat;  // may be empty: matches the empty string
  }

  std::optional<int> Number() {
    int value = 0;
    size_t digits = 0;
    while (More() && Peek() >= '0' && Peek() <= '9' && digits < 4) {
      value = value * 10 + (Peek() - '0');
      ++pos_;
      ++digits;
    }
    if (digits == 0) return std::nullopt;
    return value;
  }

  std::optional<Node> Repetition() {
    auto atom = Atom();
    if (!atom) return std::nullopt;
    while (More()) {
      int min = 0;
      int max = 0;
      const char c = Peek();
      if (c == '?') {
        min = 0, max = 1;
        ++pos_;
      } else if (c == '*') {
        min = 0, max = kInfinite;
        ++pos_;
      } else if (c == '+') {
        min = 1, max = kInfinite;
        ++pos_;
      } else if (c == '{') {
        ++pos_;
        auto lo = Number();
        if (!lo || !More()) return std::nullopt;
        min = max = *lo;
        if (Peek() == ',') {
          ++pos_;
          if (More() && Peek() == '}') {
            max = kInfinite;
          } else {
            auto hi = Number();
            if (!hi || *hi < min) return std::nullopt;
            max = *hi;
          }
        }
        if (!More() || Peek() != '}') return std::nullopt;
        ++pos_;
      } else {
        break;
      }
      if (More() && (Peek() == '?' || Peek() == '+')) return std::nullopt;  // lazy/possessive: not ours
      Node repeat;
      repeat.kind = Node::Kind::kRepeat;
      repeat.min = min;
      repeat.max = max;
      repeat.kids.push_back(std::move(*atom));
      atom = std::move(repeat);
    }
    return atom;
  }

  std::optional<Node> Atom() {
    const char c = Peek();
    if (c == '(') {
      ++pos_;
      if (text_.substr(pos_, 2) == "?:") {
        pos_ += 2;
      } else if (More() && Peek() == '?') {
        return std::nullopt;  // look-around and the like
      }
      auto inner = Alternation();
      if (!inner || !More() || Peek() != ')') return std::nullopt;
      ++pos_;
      return inner;
    }
    Node set;
    set.kind = Node::Kind::kSet;
    if (c >= '0' && c <= '9') {
      set.set = static_cast<uint16_t>(1u << (c - '0'));
      ++pos_;
      return set;
    }
    if (c == '\\') {
      if (text_.substr(pos_, 2) != "\\d") return std::nullopt;
      pos_ += 2;
      set.set = kAllDigits;
      return set;
    }
    if (c == '[') {
      ++pos_;
      bool negate = false;
      if (More() && Peek() == '^') {
        negate = true;
        ++pos_;
      }
      uint16_t bits = 0;
      while (More() && Peek() != ']') {
        if (text_.substr(pos_, 2) == "\\d") {
          bits = kAllDigits;
          pos_ += 2;
          continue;
        }
        const char lo = Peek();
        if (lo < '0' || lo > '9') return std::nullopt;
        ++pos_;
        char hi = lo;
        if (pos_ + 1 < text_.size() && Peek() == '-' && text_[pos_ + 1] != ']') {
          hi = text_[pos_ + 1];
          if (hi < lo || hi > '9') return std::nullopt;
          pos_ += 2;
        }
        for (char d = lo; d <= hi; ++d) bits = static_cast<uint16_t>(bits | (1u << (d - '0')));
      }
      if (!More()) return std::nullopt;
      ++pos_;
      set.set = negate ? static_cast<uint16_t>(~bits & kAllDigits) : bits;
      return set;
    }
    return std::nullopt;
  }

  std::string_view text_;
  size_t pos_ = 0;
};

struct Nfa {
  struct State {
    uint16_t set = 0;  // digits that lead to `next`
    int next = -1;
    std::vector<int> eps;
    uint16_t tag = 0;  // accepting for these descs
  };
  std::vector<State> states;
  bool overflow = false;

  int Add() {
    if (states.size() >= kMaxNfaStates) overflow = true;
    states.emplace_back();
    return static_cast<int>(states.size() - 1);
  }
  // Returns {start, end}; `end` has no outgoing edge yet.
  std::pair<int, int> Build(const Node& node) {
    if (overflow) return {Add(), Add()};
    switch (node.kind) {
      case Node::Kind::kSet: {
        const int s = Add();
        const int e = Add();
        states[s].set = node.set;
        states[s].next = e;
        return {s, e};
      }
      case Node::Kind::kConcat: {
        const int s = Add();
        int end = s;
        for (const auto& kid : node.kids) {
          auto [ks, ke] = Build(kid);
          states[end].eps.push_back(ks);
          end = ke;
        }
        return {s, end};
      }
      case Node::Kind::kAlt: {
        const int s = Add();
        const int e = Add();
        for (const auto& kid : node.kids) {
          auto [ks, ke] = Build(kid);
          states[s].eps.push_back(ks);
          states[ke].eps.push_back(e);
        }
        return {s, e};
      }
      case Node::Kind::kRepeat: {
        const int s = Add();
        int end = s;
        for (int i = 0; i < node.min; ++i) {
          auto [ks, ke] = Build(node.kids.front());
          states[end].eps.push_back(ks);
          end = ke;
        }
        if (node.max == kInfinite) {
          auto [ks, ke] = Build(node.kids.front());
          const int e = Add();
          states[end].eps.push_back(ks);
          states[end].eps.push_back(e);
          states[ke].eps.push_back(ks);
          states[ke].eps.push_back(e);
          return {s, e};
        }
        const int e = Add();
        for (int i = node.min; i < node.max; ++i) {
          auto [ks, ke] = Build(node.kids.front());
          states[end].eps.push_back(e);  // stop here
          states[end].eps.push_back(ks);
          end = ke;
        }
        states[end].eps.push_back(e);
        return {s, e};
      }
    }
    return {0, 0};
  }
};

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

std::optional<Dfa> Determinize(const Nfa& nfa, int start) {
  // `seen` is stamped with a generation per closure, so computing one costs what it visits, not
  // the size of the whole NFA.
  std::vector<uint32_t> seen(nfa.states.size(), 0);
  uint32_t generation = 0;
  auto closure = [&](std::vector<int> seeds) {
    ++generation;
    std::vector<int> out;
    while (!seeds.empty()) {
      const int s = seeds.back();
      seeds.pop_back();
      if (seen[static_cast<size_t>(s)] == generation) continue;
      seen[static_cast<size_t>(s)] = generation;
      out.push_back(s);
      for (int e : nfa.states[static_cast<size_t>(s)].eps) seeds.push_back(e);
    }
    std::sort(out.begin(), out.end());
    return out;
  };
  Dfa dfa;
  std::map<std::vector<int>, int32_t> ids;
  std::vector<std::vector<int>> sets;
  auto intern = [&](std::vector<int> set) -> int32_t {
    if (set.empty()) return -1;
    auto [it, inserted] = ids.emplace(set, static_cast<int32_t>(sets.size()));
    if (inserted) {
      uint16_t tag = 0;
      for (int s : set) tag = static_cast<uint16_t>(tag | nfa.states[static_cast<size_t>(s)].tag);
      sets.push_back(std::move(set));
      dfa.next.push_back({});
      dfa.tags.push_back(tag);
    }
    return it->second;
  };
  intern(closure({start}));
  if (sets.empty()) return std::nullopt;
  for (size_t i = 0; i < sets.size(); ++i) {
    if (sets.size() > kMaxDfaStates) return std::nullopt;
    for (int d = 0; d < 10; ++d) {
      std::vector<int> targets;
      for (int s : sets[i]) {
        const auto& state = nfa.states[static_cast<size_t>(s)];
        if (state.next >= 0 && (state.set >> d) & 1) targets.push_back(state.next);
      }
      const int32_t target = targets.empty() ? -1 : intern(closure(std::move(targets)));
      dfa.next[i][static_cast<size_t>(d)] = target;
    }
  }
  return dfa;
}

// ---- The regions --------------------------------------------------------------------------------

// The descs GetNumberTypeHelper looks at: index 0 is general_desc, the rest the number types.
constexpr int kDescCount = 11;
const PhoneNumberDesc& DescAt(const PhoneMetadata& m, int i) {
  switch (i) {
    case 0:
      return m.general_desc();
    case 1:
      return m.premium_rate();
    case 2:
      return m.toll_free();
    case 3:
      return m.shared_cost();
    case 4:
      return m.voip();
    case 5:
      return m.personal_number();
    case 6:
      return m.pager();
    case 7:
      return m.uan();
    case 8:
      return m.voicemail();
    case 9:
      return m.fixed_line();
    default:
      return m.mobile();
  }
}

struct Region {
  const PhoneMetadata* metadata = nullptr;
  std::once_flag once;
  bool supported = false;
  Dfa types;                                   // tag bit i: DescAt(i) matches in full
  std::optional<Dfa> leading;                  // leading_digits, when the metadata has them
  std::array<uint32_t, kDescCount> lengths{};  // bit n: length n possible
  std::array<bool, kDescCount> has_lengths{};

  void Build() {
    Nfa nfa;
    const int root = nfa.Add();
    for (int i = 0; i < kDescCount; ++i) {
      const PhoneNumberDesc& desc = DescAt(*metadata, i);
      has_lengths[static_cast<size_t>(i)] = desc.possible_length_size() > 0;
      for (int k = 0; k < desc.possible_length_size(); ++k) {
        const int length = desc.possible_length(k);
        if (length >= 0 && length < 32) lengths[static_cast<size_t>(i)] |= 1u << length;
      }
      // An empty pattern matches nothing (RegexBasedMatcher::MatchNationalNumber).
      if (desc.national_number_pattern().empty()) continue;
      auto node = PatternParser(desc.national_number_pattern()).Parse();
      if (!node) return;
      auto [s, e] = nfa.Build(*node);
      nfa.states[static_cast<size_t>(root)].eps.push_back(s);
      nfa.states[static_cast<size_t>(e)].tag = static_cast<uint16_t>(1u << i);
    }
    if (nfa.overflow) return;
    auto dfa = Determinize(nfa, root);
    if (!dfa) return;
    types = std::move(*dfa);
    if (metadata->has_leading_digits()) {
      auto node = PatternParser(metadata->leading_digits()).Parse();
      if (!node) return;
      Nfa lead;
      auto [s, e] = lead.Build(*node);
      lead.states[static_cast<size_t>(e)].tag = 1;
      if (lead.overflow) return;
      auto lead_dfa = Determinize(lead, s);
      if (!lead_dfa) return;
      leading = std::move(*lead_dfa);
    }
    supported = true;
  }

  bool Matching(int desc, size_t length, uint16_t tags) const {
    const auto i = static_cast<size_t>(desc);
    if (has_lengths[i] && (length >= 32 || ((lengths[i] >> length) & 1) == 0)) return false;
    return (tags >> desc) & 1;
  }
  // GetNumberTypeHelper(...) != UNKNOWN
  bool KnownType(std::string_view nsn) const {
    const uint16_t tags = types.FullMatch(nsn);
    if (!Matching(0, nsn.size(), tags)) return false;
    for (int i = 1; i < kDescCount; ++i) {
      if (Matching(i, nsn.size(), tags)) return true;
    }
    return false;
  }
};

}  // namespace

struct NumberValidator::Data {
  i18n::phonenumbers::PhoneMetadataCollection collection;
  std::vector<std::unique_ptr<Region>> regions;
  // calling code → its regions in libphonenumber's order (main country first)
  std::map<int, std::vector<std::pair<std::string, Region*>>> by_code;
};

NumberValidator::NumberValidator() : data_(std::make_unique<Data>()) {
  if (!data_->collection.ParseFromArray(i18n::phonenumbers::metadata_get(),
                                        i18n::phonenumbers::metadata_size())) {
    return;  // every Check answers kUnsupported
  }
  std::map<std::string, Region*> by_id;
  std::map<int, Region*> non_geo;
  for (const auto& metadata : data_->collection.metadata()) {
    auto region = std::make_unique<Region>();
    region->metadata = &metadata;
    if (metadata.id() == "001") {
      non_geo[metadata.country_code()] = region.get();
    } else {
      by_id[metadata.id()] = region.get();
    }
    data_->regions.push_back(std::move(region));
  }
  const auto* util = i18n::phonenumbers::PhoneNumberUtil::GetInstance();
  std::set<int> codes;
  util->GetSupportedCallingCodes(&codes);
  for (int code : codes) {
    std::list<std::string> ids;
    util->GetRegionCodesForCountryCallingCode(code, &ids);
    auto& list = data_->by_code[code];
    for (const auto& id : ids) {
      Region* region = nullptr;
      if (id == "001") {
        auto it = non_geo.find(code);
        if (it != non_geo.end()) region = it->second;
      } else {
        auto it = by_id.find(id);
        if (it != by_id.end()) region = it->second;
      }
      list.emplace_back(id, region);
    }
  }
}

NumberValidator::~NumberValidator() = default;

const NumberValidator& NumberValidator::Get() {
  static const NumberValidator validator;
  return validator;
}

NumberValidator::Answer NumberValidator::Check(int country_code, std::string_view nsn) const {
  for (char c : nsn) {
    if (c < '0' || c > '9') return {};
  }
  auto it = data_->by_code.find(country_code);
  if (it == data_->by_code.end() || it->second.empty()) return {Verdict::kInvalid, {}};
  const auto& list = it->second;
  auto ready = [](Region* region) {
    if (region == nullptr) return false;
    std::call_once(region->once, [region] { region->Build(); });
    return region->supported;
  };
  // GetRegionCodeForNumber: one region → that one; several → the first whose leading digits
  // match, or (without leading digits) for which the number has a known type.
  const std::pair<std::string, Region*>* chosen = nullptr;
  if (list.size() == 1) {
    chosen = &list.front();
    if (!ready(chosen->second)) return {};
  } else {
    for (const auto& entry : list) {
      if (!ready(entry.second)) return {};
      const Region& region = *entry.second;
      if (region.leading ? region.leading->PrefixMatch(nsn) : region.KnownType(nsn)) {
        chosen = &entry;
        break;
      }
    }
    if (chosen == nullptr) return {Verdict::kInvalid, {}};
  }
  // IsValidNumberForRegion
  if (!chosen->second->KnownType(nsn)) return {Verdict::kInvalid, {}};
  return {Verdict::kValid, chosen->first};
}

}  // namespace outdial::store
