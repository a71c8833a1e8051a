#include "api/auth.h"

#include <sodium.h>

#include <array>
#include <cstdlib>
#include <mutex>

namespace outdial::api {

namespace {

void EnsureInit() {
  static std::once_flag once;
  std::call_once(once, [] {
    // sodium_init fails only without an entropy source; randombytes would abort then anyway.
    if (sodium_init() < 0) std::abort();
  });
}

std::string Hex(const unsigned char* data, size_t size) {
  std::string out(size * 2 + 1, '\0');
  sodium_bin2hex(out.data(), out.size(), data, size);
  out.pop_back();
  return out;
}

unsigned long long Ops(HashCost cost) {
  switch (cost) {
    case HashCost::kInteractive: return crypto_pwhash_OPSLIMIT_INTERACTIVE;
    case HashCost::kMinimal: return crypto_pwhash_OPSLIMIT_MIN;
  }
  return crypto_pwhash_OPSLIMIT_INTERACTIVE;
}

size_t Mem(HashCost cost) {
  switch (cost) {
    case HashCost::kInteractive: return crypto_pwhash_MEMLIMIT_INTERACTIVE;
    case HashCost::kMinimal: return crypto_pwhash_MEMLIMIT_MIN;
  }
  return crypto_pwhash_MEMLIMIT_INTERACTIVE;
}

}  // namespace

core::Result<std::string> HashPassword(std::string_view password, HashCost cost) {
  EnsureInit();
  std::array<char, crypto_pwhash_STRBYTES> out{};
  if (crypto_pwhash_str(out.data(), password.data(), password.size(), Ops(cost), Mem(cost)) != 0) {
    return core::MakeError(core::ErrorCode::kUnavailable, "Out of memory while hashing a password.");
  }
  return std::string(out.data());
}

bool VerifyPassword(std::string_view password, const std::string& stored_hash) {
  EnsureInit();
  if (stored_hash.empty() || stored_hash.size() >= crypto_pwhash_STRBYTES) return false;
  return crypto_pwhash_str_verify(stored_hash.c_str(), password.data(), password.size()) == 0;
}

void VerifyDummy(std::string_view password, HashCost cost) {
  static const std::string dummy = [cost] {
    auto h = HashPassword("outdial-dummy-password", cost);
    return h.ok() ? *h : std::string();
  }();
  (void)VerifyPassword(password, dummy);
}

std::string NewToken() {
  EnsureInit();
  std::array<unsigned char, 32> bytes{};
  randombytes_buf(bytes.data(), bytes.size());
  return Hex(bytes.data(), bytes.size());
}

std::string TokenHash(std::string_view token) {
  EnsureInit();
  std::array<unsigned char, crypto_generichash_BYTES> out{};
  crypto_generichash(out.data(), out.size(), reinterpret_cast<const unsigned char*>(token.data()),
                     token.size(), nullptr, 0);
  return Hex(out.data(), out.size());
}

}  // namespace outdial::api
