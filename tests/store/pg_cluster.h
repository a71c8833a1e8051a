// A throwaway PostgreSQL 15 cluster for tests, started on first use and stopped at process exit.
#pragma once

#include <string>

#include "core/result.h"

namespace outdial::store::testing {

class PgCluster {
 public:
  static PgCluster& Get();
  // Why the cluster is not available ("" when it runs).
  const std::string& error() const { return error_; }
  // postgresql://postgres@127.0.0.1:PORT/ (append a database name).
  const std::string& url() const { return url_; }
  const std::string& dir() const { return dir_; }
  int port() const { return port_; }
  // A new, empty database; returns its URL.
  core::Result<std::string> CreateDatabase();

 private:
  PgCluster();
  ~PgCluster();
  std::string error_, dir_, url_, stop_;
  int port_ = 0;
};

}  // namespace outdial::store::testing
