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

#include "store/import/digit_dfa.h"

namespace i18n::phonenumbers {
// libphonenumber's compiled-in metadata (generated metadata.cc, exported by libphonenumber.so; the
// header declaring them is not installed).
int metadata_size();
const void* metadata_get();
}  // namespace i18n::phonenumbers

namespace outdial::store {
namespace {

using digit_dfa::Dfa;
using i18n::phonenumbers::PhoneMetadata;
using i18n::phonenumbers::PhoneNumberDesc;

// ---- The regions --------------------------------------------------------------------------------

// The descs GetNumberTypeHelper looks at: index 0 is general_desc, the rest the number types.
constexpr int kDescCount = 11;
const PhoneNumberDesc& DescAt(const PhoneMetadata& m, int i) {
  switch (i) {
    case 0: return m.general_desc();
    case 1: return m.premium_rate();
    case 2: return m.toll_free();
    case 3: return m.shared_cost();
    case 4: return m.voip();
    case 5: return m.personal_number();
    case 6: return m.pager();
    case 7: return m.uan();
    case 8: return m.voicemail();
    case 9: return m.fixed_line();
    default: return m.mobile();
  }
}

struct Region {
  const PhoneMetadata* metadata = nullptr;
  std::once_flag once;
  bool supported = false;
  Dfa types;                                   // tag bit i: DescAt(i) matches in full
  std::optional<Dfa> leading;                  // leading_digits, when the metadata has them
  std::optional<Dfa> idd;                      // international_prefix, when the metadata has one
  bool national_ok = false;                    // NationalNumber may answer for this region
  std::array<uint32_t, kDescCount> lengths{};  // bit n: length n possible
  std::array<bool, kDescCount> has_lengths{};

  void Build() {
    std::array<std::string_view, kDescCount> patterns;
    for (int i = 0; i < kDescCount; ++i) {
      const PhoneNumberDesc& desc = DescAt(*metadata, i);
      has_lengths[static_cast<size_t>(i)] = desc.possible_length_size() > 0;
      for (int k = 0; k < desc.possible_length_size(); ++k) {
        const int length = desc.possible_length(k);
        if (length >= 0 && length < 32) lengths[static_cast<size_t>(i)] |= 1u << length;
      }
      patterns[static_cast<size_t>(i)] = desc.national_number_pattern();
    }
    auto dfa = digit_dfa::CompileTagged(patterns);
    if (!dfa) return;
    types = std::move(*dfa);
    if (metadata->has_leading_digits()) {
      leading = digit_dfa::Compile(metadata->leading_digits());
      if (!leading) return;
    }
    supported = true;
    // For NationalNumber: the IDD must compile, and the national prefix for parsing must be a
    // plain digit string without a transform rule (DE "0", US "1"; not AR's carrier-code regex).
    const std::string& prefix = metadata->national_prefix_for_parsing();
    const bool plain_prefix =
        std::all_of(prefix.begin(), prefix.end(), [](char c) { return c >= '0' && c <= '9'; });
    if (!plain_prefix || !metadata->national_prefix_transform_rule().empty()) return;
    if (!metadata->international_prefix().empty()) {
      idd = digit_dfa::Compile(metadata->international_prefix());
      if (!idd) return;
    }
    national_ok = true;
  }

  // TestNumberLength(number, metadata) (type UNKNOWN: the general desc's lengths).
  enum class Length { kPossible, kLocalOnly, kTooShort, kTooLong, kInvalid };
  Length TestLength(size_t length) const {
    const auto& desc = metadata->general_desc();
    if (desc.possible_length_size() == 0 || desc.possible_length(0) == -1) return Length::kInvalid;
    const int actual = static_cast<int>(length);
    for (int k = 0; k < desc.possible_length_local_only_size(); ++k) {
      if (desc.possible_length_local_only(k) == actual) return Length::kLocalOnly;
    }
    const int minimum = desc.possible_length(0);
    if (minimum == actual) return Length::kPossible;
    if (minimum > actual) return Length::kTooShort;
    if (desc.possible_length(desc.possible_length_size() - 1) < actual) return Length::kTooLong;
    for (int k = 1; k < desc.possible_length_size(); ++k) {
      if (desc.possible_length(k) == actual) return Length::kPossible;
    }
    return Length::kInvalid;
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
  std::map<std::string, Region*, std::less<>> by_id;
  std::vector<bool> calling_codes = std::vector<bool>(1000, false);
};

NumberValidator::NumberValidator() : data_(std::make_unique<Data>()) {
  if (!data_->collection.ParseFromArray(i18n::phonenumbers::metadata_get(),
                                        i18n::phonenumbers::metadata_size())) {
    return;  // every Check answers kUnsupported
  }
  auto& by_id = data_->by_id;
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
    if (code > 0 && code < 1000) data_->calling_codes[static_cast<size_t>(code)] = true;
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

bool NumberValidator::IsCallingCode(int code) const {
  return code > 0 && code < 1000 && data_->calling_codes[static_cast<size_t>(code)];
}

// ParseHelper for text without '+', step by step, giving up wherever it would need more than a
// plain reading: MaybeStripInternationalPrefixAndNormalize, MaybeExtractCountryCode (a number
// starting with the region's own calling code), MaybeStripNationalPrefixAndCarrierCode and the
// length rule that decides whether the national prefix is kept.
std::optional<NumberValidator::National> NumberValidator::NationalNumber(std::string_view region_code,
                                                                         std::string_view digits) const {
  auto it = data_->by_id.find(region_code);
  if (it == data_->by_id.end() || digits.size() < 2) return std::nullopt;
  Region* region = it->second;
  std::call_once(region->once, [region] { region->Build(); });
  if (!region->supported || !region->national_ok) return std::nullopt;
  if (region->idd && region->idd->PrefixMatch(digits)) return std::nullopt;
  const PhoneMetadata& metadata = *region->metadata;
  const std::string code = std::to_string(metadata.country_code());
  if (digits.substr(0, code.size()) == code) return std::nullopt;
  std::string nsn(digits);
  const std::string& prefix = metadata.national_prefix_for_parsing();
  if (!prefix.empty() && digits.substr(0, prefix.size()) == prefix) {
    const std::string_view stripped = digits.substr(prefix.size());
    const bool viable_original = (region->types.FullMatch(digits) & 1) != 0;
    const bool viable_stripped = (region->types.FullMatch(stripped) & 1) != 0;
    if (!(viable_original && !viable_stripped) && !stripped.empty()) {
      switch (region->TestLength(stripped.size())) {
        case Region::Length::kPossible:
        case Region::Length::kTooLong: nsn.assign(stripped); break;
        case Region::Length::kLocalOnly:
        case Region::Length::kTooShort:
        case Region::Length::kInvalid: break;
      }
    }
  }
  if (nsn.size() < 2 || nsn.size() > 17) return std::nullopt;
  return National{metadata.country_code(), std::move(nsn)};
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
