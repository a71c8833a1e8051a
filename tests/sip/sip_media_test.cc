// Anchored media: an agent leg and a customer leg bridged through the server. The two "phones"
// are UDP sockets of the test named in the sipp callees' SDP, so every packet is counted at both
// ends; payloads are checked byte for byte (µ-law ↔ A-law transcoding when the two sides chose
// differently) and RFC 4733 events are passed on with the receiver's payload type.
#include <spandsp.h>

#include <thread>

#include "sip_harness.h"

namespace outdial::sip_test {
namespace {

using engine::LegEventKind;

std::vector<std::string> Uas(uint16_t rtp_port, int codec) {
  return {"-key", "rtpport",    std::to_string(rtp_port),     "-key", "codec", std::to_string(codec),
          "-key", "codec_name", codec == 8 ? "PCMA" : "PCMU", "-d",   "100"};
}

std::string Rtp(uint8_t pt, uint16_t seq, uint32_t ts, uint8_t fill, size_t payload = 160) {
  std::string p(12 + payload, static_cast<char>(fill));
  p[0] = static_cast<char>(0x80);
  p[1] = static_cast<char>(pt);
  p[2] = static_cast<char>(seq >> 8);
  p[3] = static_cast<char>(seq & 0xff);
  for (int i = 0; i < 4; ++i) p[4 + i] = static_cast<char>(ts >> (24 - 8 * i));
  p[8] = 0x12;  // SSRC
  return p;
}

struct Count {
  int packets = 0;
  int wrong_pt = 0;
  int wrong_payload = 0;
};

class SipMedia : public SipFixture, public ::testing::WithParamInterface<int> {};

TEST_P(SipMedia, RtpFlowsBothWaysThroughTheServer) {
  const int customer_codec = GetParam();  // the agent's phone uses µ-law
  UdpSocket agent_phone, customer_phone;
  Sipp agent("uas_answer.xml", Uas(agent_phone.port(), 0));
  Sipp trunk("uas_answer.xml", Uas(customer_phone.port(), customer_codec));
  StartDriver(trunk.port());
  Originate(Agent(1, agent.uri("agent1")));
  ASSERT_TRUE(recorder_.WaitFor(core::LegId{1}, LegEventKind::kAnswered, 5s)) << agent.Log();
  Originate(Customer(2, "+12015550150", core::LegId{1}));
  ASSERT_TRUE(recorder_.WaitFor(core::LegId{2}, LegEventKind::kAnswered, 5s)) << trunk.Log();
  const uint16_t to_agent_leg = phones_->LocalRtpPort(core::LegId{1});
  const uint16_t to_customer_leg = phones_->LocalRtpPort(core::LegId{2});
  ASSERT_NE(to_agent_leg, 0);
  ASSERT_NE(to_customer_leg, 0);

  const int kPackets = 150;  // 3 s of 20 ms packets, sent faster than real time
  const uint8_t agent_fill = 0x5a, customer_fill = 0xd5;
  Count at_agent, at_customer;
  auto tally = [](UdpSocket& s, Count& c, int want_pt, uint8_t want_byte) {
    for (const auto& p : s.Drain()) {
      if (p.size() < 13) continue;
      ++c.packets;
      if ((static_cast<uint8_t>(p[1]) & 0x7f) != want_pt) ++c.wrong_pt;
      if (static_cast<uint8_t>(p[12]) != want_byte) ++c.wrong_payload;
    }
  };
  const bool transcode = customer_codec == 8;
  const uint8_t agent_hears = transcode ? alaw_to_ulaw(customer_fill) : customer_fill;
  const uint8_t customer_hears = transcode ? ulaw_to_alaw(agent_fill) : agent_fill;
  for (int i = 0; i < kPackets; ++i) {
    auto a = Rtp(0, static_cast<uint16_t>(i), static_cast<uint32_t>(160 * i), agent_fill);
    auto c = Rtp(static_cast<uint8_t>(customer_codec), static_cast<uint16_t>(i),
                 static_cast<uint32_t>(160 * i), customer_fill);
    agent_phone.SendTo(to_agent_leg, a.data(), a.size());
    customer_phone.SendTo(to_customer_leg, c.data(), c.size());
    std::this_thread::sleep_for(2ms);
    tally(agent_phone, at_agent, 0, agent_hears);
    tally(customer_phone, at_customer, customer_codec, customer_hears);
  }
  Eventually(
      [&] {
        tally(agent_phone, at_agent, 0, agent_hears);
        tally(customer_phone, at_customer, customer_codec, customer_hears);
        return at_agent.packets == kPackets && at_customer.packets == kPackets;
      },
      2s);
  EXPECT_EQ(at_agent.packets, kPackets);
  EXPECT_EQ(at_customer.packets, kPackets);
  EXPECT_EQ(at_agent.wrong_pt + at_customer.wrong_pt, 0);
  EXPECT_EQ(at_agent.wrong_payload + at_customer.wrong_payload, 0);

  // A DTMF digit from the agent (RFC 4733, payload type 101 both sides) reaches the customer.
  auto digit = Rtp(101, 1000, 160 * 1000, 0x05, 4);
  agent_phone.SendTo(to_agent_leg, digit.data(), digit.size());
  auto got = customer_phone.Receive(2s);
  ASSERT_EQ(got.size(), 1u);
  EXPECT_EQ(static_cast<uint8_t>(got[0][1]) & 0x7f, 101);
  EXPECT_EQ(got[0].size(), 16u);
  EXPECT_EQ(phones_->counters().dtmf_events_relayed.load(), 1u);
  EXPECT_EQ(phones_->counters().rtp_packets_relayed.load(), 2u * kPackets + 1);
  EXPECT_EQ(phones_->counters().rtp_packets_transcoded.load(), transcode ? 2u * kPackets : 0u);

  Hangup(core::LegId{2});
  Hangup(core::LegId{1});
  EXPECT_EQ(trunk.Wait(10s), 0) << trunk.Log();
  EXPECT_EQ(agent.Wait(10s), 0) << agent.Log();
}

INSTANTIATE_TEST_SUITE_P(Codecs, SipMedia, ::testing::Values(0, 8),
                         [](const auto& param_info) { return param_info.param == 8 ? "Pcma" : "Pcmu"; });

}  // namespace
}  // namespace outdial::sip_test
