// The wire counters' pure helpers (src/telephony/sip/wire_counters.h), without a socket: which
// method a start line names, what counts as a SIP start line or STUN, and which counter one
// message or one refused request moves.
#include "telephony/sip/wire_counters.h"

#include <cstring>
#include <string>

#include <gtest/gtest.h>

namespace outdial::telephony {
namespace {

const uint8_t* Bytes(const std::string& s) {
  return reinterpret_cast<const uint8_t*>(s.data());
}

TEST(WireCounters, MethodOfNamesEveryCountedMethodAndNothingElse) {
  for (size_t i = 0; i < kSipMethodCount; ++i) {
    auto method = static_cast<SipMethod>(i);
    if (method == SipMethod::kOther) continue;
    std::string_view name = ToString(method);
    EXPECT_EQ(MethodOf(name.data(), name.size()), method) << name;
  }
  EXPECT_EQ(MethodOf("invite", 6), SipMethod::kOther);  // methods are case-sensitive
  EXPECT_EQ(MethodOf("INVITES", 7), SipMethod::kOther);
  EXPECT_EQ(MethodOf("", 0), SipMethod::kOther);
}

TEST(WireCounters, SipStartLinesAsLibreAsksForThem) {
  EXPECT_TRUE(HasSipStartLine(Bytes("INVITE sip:1@h SIP/2.0\r\n"), 24));
  EXPECT_TRUE(HasSipStartLine(Bytes("SIP/2.0 200 OK\r\n"), 16));
  EXPECT_FALSE(HasSipStartLine(Bytes("SIP/2.0 2x0 OK\r\n"), 16));
  EXPECT_FALSE(HasSipStartLine(Bytes("INVITE sip:1@h HTTP/1.1\r\n"), 25));
  EXPECT_FALSE(HasSipStartLine(Bytes("INVITE sip:1@h SIP/2.0"), 22));  // no line feed
  EXPECT_FALSE(HasSipStartLine(Bytes("garbage\n"), 8));
}

TEST(WireCounters, StunIsRecognisedByItsMagicCookie) {
  uint8_t stun[20] = {0x00, 0x01, 0x00, 0x00, 0x21, 0x12, 0xa4, 0x42};
  EXPECT_TRUE(LooksLikeStun(stun, sizeof(stun)));
  EXPECT_FALSE(LooksLikeStun(stun, 19));
  stun[0] = 0x80;  // an RTP version bit
  EXPECT_FALSE(LooksLikeStun(stun, sizeof(stun)));
}

TEST(WireCounters, CountMessageSplitsByDirectionMethodClassAndCode) {
  SipCounters c;
  std::string bye = "BYE sip:1@h SIP/2.0\r\n";
  std::string ringing = "SIP/2.0 180 Ringing\r\n";
  std::string odd = "FOO sip:1@h SIP/2.0\r\n";
  CountMessage(c, false, Bytes(bye), bye.size());
  CountMessage(c, false, Bytes(ringing), ringing.size());
  CountMessage(c, true, Bytes(bye), bye.size());
  CountMessage(c, true, Bytes(ringing), ringing.size());
  CountMessage(c, true, Bytes(odd), odd.size());
  EXPECT_EQ(c.sip_messages_received.load(), 2u);
  EXPECT_EQ(c.requests_received[static_cast<size_t>(SipMethod::kBye)].load(), 1u);
  EXPECT_EQ(c.responses_received[1].load(), 1u);
  EXPECT_EQ(c.requests_sent[static_cast<size_t>(SipMethod::kBye)].load(), 1u);
  EXPECT_EQ(c.requests_sent[static_cast<size_t>(SipMethod::kOther)].load(), 1u);
  EXPECT_EQ(c.responses_sent[180 - 100].load(), 1u);
}

TEST(WireCounters, CountUnsolicitedByStatusAndMethod) {
  SipCounters c;
  CountUnsolicited(c, SipMethod::kAck, 0);
  CountUnsolicited(c, SipMethod::kMessage, 405);
  CountUnsolicited(c, SipMethod::kBye, 481);
  CountUnsolicited(c, SipMethod::kInvite, 603);
  EXPECT_EQ(c.unsolicited_requests.load(), 4u);
  for (size_t slot = 0; slot < 4; ++slot) EXPECT_EQ(c.unsolicited_by_status[slot].load(), 1u) << slot;
  EXPECT_EQ(c.unsolicited_by_method[static_cast<size_t>(SipMethod::kMessage)].load(), 1u);
}

}  // namespace
}  // namespace outdial::telephony
