#include "store/import/digit_dfa.h"

#include <algorithm>
#include <map>
#include <string>

namespace outdial::store::digit_dfa {

namespace {

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

}  // namespace

std::optional<Dfa> CompileTagged(std::span<const std::string_view> patterns) {
  Nfa nfa;
  const int root = nfa.Add();
  for (size_t i = 0; i < patterns.size(); ++i) {
    // An empty pattern matches nothing (RegexBasedMatcher::MatchNationalNumber).
    if (patterns[i].empty()) continue;
    auto node = PatternParser(patterns[i]).Parse();
    if (!node) return std::nullopt;
    auto [s, e] = nfa.Build(*node);
    nfa.states[static_cast<size_t>(root)].eps.push_back(s);
    nfa.states[static_cast<size_t>(e)].tag = static_cast<uint16_t>(1u << i);
  }
  if (nfa.overflow) return std::nullopt;
  return Determinize(nfa, root);
}

std::optional<Dfa> Compile(std::string_view pattern) {
  auto node = PatternParser(pattern).Parse();
  if (!node) return std::nullopt;
  Nfa nfa;
  auto [s, e] = nfa.Build(*node);
  nfa.states[static_cast<size_t>(e)].tag = 1;
  if (nfa.overflow) return std::nullopt;
  return Determinize(nfa, s);
}

}  // namespace outdial::store::digit_dfa
