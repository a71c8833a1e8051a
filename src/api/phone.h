// Phone number normalisation at the edge (PRODUCT.md §6): everything stored is E.164. Numbers in
// national format are parsed with the tenant's default_region (ISO 3166 alpha-2). Wraps
// libphonenumber (which never throws across this boundary). Any thread.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace outdial::api {

// "+12015550123", "2015550123" (region US), "(201) 555-0123", "00 49 30 1234567" (region DE) →
// E.164; nullopt when the text is not a possible number.
std::optional<std::string> NormalizeNumber(std::string_view text, std::string_view default_region);

}  // namespace outdial::api
