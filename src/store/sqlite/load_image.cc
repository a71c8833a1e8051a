#include "store/sqlite/load_image.h"

#include <charconv>
#include <iterator>

#include <fmt/format.h>

#include "store/sql/row_codec.h"

namespace outdial::store::sqlite {

using sql::AppendPhoneCounts;
using sql::AppendPhonesJson;
using sql::ContactStateFromString;
using sql::ParsePhones;

namespace {
// A cursor over a load image: the pieces DecodeLoadImage takes in turn; any miss makes ok false.
struct ImageReader {
  std::string_view text;
  size_t i = 0;
  bool ok = true;

  template <typename Int>
  Int Number(char end) {
    Int value{};
    auto [next, ec] = std::from_chars(text.data() + i, text.data() + text.size(), value);
    if (ec != std::errc{} || next == text.data() + text.size() || *next != end) {
      ok = false;
      return value;
    }
    i = static_cast<size_t>(next - text.data()) + 1;
    return value;
  }
  std::string_view Word(char end) {
    size_t stop = text.find(end, i);
    if (stop == std::string_view::npos) {
      ok = false;
      return {};
    }
    std::string_view word = text.substr(i, stop - i);
    i = stop + 1;
    return word;
  }
  // "<bytes>:<bytes of text>"
  std::string_view Sized() {
    auto size = Number<size_t>(':');
    if (!ok || size > text.size() - i) {
      ok = false;
      return {};
    }
    std::string_view value = text.substr(i, size);
    i += size;
    return value;
  }
};
}  // namespace

void AppendLoadImage(core::CampaignId campaign, const core::Contact& c, std::string_view timezone,
                     std::string& out) {
  auto appender = std::back_inserter(out);
  fmt::format_to(appender, "{} {} {} {} {} {} {} {} ", campaign.value, c.priority, c.attempts_made,
                 core::ToEpochMs(c.next_eligible_at), c.callback ? 1 : 0, c.callback_agent.value,
                 core::ToString(c.state),
                 c.last_outcome ? core::ToString(*c.last_outcome) : std::string_view("-"));
  AppendPhoneCounts(c.phones, out);
  out += '|';
  auto sized = [&](std::string_view text) {
    fmt::format_to(appender, "{}:", text.size());
    out += text;
  };
  sized(timezone);
  sized(c.name);
  const size_t at = out.size();
  out += "0:";  // the numbers' JSON, its size written once known
  AppendPhonesJson(c.phones, out);
  const std::string size = std::to_string(out.size() - at - 2);
  out.replace(at, 1, size);
}

core::Result<void> DecodeLoadImage(std::string_view image, core::Contact& c, std::string_view& timezone) {
  ImageReader r{image};
  const auto campaign = r.Number<uint64_t>(' ');
  const auto priority = r.Number<int>(' ');
  const auto attempts_made = r.Number<int>(' ');
  const auto next_eligible_ms = r.Number<int64_t>(' ');
  const auto callback = r.Number<int>(' ');
  const auto callback_agent = r.Number<uint64_t>(' ');
  const std::string_view state_text = r.Word(' ');
  const std::string_view outcome_text = r.Word(' ');
  const std::string_view counts = r.Word('|');
  timezone = r.Sized();
  const std::string_view name = r.Sized();
  const std::string_view phones = r.Sized();
  auto malformed = [&](std::string_view what) {
    return core::MakeError(
        core::ErrorCode::kInternal,
        fmt::format("stored contact {} has a malformed load image ({})", c.id.value, what));
  };
  if (!r.ok || r.i != image.size()) return malformed("layout");
  auto state = ContactStateFromString(state_text);
  if (!state) return malformed("state");
  c.campaign_id = core::CampaignId{campaign};
  c.priority = static_cast<uint8_t>(priority);
  c.attempts_made = static_cast<uint16_t>(attempts_made);
  c.next_eligible_at = core::FromEpochMs(next_eligible_ms);
  c.callback = callback != 0;
  c.callback_agent = core::AgentId{callback_agent};
  c.state = *state;
  c.last_outcome.reset();
  if (outcome_text != "-") {
    c.last_outcome = core::OutcomeFromString(outcome_text);
    if (!c.last_outcome) return malformed("outcome");
  }
  c.name.assign(name);
  return ParsePhones(phones, counts, c.phones);
}

std::string ImageHeadSet(std::string_view attempts_made, std::string_view next_eligible_at,
                         std::string_view callback, std::string_view callback_agent, std::string_view state,
                         std::string_view last_outcome, std::string_view phone_counts) {
  return fmt::format(
      "load_image = printf('%d %d %d %d %d %d %s %s %s', campaign_id, priority, {}, {}, {}, coalesce({}, 0), "
      "{}, "
      "coalesce({}, '-'), {}) || substr(load_image, instr(load_image, '|'))",
      attempts_made, next_eligible_at, callback, callback_agent, state, last_outcome, phone_counts);
}

}  // namespace outdial::store::sqlite
