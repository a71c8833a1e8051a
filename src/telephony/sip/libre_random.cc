// libre 1.1.0's random numbers, from a per-thread pool the kernel fills.
//
// Why: libre takes every random number (each received message's tag, each branch, tag and
// Call-ID, each RTP socket's port choice, SSRC and sequence, each SDP session id — about a dozen
// per call) from OpenSSL 3's RAND_bytes, one call each, and each call costs microseconds of
// provider dispatch and locking. `bench_sip rate` profiled this at about a fifth of libre's
// thread at 1,500 calls/s.
//
// How: the executable defines rand_u16/u32/u64, rand_bytes, rand_str and rand_char, which take
// precedence over libre.so's (libre calls them through its PLT). They serve bytes from a
// thread-local 4 KiB pool filled by getrandom(2) — the kernel's CSPRNG, the same quality as
// OpenSSL's (which seeds from it) — so a refill is one system call per ~500 numbers. Same
// contracts as libre's (rand_str: size-1 alphanumeric characters and a NUL).
//
// Threading: any thread (the pool is per thread).
#include <sys/random.h>

#include <algorithm>
#include <cerrno>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <random>

namespace outdial::telephony {
namespace {

struct Pool {
  uint8_t bytes[4096] = {};
  size_t used = sizeof(bytes);
};

thread_local Pool t_pool;

void Refill(Pool& pool) {
  size_t filled = 0;
  while (filled < sizeof(pool.bytes)) {
    ssize_t n = ::getrandom(pool.bytes + filled, sizeof(pool.bytes) - filled, 0);
    if (n > 0) {
      filled += static_cast<size_t>(n);
    } else if (n < 0 && errno != EINTR) {
      std::random_device device;  // no getrandom(2) (old kernel, seccomp): the library's source
      for (; filled < sizeof(pool.bytes); ++filled) pool.bytes[filled] = static_cast<uint8_t>(device());
    }
  }
  pool.used = 0;
}

void Fill(uint8_t* out, size_t size) {
  Pool& pool = t_pool;
  while (size > 0) {
    if (pool.used == sizeof(pool.bytes)) Refill(pool);
    size_t take = std::min(size, sizeof(pool.bytes) - pool.used);
    std::memcpy(out, pool.bytes + pool.used, take);
    pool.used += take;
    out += take;
    size -= take;
  }
}

template <typename T>
T Random() {
  T value;
  Fill(reinterpret_cast<uint8_t*>(&value), sizeof(value));
  return value;
}

}  // namespace

// Referenced from sip_telephony.cc so that this object is linked wherever libre is used.
int LibreRandomLinked() {
  return 1;
}

}  // namespace outdial::telephony

extern "C" {

void rand_bytes(uint8_t* p, size_t size) {
  if (p != nullptr) outdial::telephony::Fill(p, size);
}

uint16_t rand_u16(void) {
  return outdial::telephony::Random<uint16_t>();
}

uint32_t rand_u32(void) {
  return outdial::telephony::Random<uint32_t>();
}

uint64_t rand_u64(void) {
  return outdial::telephony::Random<uint64_t>();
}

void rand_str(char* str, size_t size) {
  static const char kAlphanumeric[] = "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ";
  if (str == nullptr || size == 0) return;
  --size;
  outdial::telephony::Fill(reinterpret_cast<uint8_t*>(str), size);
  for (size_t i = 0; i < size; ++i) {
    str[i] = kAlphanumeric[static_cast<uint8_t>(str[i]) % (sizeof(kAlphanumeric) - 1)];
  }
  str[size] = '\0';
}

char rand_char(void) {
  char s[2];
  rand_str(s, sizeof(s));
  return s[0];
}

}  // extern "C"
