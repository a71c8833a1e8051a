// The SIP driver's counters as /metrics renders them (app/sip_metrics.h through api::Metrics),
// while a bridged call is in progress: stray and malformed traffic of every kind is answered or
// dropped and counted, and the call neither sees an event nor loses a packet because of it.
#include <atomic>
#include <cstdlib>
#include <thread>

#include "api/metrics.h"
#include "app/sip_metrics.h"
#include "sip_harness.h"

namespace outdial::sip_test {
namespace {

using engine::LegEventKind;

std::vector<std::string> Uas(uint16_t rtp_port) {
  return {"-key", "rtpport", std::to_string(rtp_port), "-key", "codec", "0", "-key", "codec_name", "PCMU",
          "-d",   "100"};
}

std::string Rtp(uint16_t seq, uint8_t fill) {
  std::string p(12 + 160, static_cast<char>(fill));
  p[0] = static_cast<char>(0x80);
  p[1] = 0;
  p[2] = static_cast<char>(seq >> 8);
  p[3] = static_cast<char>(seq & 0xff);
  for (int i = 4; i < 12; ++i) p[static_cast<size_t>(i)] = 0;
  return p;
}

// The value of one sample in Prometheus text (`name{labels} value`), -1 when absent.
double Sample(const std::string& text, const std::string& series) {
  size_t at = 0;
  while ((at = text.find(series + " ", at)) != std::string::npos) {
    if (at == 0 || text[at - 1] == '\n') return std::strtod(text.c_str() + at + series.size() + 1, nullptr);
    at += series.size();
  }
  return -1;
}

class SipMetrics : public SipFixture {
 protected:
  std::string Scrape() { return metrics_.Render(api::EngineFigures{}, api::ServerFigures{}); }
  api::Metrics metrics_;
};

TEST_F(SipMetrics, StrayAndMalformedTrafficIsCountedAndTheCallInProgressCompletes) {
  UdpSocket agent_phone, customer_phone;
  Sipp agent("uas_answer.xml", Uas(agent_phone.port()));
  Sipp trunk("uas_answer.xml", Uas(customer_phone.port()));
  StartDriver(trunk.port());
  metrics_.AddCollector(
      [this](std::vector<api::CollectedFamily>& out) { app::CollectSipMetrics(*phones_, out); });
  Originate(Agent(1, agent.uri("agent1")));
  ASSERT_TRUE(recorder_.WaitFor(core::LegId{1}, LegEventKind::kAnswered, 5s)) << agent.Log();
  Originate(Customer(2, "+12015550160", core::LegId{1}));
  ASSERT_TRUE(recorder_.WaitFor(core::LegId{2}, LegEventKind::kAnswered, 5s)) << trunk.Log();
  const uint16_t agent_leg = phones_->LocalRtpPort(core::LegId{1});
  const uint16_t customer_leg = phones_->LocalRtpPort(core::LegId{2});
  ASSERT_NE(agent_leg, 0);
  ASSERT_NE(customer_leg, 0);
  const size_t agent_events = recorder_.Of(core::LegId{1}).size();
  const size_t customer_events = recorder_.Of(core::LegId{2}).size();

  // Media flows both ways the whole time the stray traffic comes in.
  std::atomic<bool> talking{true};
  std::atomic<int> sent{0};
  std::thread media([&] {
    for (uint16_t seq = 0; talking; ++seq) {
      auto a = Rtp(seq, 0x5a), c = Rtp(seq, 0xd5);
      agent_phone.SendTo(agent_leg, a.data(), a.size());
      customer_phone.SendTo(customer_leg, c.data(), c.size());
      sent += 2;
      std::this_thread::sleep_for(5ms);
    }
  });

  // INVITEs come from sockets of their own: their final answers are retransmitted until an ACK.
  UdpSocket attacker, inviter1, inviter2;
  const uint16_t sip = phones_->sip_port();
  int branch = 0;
  auto send = [&](const std::string& m, UdpSocket* socket = nullptr) {
    UdpSocket& from = socket != nullptr ? *socket : attacker;
    from.Drain();
    from.SendTo(sip, m.data(), m.size());
    auto got = from.Receive(500ms);
    return got.empty() ? std::string("(nothing)") : got[0].substr(0, got[0].find("\r\n"));
  };
  auto request = [&](const std::string& method, const std::string& extra = "",
                     const std::string& cseq_method = "", UdpSocket* socket = nullptr) {
    UdpSocket& from = socket != nullptr ? *socket : attacker;
    const std::string n = std::to_string(++branch);
    return send(
        method + " sip:outdial@127.0.0.1:" + std::to_string(sip) +
            " SIP/2.0\r\nVia: SIP/2.0/UDP 127.0.0.1:" + std::to_string(from.port()) + ";branch=z9hG4bKm" + n +
            "\r\nFrom: <sip:x@127.0.0.1>;tag=1\r\nTo: <sip:outdial@127.0.0.1>" + extra +
            "\r\nCall-ID: metrics-" + n + "\r\nCSeq: 1 " + (cseq_method.empty() ? method : cseq_method) +
            "\r\nMax-Forwards: 70\r\nContent-Length: 0\r\n\r\n",
        &from);
  };
  EXPECT_EQ(request("OPTIONS"), "SIP/2.0 200 OK");
  EXPECT_EQ(request("BYE").rfind("SIP/2.0 481", 0), 0u);                // no such dialog
  EXPECT_EQ(request("INFO", ";tag=nope").rfind("SIP/2.0 481", 0), 0u);  // names a dialog we do not have
  EXPECT_EQ(request("INVITE", ";tag=nope", "", &inviter1).rfind("SIP/2.0 481", 0), 0u);  // a re-INVITE for it
  EXPECT_EQ(request("CANCEL").rfind("SIP/2.0 481", 0), 0u);  // no such transaction
  EXPECT_EQ(request("MESSAGE").rfind("SIP/2.0 405", 0), 0u);
  EXPECT_EQ(request("INVITE", "", "", &inviter2).rfind("SIP/2.0 603", 0), 0u);  // we only dial out
  EXPECT_EQ(request("ACK"), "(nothing)");                                       // never answered
  EXPECT_EQ(request("NOTIFY", "", "OPTIONS").rfind("SIP/2.0 400", 0), 0u);      // CSeq contradicts it
  EXPECT_EQ(send("\x01\x02 this is not SIP at all \xff\r\n\r\n"), "(nothing)");
  // A start line, but a Via libre cannot decode: dropped by libre, counted at the next datagram.
  EXPECT_EQ(send("OPTIONS sip:outdial@127.0.0.1 SIP/2.0\r\nVia: garbage\r\nCall-ID: x\r\n\r\n"), "(nothing)");
  EXPECT_EQ(
      send("SIP/2.0 200 OK\r\nVia: SIP/2.0/UDP 127.0.0.1:9;branch=z9hG4bKnone\r\nFrom: <sip:a@b>;tag=1\r\n"
           "To: <sip:c@d>;tag=2\r\nCall-ID: none\r\nCSeq: 1 BYE\r\nContent-Length: 0\r\n\r\n"),
      "(nothing)");  // a response no transaction of ours claims
  EXPECT_EQ(request("OPTIONS"), "SIP/2.0 200 OK");

  // RTP from another host to the customer leg's port is not relayed to the agent.
  UdpSocket intruder(0, INADDR_LOOPBACK + 1);  // 127.0.0.2
  ASSERT_TRUE(intruder.ok());
  for (uint16_t seq = 0; seq < 20; ++seq) {
    auto x = Rtp(seq, 0x77);
    intruder.SendTo(customer_leg, x.data(), x.size());
  }
  ASSERT_TRUE(Eventually([&] { return phones_->counters().rtp_packets_foreign.load() >= 20u; }))
      << phones_->counters().rtp_packets_foreign.load();

  std::this_thread::sleep_for(300ms);
  talking = false;
  media.join();
  // Every packet that went in while the stray traffic came reached the other phone.
  ASSERT_TRUE(Eventually([&] {
    return phones_->counters().rtp_packets_relayed.load() >= static_cast<uint64_t>(sent.load());
  })) << phones_->counters().rtp_packets_relayed.load()
      << " of " << sent.load();
  EXPECT_EQ(phones_->counters().rtp_packets_dropped.load(), 0u);

  const std::string text = Scrape();
  EXPECT_EQ(Sample(text, "outdial_sip_requests_received_total{method=\"OPTIONS\"}"), 2)
      << text;  // not the probe
  EXPECT_EQ(Sample(text, "outdial_sip_requests_received_total{method=\"INVITE\"}"), 2);
  EXPECT_EQ(Sample(text, "outdial_sip_unsolicited_requests_total{status=\"481\"}"), 4);
  EXPECT_EQ(Sample(text, "outdial_sip_unsolicited_requests_total{status=\"405\"}"), 1);
  EXPECT_EQ(Sample(text, "outdial_sip_unsolicited_requests_total{status=\"603\"}"), 1);
  EXPECT_EQ(Sample(text, "outdial_sip_unsolicited_requests_total{status=\"none\"}"), 1);
  EXPECT_EQ(Sample(text, "outdial_sip_unsolicited_requests_by_method_total{method=\"BYE\"}"), 1);
  EXPECT_EQ(Sample(text, "outdial_sip_malformed_total{action=\"answered_400\"}"), 1);
  EXPECT_EQ(Sample(text, "outdial_sip_malformed_total{action=\"dropped\"}"), 2);
  EXPECT_EQ(Sample(text, "outdial_sip_stray_responses_total"), 1);
  EXPECT_GE(Sample(text, "outdial_sip_responses_sent_total{code=\"481\"}"), 4);  // + retransmissions
  EXPECT_EQ(Sample(text, "outdial_sip_requests_answered_total{method=\"OPTIONS\"}"), 2);
  EXPECT_EQ(Sample(text, "outdial_sip_invites_sent_total"), 2);
  EXPECT_EQ(Sample(text, "outdial_sip_invite_final_responses_total{code=\"200\"}"), 2);
  EXPECT_GE(Sample(text, "outdial_sip_responses_received_total{class=\"1xx\"}"), 2);
  EXPECT_GE(Sample(text, "outdial_sip_requests_sent_total{method=\"ACK\"}"), 2);
  EXPECT_EQ(Sample(text, "outdial_sip_active_legs"), 2);
  EXPECT_GE(Sample(text, "outdial_sip_rtp_packets_total{result=\"relayed\"}"), sent.load());
  EXPECT_EQ(Sample(text, "outdial_sip_rtp_packets_total{result=\"foreign\"}"), 20);

  // The call did not notice: no event came, and it ends as any call does.
  EXPECT_EQ(recorder_.Of(core::LegId{1}).size(), agent_events) << Describe(recorder_.Of(core::LegId{1}));
  EXPECT_EQ(recorder_.Of(core::LegId{2}).size(), customer_events) << Describe(recorder_.Of(core::LegId{2}));
  Hangup(core::LegId{2});
  Hangup(core::LegId{1});
  EXPECT_EQ(trunk.Wait(10s), 0) << trunk.Log();
  EXPECT_EQ(agent.Wait(10s), 0) << agent.Log();
  ASSERT_TRUE(Eventually([&] { return phones_->active_legs() == 0; }));
  const std::string after = Scrape();
  EXPECT_EQ(Sample(after, "outdial_sip_hangups_sent_total{method=\"BYE\"}"), 2) << after;
  EXPECT_EQ(Sample(after, "outdial_sip_active_legs"), 0);
}

}  // namespace
}  // namespace outdial::sip_test
