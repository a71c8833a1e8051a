// G.711 helpers for the RTP relay and the detectors: µ-law/A-law to linear PCM and in-place
// transcoding between the two laws (spandsp's tables). Pure functions, any thread.
#pragma once

#include <cstddef>
#include <cstdint>

namespace outdial::telephony::media {

// Decodes `n` G.711 bytes (A-law when `alaw`, else µ-law) into 8 kHz linear samples.
void DecodeG711(bool alaw, const uint8_t* in, size_t n, int16_t* out);
// Encodes linear samples as G.711.
void EncodeG711(bool alaw, const int16_t* in, size_t n, uint8_t* out);
// Rewrites `n` bytes in place: A-law → µ-law when `from_alaw`, else µ-law → A-law.
void TranscodeG711(bool from_alaw, uint8_t* data, size_t n);

}  // namespace outdial::telephony::media
