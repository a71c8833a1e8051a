// Passwords and bearer tokens (API.md "Auth"). Passwords are argon2id strings from libsodium's
// crypto_pwhash_str; tokens are 32 random bytes (hex) of which only an unkeyed BLAKE2b hash
// (crypto_generichash) is stored, so a leaked session table yields no usable token.
// Pure functions over libsodium, any thread (libsodium is initialised on first use).
#pragma once

#include <string>
#include <string_view>

#include "core/result.h"

namespace outdial::api {

// How expensive a password hash is. `kInteractive` is libsodium's INTERACTIVE level (the
// default); `kMinimal` (OPSLIMIT_MIN/MEMLIMIT_MIN) exists for load tests that create thousands
// of users and is refused nowhere, so the config documents it as unsafe.
enum class HashCost { kInteractive, kMinimal };

core::Result<std::string> HashPassword(std::string_view password, HashCost cost);
// Constant-time with respect to the password; a malformed stored hash verifies false.
bool VerifyPassword(std::string_view password, const std::string& stored_hash);
// Burns the time of one verification (used when the user does not exist, so a failed login
// takes as long whichever part was wrong).
void VerifyDummy(std::string_view password, HashCost cost);

// A new random bearer token (64 hex characters).
std::string NewToken();
// The hash stored for a token (64 hex characters).
std::string TokenHash(std::string_view token);

}  // namespace outdial::api
