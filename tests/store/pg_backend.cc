// The PostgreSQL test backend: a throwaway cluster started once per test process (initdb -A trust
// into a temp dir as user postgres, pg_ctl on 127.0.0.1 and a free port, sockets in the temp dir),
// stopped and removed at exit; every test gets its own fresh database in it. Skips — loudly — only
// when the PostgreSQL 15 binaries are missing.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <mutex>

#include <fmt/format.h>

#include "store/postgres/pg_connection.h"
#include "store/postgres/pg_database.h"
#include "tests/store/backends.h"
#include "tests/store/pg_cluster.h"

namespace outdial::store::testing {

namespace {

constexpr const char* kBin = "/usr/lib/postgresql/15/bin";

int FreePort() {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = 0;
  socklen_t len = sizeof(addr);
  int port = 0;
  if (::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) == 0 &&
      ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) == 0) {
    port = ntohs(addr.sin_port);
  }
  ::close(fd);
  return port;
}

std::string Quote(const std::string& s) {
  return "'" + s + "'";
}

}  // namespace

PgCluster::PgCluster() {
  if (!std::filesystem::exists(std::string(kBin) + "/initdb")) {
    error_ = fmt::format("PostgreSQL 15 binaries not found under {} (apt-get install postgresql)", kBin);
    return;
  }
  char pattern[] = "/tmp/outdial-pg-XXXXXX";
  if (::mkdtemp(pattern) == nullptr) {
    error_ = "mkdtemp failed";
    return;
  }
  dir_ = pattern;
  // initdb refuses to run as root: run the server as user postgres, who owns the directory.
  std::string as_user;
  if (::geteuid() == 0) {
    as_user = "runuser -u postgres -- ";
    if (std::system(("chown postgres " + Quote(dir_)).c_str()) != 0) {
      error_ = "cannot give " + dir_ + " to user postgres";
      return;
    }
  }
  std::string data = dir_ + "/data";
  std::string log = dir_ + "/log";
  std::string init = fmt::format("{}{}/initdb -A trust -U postgres -N -D {} >{}/initdb.log 2>&1", as_user,
                                 kBin, Quote(data), Quote(dir_));
  if (std::system(init.c_str()) != 0) {
    error_ = "initdb failed; see " + dir_ + "/initdb.log";
    return;
  }
  for (int attempt = 0; attempt < 5 && url_.empty(); ++attempt) {
    int port = FreePort();
    std::string start = fmt::format(
        "{}{}/pg_ctl -D {} -l {} -w -t 60 -o \"-c listen_addresses=127.0.0.1 -p {} -k {} -c fsync=off "
        "-c synchronous_commit=off -c full_page_writes=off\" start >/dev/null 2>&1",
        as_user, kBin, Quote(data), Quote(log), port, Quote(dir_));
    if (std::system(start.c_str()) == 0) {
      port_ = port;
      url_ = fmt::format("postgresql://postgres@127.0.0.1:{}/", port);
    }
  }
  if (url_.empty()) {
    error_ = "pg_ctl start failed; see " + log;
    return;
  }
  stop_ =
      fmt::format("{}{}/pg_ctl -D {} -m immediate -w -t 30 stop >/dev/null 2>&1", as_user, kBin, Quote(data));
}

PgCluster::~PgCluster() {
  if (!stop_.empty()) (void)std::system(stop_.c_str());
  if (!dir_.empty()) {
    std::error_code ec;
    std::filesystem::remove_all(dir_, ec);
  }
}

PgCluster& PgCluster::Get() {
  static PgCluster cluster;  // stopped by its destructor at exit
  return cluster;
}

core::Result<std::string> PgCluster::CreateDatabase() {
  static std::atomic<int> next{0};
  std::string name = fmt::format("t{}_{}", ::getpid(), next++);
  auto admin = postgres::PgConnection::Open(url_ + "postgres");
  if (!admin.ok()) return admin.error();
  if (auto r = (*admin)->Exec("CREATE DATABASE " + name); !r.ok()) return r.error();
  return url_ + name;
}

namespace {

class PgBackend final : public Backend {
 public:
  PgBackend() {
    PgCluster& cluster = PgCluster::Get();
    if (!cluster.error().empty()) {
      unavailable_ = cluster.error();
      return;
    }
    auto url = cluster.CreateDatabase();
    if (!url.ok()) {
      unavailable_ = url.error().message;
      return;
    }
    url_ = *url;
  }
  std::string Unavailable() const override { return unavailable_; }
  core::Result<OpenedStore> Open(sql::PostToEngine post) override {
    auto db = postgres::OpenPostgresDatabase(url_, std::move(post));
    if (!db.ok()) return db.error();
    return Opened(std::unique_ptr<sql::SqlDatabase>(std::move(*db)));
  }
  core::Result<std::unique_ptr<sql::Connection>> Connect() override {
    auto c = postgres::PgConnection::Open(url_);
    if (!c.ok()) return c.error();
    return std::unique_ptr<sql::Connection>(std::move(*c));
  }
  std::span<const sql::Migration> Migrations() const override { return postgres::SchemaMigrations(); }

 private:
  std::string unavailable_;
  std::string url_;
};

}  // namespace

std::unique_ptr<Backend> MakePostgresBackend() {
  return std::make_unique<PgBackend>();
}

}  // namespace outdial::store::testing
