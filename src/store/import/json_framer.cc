#include "store/import/json_framer.h"

#include <nlohmann/json.hpp>

namespace outdial::store {
namespace {

bool IsSpace(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}
bool EndsScalar(char c) {
  return IsSpace(c) || c == ',' || c == ']' || c == '}';
}

// Deep nesting is no contact; a cap keeps the bracket stack (and nlohmann's recursion) bounded.
constexpr size_t kMaxDepth = 64;
constexpr size_t kMaxKeyBytes = 1024;

}  // namespace

JsonFramer::JsonFramer(size_t max_element_bytes, Handler handler)
    : max_element_bytes_(max_element_bytes), handler_(std::move(handler)) {}

bool JsonFramer::Fail(std::string message) {
  error_ = std::move(message) + " (at byte " + std::to_string(consumed_) + ")";
  state_ = State::kFailed;
  return false;
}

void JsonFramer::StartValue() {
  nesting_.clear();
  in_string_ = false;
  escape_ = false;
  scalar_ = false;
  started_value_ = false;
}

int JsonFramer::Scan(char c) {
  if (!started_value_) {
    started_value_ = true;
    if (c == '{' || c == '[') {
      nesting_.push_back(c);
    } else if (c == '"') {
      in_string_ = true;
    } else if (c == '-' || (c >= '0' && c <= '9') || c == 't' || c == 'f' || c == 'n') {
      scalar_ = true;
    } else {
      return -1;
    }
    return 0;
  }
  if (in_string_) {
    if (escape_) {
      escape_ = false;
    } else if (c == '\\') {
      escape_ = true;
    } else if (c == '"') {
      in_string_ = false;
      if (nesting_.empty()) return 1;
    }
    return 0;
  }
  if (nesting_.empty()) return scalar_ && EndsScalar(c) ? 2 : 0;  // a top-level number or literal
  switch (c) {
    case '{':
    case '[':
      if (nesting_.size() == kMaxDepth) return -1;
      nesting_.push_back(c);
      return 0;
    case '}':
    case ']':
      if (nesting_.back() != (c == '}' ? '{' : '[')) return -1;
      nesting_.pop_back();
      return nesting_.empty() ? 1 : 0;
    case '"': in_string_ = true; return 0;
    default: return 0;
  }
}

bool JsonFramer::Feed(std::string_view chunk) {
  for (size_t i = 0; i < chunk.size(); ++i) {
    const char c = chunk[i];
    ++consumed_;
    switch (state_) {
      case State::kBeforeObject:
        if (IsSpace(c)) continue;
        if (c != '{') return Fail("the body is not a JSON object (expected '{\"contacts\": [...]}')");
        state_ = State::kKeyOrEnd;
        first_ = true;
        continue;
      case State::kKeyOrEnd:
        if (IsSpace(c)) continue;
        if (c == '"') {
          key_.assign(1, c);
          escape_ = false;
          state_ = State::kKey;
          continue;
        }
        if (c == '}' && first_) {
          state_ = State::kDone;
          continue;
        }
        return Fail("expected a key string in the JSON object");
      case State::kKey:
        if (key_.size() == kMaxKeyBytes) return Fail("a key of the JSON object is too long");
        key_.push_back(c);
        if (escape_) {
          escape_ = false;
        } else if (c == '\\') {
          escape_ = true;
        } else if (c == '"') {
          state_ = State::kColon;
        }
        continue;
      case State::kColon: {
        if (IsSpace(c)) continue;
        if (c != ':') return Fail("expected ':' after a key of the JSON object");
        // The key may use escapes ("\u0063ontacts"); let the JSON library decode it.
        nlohmann::json decoded = nlohmann::json::parse(key_, nullptr, /*allow_exceptions=*/false);
        if (!decoded.is_string()) return Fail("a key of the JSON object is not a valid string");
        in_contacts_value_ = decoded.get_ref<const std::string&>() == "contacts";
        state_ = State::kValue;
        continue;
      }
      case State::kValue:
        if (IsSpace(c)) continue;
        if (in_contacts_value_) {
          if (saw_contacts_) return Fail("the key \"contacts\" appears twice");
          saw_contacts_ = true;
          if (c != '[') return Fail("\"contacts\" must be an array");
          state_ = State::kElementOrEnd;
          first_ = true;
          continue;
        }
        StartValue();
        if (Scan(c) != 0) return Fail("expected a JSON value");
        state_ = State::kSkipValue;
        continue;
      case State::kSkipValue:
        switch (Scan(c)) {
          case -1: return Fail("malformed JSON value");
          case 0: continue;
          case 1: state_ = State::kCommaOrEnd; continue;
          default:  // ended before this byte: read it again as what follows the value
            state_ = State::kCommaOrEnd;
            --i;
            --consumed_;
            continue;
        }
      case State::kCommaOrEnd:
        if (IsSpace(c)) continue;
        if (c == ',') {
          state_ = State::kKeyOrEnd;
          first_ = false;
          continue;
        }
        if (c == '}') {
          state_ = State::kDone;
          continue;
        }
        return Fail("expected ',' or '}' in the JSON object");
      case State::kElementOrEnd:
        if (IsSpace(c)) continue;
        if (c == ']') {
          if (!first_) return Fail("a ',' before ']' in \"contacts\"");
          state_ = State::kCommaOrEnd;
          continue;
        }
        StartValue();
        element_.clear();
        oversized_ = false;
        if (Scan(c) != 0) return Fail("expected a contact in \"contacts\"");
        element_.push_back(c);
        state_ = State::kElement;
        continue;
      case State::kElement: {
        if (in_string_ && !escape_ && c != '"' && c != '\\') {
          // Hot path: the plain bytes of a string, up to its next quote or backslash, in one go.
          size_t j = i + 1;
          while (j < chunk.size() && chunk[j] != '"' && chunk[j] != '\\') ++j;
          const std::string_view run = chunk.substr(i, j - i);
          if (oversized_) {
            // already too long: only the structure is followed
          } else if (element_.size() + run.size() <= max_element_bytes_) {
            element_.append(run);
          } else {
            oversized_ = true;
            element_.clear();
            element_.shrink_to_fit();
          }
          consumed_ += run.size() - 1;  // the loop counted byte i already
          i = j - 1;
          continue;
        }
        const int r = Scan(c);
        if (r < 0) return Fail("malformed JSON in \"contacts\"");
        if (r < 2) {
          if (oversized_) {
            // already too long: only the structure is followed
          } else if (element_.size() < max_element_bytes_) {
            element_.push_back(c);
          } else {
            oversized_ = true;
            element_.clear();
            element_.shrink_to_fit();
          }
          if (r == 0) continue;
        } else {
          --i;
          --consumed_;
        }
        state_ = State::kElementCommaOrEnd;
        const JsonElement element{oversized_ ? std::string_view{} : std::string_view{element_}, oversized_,
                                  consumed_};
        const bool go_on = handler_(element);
        if (element_.capacity() > size_t{64} * 1024) element_.shrink_to_fit();
        if (!go_on) return false;
        continue;
      }
      case State::kElementCommaOrEnd:
        if (IsSpace(c)) continue;
        if (c == ',') {
          state_ = State::kElementOrEnd;
          first_ = false;
          continue;
        }
        if (c == ']') {
          state_ = State::kCommaOrEnd;
          continue;
        }
        return Fail("expected ',' or ']' after a contact in \"contacts\"");
      case State::kDone:
        if (IsSpace(c)) continue;
        return Fail("text after the end of the JSON object");
      case State::kFailed: return false;
    }
  }
  return true;
}

bool JsonFramer::Finish() {
  switch (state_) {
    case State::kDone: return true;
    case State::kFailed: return false;
    case State::kBeforeObject: return Fail("the body is empty");
    case State::kKeyOrEnd:
    case State::kKey:
    case State::kColon:
    case State::kValue:
    case State::kSkipValue:
    case State::kCommaOrEnd:
    case State::kElementOrEnd:
    case State::kElement:
    case State::kElementCommaOrEnd: return Fail("the JSON document ends early");
  }
  return false;
}

}  // namespace outdial::store
