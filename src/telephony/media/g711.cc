#include "telephony/media/g711.h"

#include <spandsp.h>

namespace outdial::telephony::media {

void DecodeG711(bool alaw, const uint8_t* in, size_t n, int16_t* out) {
  if (alaw) {
    for (size_t i = 0; i < n; ++i) out[i] = alaw_to_linear(in[i]);
  } else {
    for (size_t i = 0; i < n; ++i) out[i] = ulaw_to_linear(in[i]);
  }
}

void EncodeG711(bool alaw, const int16_t* in, size_t n, uint8_t* out) {
  if (alaw) {
    for (size_t i = 0; i < n; ++i) out[i] = linear_to_alaw(in[i]);
  } else {
    for (size_t i = 0; i < n; ++i) out[i] = linear_to_ulaw(in[i]);
  }
}

void TranscodeG711(bool from_alaw, uint8_t* data, size_t n) {
  if (from_alaw) {
    for (size_t i = 0; i < n; ++i) data[i] = alaw_to_ulaw(data[i]);
  } else {
    for (size_t i = 0; i < n; ++i) data[i] = ulaw_to_alaw(data[i]);
  }
}

}  // namespace outdial::telephony::media
